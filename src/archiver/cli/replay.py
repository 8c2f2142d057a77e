"""``archiver replay SOURCE...``: serve a replay directory or WARCs as a website on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archiver.cli import EXIT_UNUSABLE, fail, main
from archiver.replay import ReplayServer, ReplaySite
from archiver.replay.manifest import MANIFEST
from archiver.replay.server import check_loopback

if TYPE_CHECKING:
    from archiver.warc import WarcDamage


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--port", "-p", default=8080, show_default=True, help="TCP port (0: any free one).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback address to listen on; other addresses are refused.",
)
@click.option(
    "--https", is_flag=True, help="Answer CONNECT too: replay https URLs with a local CA."
)
@click.option(
    "--ca-dir",
    type=click.Path(file_okay=False),
    help="Where the local CA lives [default: $XDG_DATA_HOME/archiver/replay-ca].",
)
def replay(sources: tuple[str, ...], port: int, host: str, https: bool, ca_dir: str | None) -> None:
    """Serve saved pages over HTTP: a replay DIRECTORY (a manifest.json and its files),
    WARC files, or directories of WARC files.

    The server answers as every host the sources name: point a client at it as a
    proxy to fetch the sites under their real URLs, all on loopback. A URL captured
    several times in the WARCs answers with each capture in turn. With --https it
    also answers CONNECT, so https URLs replay too, with certificates from a local
    CA it makes once (trust its archiver-replay-ca.pem). Ctrl-C stops it.

    \b
    Example:
        archiver replay fixtures/demo --port 8080
        archiver replay warcs/crawl-00000.warc.gz
        curl -x http://127.0.0.1:8080 http://tamky.gov.vn/
        archiver replay warcs/ --https
        curl -x http://127.0.0.1:8080 --cacert archiver-replay-ca.pem https://vnexpress.net/
    """
    host = check_loopback(host)  # refuse before reading anything
    site = _site(sources)
    tls = None
    if https:
        from archiver.replay.tls import LocalCA

        tls = LocalCA(ca_dir)
    server = ReplayServer(site, host=host, port=port, tls=tls)

    async def run() -> None:
        await server.start()
        click.echo(f"Replaying {len(site.urls)} URLs of {', '.join(site.hosts)}")
        click.echo(f"Serving on {server.url} (use it as an HTTP proxy); Ctrl-C stops.")
        if tls is not None:
            click.echo(f"https through CONNECT: trust the CA {tls.cert_path}")
        await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        click.echo("Stopped.")
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}", EXIT_UNUSABLE)


def _site(sources: tuple[str, ...]) -> ReplaySite:
    """A directory with a manifest.json is a replay directory; anything else holds WARCs."""
    from archiver.warc import warc_entries, warc_files

    manifests = [Path(s) for s in sources if (Path(s) / MANIFEST).is_file()]
    warcs = [s for s in sources if Path(s).is_file() or not (Path(s) / MANIFEST).is_file()]
    if len(manifests) > 1:
        fail("give at most one replay directory (with a manifest.json)")
    if not manifests and any(Path(s).is_dir() and not warc_files([s]) for s in warcs):
        return ReplaySite(next(s for s in warcs if Path(s).is_dir()))  # says what is missing

    def damaged(damage: WarcDamage) -> None:
        click.echo(f"archiver: {damage}; serving the records before it", err=True)

    entries = warc_entries(warcs, on_damage=damaged) if warcs else []
    return ReplaySite(manifests[0] if manifests else None, entries=entries)
