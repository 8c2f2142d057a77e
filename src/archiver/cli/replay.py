"""``archiver replay DIR``: serve a replay directory as a website on loopback."""

from __future__ import annotations

import asyncio

import click

from archiver.cli import EXIT_UNUSABLE, fail, main
from archiver.replay import ReplayServer, ReplaySite
from archiver.replay.server import check_loopback


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--port", "-p", default=8080, show_default=True, help="TCP port (0: any free one).")
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Loopback address to listen on; other addresses are refused.",
)
def replay(directory: str, port: int, host: str) -> None:
    """Serve the saved pages in DIRECTORY (a manifest.json and its files) over HTTP.

    The server answers as every host the manifest names: point a client at it as a
    proxy to fetch the sites under their real URLs, all on loopback. Ctrl-C stops it.

    \b
    Example:
        archiver replay fixtures/demo --port 8080
        curl -x http://127.0.0.1:8080 http://tamky.gov.vn/
    """
    host = check_loopback(host)  # refuse before reading anything
    site = ReplaySite(directory)
    server = ReplayServer(site, host=host, port=port)

    async def run() -> None:
        await server.start()
        click.echo(f"Replaying {len(site.urls)} URLs of {', '.join(site.hosts)}")
        click.echo(f"Serving on {server.url} (use it as an HTTP proxy); Ctrl-C stops.")
        await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        click.echo("Stopped.")
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}", EXIT_UNUSABLE)
