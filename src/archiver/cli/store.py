"""Commands over the archive: search, export, stats, reparse, datasette."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from archiver.atomic import replacing
from archiver.cli import EXIT_BAD_INPUT, EXIT_NEGATIVE, db_option, fail, main
from archiver.cli.stats_text import stats_text
from archiver.errors import QueryError
from archiver.store import Archive, SearchHit

_site_option = click.option("--site", help="Only this site (profile name or host).")
_since_option = click.option(
    "--since", metavar="DATE", help="Published on or after DATE (2024, 2024-03, 2024-03-05)."
)
_until_option = click.option(
    "--until", metavar="DATE", help="Published on or before DATE (whole month/year if given so)."
)
_author_option = click.option(
    "--author", help="Only articles whose author contains these words (accents optional)."
)


@contextmanager
def _bad_query() -> Iterator[None]:
    """A mistyped query or date is the user's input, not a broken archive: exit code 2."""
    try:
        yield
    except QueryError as error:
        fail(str(error), EXIT_BAD_INPUT)


def _styled(hit: SearchHit) -> str:
    if not sys.stdout.isatty():
        return hit.marked("**", "**")
    return hit.marked("\x1b[1;33m", "\x1b[0m")


@main.command()
@click.argument("query")
@_site_option
@_since_option
@_until_option
@_author_option
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Number of results.",
)
@click.option("--exact", is_flag=True, help="Diacritics must match as typed (hòa/hoà still equal).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines, one hit per line.")
@db_option
def search(
    query: str,
    site: str | None,
    since: str | None,
    until: str | None,
    author: str | None,
    limit: int,
    exact: bool,
    as_json: bool,
    db: str,
) -> None:
    """Search archived articles, best match first.

    Accent-insensitive: "da nang" finds "Đà Nẵng". Words are ANDed; use
    "quotes" for a phrase, AND/OR/NOT (upper case), parentheses, a trailing *
    for a prefix, title:/lead:/body: to search one field. Exits 1 when nothing
    matches.

    \b
    Examples:
        archiver search "thu tuong"
        archiver search '"Đà Nẵng" AND (bão OR lũ)' --since 2024-01 --site vnexpress
        archiver search "Thủy" --exact --json --limit 5
    """
    found = 0
    with Archive(db, readonly=True) as archive, _bad_query():
        hits = archive.iter_search(
            query, site=site, since=since, until=until, author=author, limit=limit, exact=exact
        )
        for found, hit in enumerate(hits, 1):
            if as_json:  # one line per hit, written as found: `export` and `jq` style
                click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
                continue
            details = " · ".join(filter(None, (hit.site, hit.published_at, hit.author)))
            click.echo(f"{found}. {hit.title or '(no title)'}  ({details})")
            click.echo(f"   {hit.url}")
            click.echo(f"   {_styled(hit)}\n")
    if not found:
        click.echo(f"archiver: no article matches {query!r}", err=True)
        sys.exit(EXIT_NEGATIVE)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@_site_option
@_since_option
@_until_option
@_author_option
@click.option(
    "--query", "-q", help="Only articles matching this search query (all of them, by id)."
)
@click.option(
    "--fields",
    metavar="A,B,...",
    help="Columns to write, in this order (default: all; see the README for their names).",
)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: write cells starting with = + - @ verbatim (by default they get a leading ' "
    "so a spreadsheet shows them instead of running them as formulas).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (default: standard output).",
)
@click.option(
    "--bom",
    is_flag=True,
    help="Start with a UTF-8 byte-order mark (lets Excel open a CSV correctly).",
)
@db_option
def export(
    fmt: str,
    site: str | None,
    since: str | None,
    until: str | None,
    author: str | None,
    query: str | None,
    fields: str | None,
    raw: bool,
    output: str,
    bom: bool,
    db: str,
) -> None:
    """Export articles as JSON lines or CSV (UTF-8), streaming in constant memory.

    A file is written under a temporary name and renamed when complete; it gets
    the permissions the umask gives a new file. In CSV, cells that a spreadsheet
    would run as formulas are neutralised unless --raw is given.

    \b
    Examples:
        archiver export -o articles.jsonl
        archiver export --format csv --bom --site vnexpress --since 2024-03 -o march.csv
        archiver export --query '"Đà Nẵng" bão' --author "Ngọc An" --fields id,url,title
    """
    newline = "" if fmt == "csv" else None
    columns = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    with (
        Archive(db, readonly=True) as archive,
        _bad_query(),
        _stdout_text(newline)
        if output == "-"
        else replacing(output, "w", encoding="utf-8", newline=newline) as stream,
    ):
        count = archive.export(
            format=fmt,
            site=site,
            since=since,
            until=until,
            author=author,
            query=query,
            fields=columns,
            raw=raw,
            out=stream,
            bom=bom,
        )
    click.echo(
        f"exported {count:,} articles" + ("" if output == "-" else f" to {output}"), err=True
    )


@contextmanager
def _stdout_text(newline: str | None) -> Iterator[IO[str]]:
    """UTF-8 text on stdout whatever the locale, leaving sys.stdout usable afterwards."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline=newline)
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@click.option(
    "--months",
    default=6,
    show_default=True,
    type=click.IntRange(1, 120),
    help="Months shown per site.",
)
@db_option
def stats(as_json: bool, months: int, db: str) -> None:
    """Show what the archive holds: articles per site and month, fields missing per
    site (a broken profile shows up as a jump), and the last crawl runs.

    \b
    Examples:
        archiver stats
        archiver stats --json --db /data/archive.db
    """
    with Archive(db, readonly=True) as archive:
        data = archive.stats()
    if as_json:
        click.echo(json.dumps(data.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(stats_text(data, months))


@main.command()
@_site_option
@db_option
def reparse(site: str | None, db: str) -> None:
    """Re-run extraction over the stored raw pages (after a profile fix).

    Updates articles without refetching; an earlier title or body is kept in
    article_versions. Exits 1 if no page could be re-extracted.

    \b
    Examples:
        archiver reparse --site vnexpress
        ARCHIVER_DB=/data/archive.db archiver reparse
    """
    with Archive(db) as archive:
        summary = archive.reparse(site=site)
    outcomes = ", ".join(f"{count:,} {name}" for name, count in sorted(summary.outcomes.items()))
    click.echo(
        f"re-extracted {summary.examined:,} pages: {outcomes or 'nothing'}; "
        f"{summary.failed:,} failed"
    )
    for fetch_id, url, error in summary.failures:
        click.echo(f"  fetch {fetch_id} {url}: {error}", err=True)
    if summary.examined and summary.failed == summary.examined:
        sys.exit(EXIT_NEGATIVE)


@main.command()
@db_option
@click.option("--dry-run", is_flag=True, help="Print the Datasette command instead of running it.")
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED)
def datasette(db: str, dry_run: bool, datasette_args: tuple[str, ...]) -> None:
    """Browse the archive in Datasette, with full-text search that ignores diacritics and đ.

    Datasette is optional: install it with pip install 'archiver[datasette]'.
    It is looked for beside the Python running archiver, then on PATH. Extra
    arguments go to Datasette.

    \b
    Examples:
        archiver datasette --db archive.db
        archiver datasette --dry-run -- --port 8002
    """
    from archiver.store import is_postgres
    from archiver.store.datasette import METADATA, PLUGINS, SETTINGS, metadata_for

    if is_postgres(db):
        fail(
            "Datasette reads SQLite files; browse a PostgreSQL archive with psql or a BI tool, "
            "or copy it to a file first (archiver migrate --from URL --to archive.db)"
        )
    name = Path(db).stem
    metadata: Any = METADATA
    if name != "archive":
        handle, metadata = tempfile.mkstemp(prefix="archiver-datasette-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(metadata_for(name), stream, ensure_ascii=False)
    command = [
        "datasette",
        db,
        "-m",
        str(metadata),
        "--plugins-dir",
        str(PLUGINS),
        *SETTINGS,
        *datasette_args,
    ]
    if dry_run:
        click.echo(" ".join(command))
        return
    executable = find_datasette()
    if executable is None:
        fail(
            "Datasette is not installed here: pip install 'archiver[datasette]' "
            f"(into {sys.prefix}), then run this again",
            EXIT_BAD_INPUT,
        )
    os.execv(executable, command)


def find_datasette() -> str | None:
    """The ``datasette`` script beside the running interpreter (the venv archiver runs in,
    which need not be activated), else the first on PATH."""
    beside = shutil.which("datasette", path=str(Path(sys.executable).parent))
    return beside or shutil.which("datasette")


@main.command()
@db_option
def init(db: str) -> None:
    """Create the archive, or bring its schema up to date (a SQLite file does this on open).

    For a PostgreSQL archive run it once before starting a fleet of crawlers; the
    database must exist and the user may create tables in it.

    \b
    Examples:
        archiver init --db postgresql://archiver@db.example/archive
        ARCHIVER_DB=postgresql://archiver@localhost/archive archiver init
    """
    with Archive(db) as archive:
        stats = archive.stats()
    click.echo(
        f"archive ready at {_shown(db)}: {stats.totals['articles']:,} articles, "
        f"{stats.totals['fetches']:,} fetches"
    )


def _shown(target: str) -> str:
    from archiver.store.postgres.connection import redact

    return redact(target)


@main.command()
@click.option("--from", "source", required=True, help="The archive to copy (file or URL).")
@click.option("--to", "destination", required=True, help="An empty archive to copy it into.")
def migrate(source: str, destination: str) -> None:
    """Copy an archive to another engine: a SQLite file to PostgreSQL, or back.

    Every table is copied with its ids; the destination's search index is built as
    the articles arrive. Interrupted, it resumes where it stopped when run again with
    the same --from and --to. The source is only read.

    \b
    Examples:
        archiver migrate --from archive.db --to postgresql://archiver@db.example/archive
        archiver migrate --from postgresql://archiver@db.example/archive --to copy.db
    """
    from archiver.store.transfer import copy_archive

    if source == destination:
        fail("--from and --to name the same archive")
    with Archive(source, readonly=True) as old, Archive(destination) as new:
        copied = copy_archive(old.database, new.database)
    summary = ", ".join(f"{count:,} {table}" for table, count in copied.items() if count)
    click.echo(f"copied {_shown(source)} to {_shown(destination)}: {summary or 'nothing new'}")
