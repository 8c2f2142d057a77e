"""``archiver import-warc`` and ``archiver export-warc``: the archive to and from WARC files.

``export-warc`` is a command of its own rather than an option of ``export``:
``export`` streams articles read-only, while ``export-warc`` walks the fetch rows and
writes their WARC pointers back into the archive.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cli import EXIT_NEGATIVE, db_option, main
from archiver.store import Archive


@main.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Processes extracting articles [1 per CPU after the first].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def import_warc(files: tuple[str, ...], db: str, workers: int | None, as_json: bool) -> None:
    """Import the HTML pages of WARC FILES (or directories of them) as articles.

    Reads WARCs from any tool (Heritrix, Browsertrix, wget --warc-file, pywb,
    archiver): successful HTML responses are extracted and deduplicated like
    crawled pages, each fetch row pointing at its WARC record; revisit records
    are followed to their original payload. In a corrupt file, reading skips to
    the next readable record; each damage is reported in one line (file, offset,
    where reading went on). Exit status: 0 every file read to its end, 1 some
    file was damaged (everything readable around the damage is imported), 2 a
    file is missing, 3 the archive is unusable.

    \b
    Examples:
        archiver import-warc crawl-2019-00001.warc.gz crawl-2019-00002.warc.gz
        archiver import-warc /data/warcs/ --db vn.db
    """
    import json

    from archiver.cli.crawl import default_workers
    from archiver.warc import import_warcs

    def progress(path: Path) -> None:
        if not as_json:
            click.echo(f"reading {path}", err=True)

    with Archive(db) as archive:
        summary = import_warcs(
            archive,
            files,
            workers=default_workers() if workers is None else workers,
            on_file=progress,
        )
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        outcomes = ", ".join(f"{n:,} {k}" for k, n in sorted(summary.articles.items()))
        skipped = ", ".join(f"{n:,} {k}" for k, n in sorted(summary.skipped.items()))
        click.echo(
            f"read {summary.records:,} records from {summary.files} files: "
            f"{summary.pages:,} HTML pages ({outcomes or 'none'}); "
            f"{summary.revisits_followed:,} revisits followed, "
            f"{summary.revisits_unresolved:,} unresolved, {summary.not_modified:,} not modified; "
            f"skipped {skipped or 'nothing'}"
        )
    for damage in summary.damaged:
        click.echo(
            f"archiver: {damage}; the records before it were imported, the rest of the file "
            "was not read",
            err=True,
        )
    if summary.damaged:
        sys.exit(EXIT_NEGATIVE)


@main.command("export-warc")
@click.argument("directory", type=click.Path(file_okay=False))
@db_option
@click.option("--site", help="Only fetches of this site (profile name or host).")
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Start a new WARC file past this many megabytes.",
)
@click.option(
    "--wacz",
    type=click.Path(dir_okay=False),
    help="Also pack the directory's WARCs into this WACZ file.",
)
def export_warc(directory: str, db: str, site: str | None, max_size: int, wacz: str | None) -> None:
    """Write WARC files into DIRECTORY for archived fetches that have no WARC record yet.

    For an archive crawled without --warc: every fetch that got a response is
    written as WARC/1.1 request and response (or revisit) records, gzip per
    record, with index.cdxj beside them for pywb, and its fetch row then points
    at its record. Running it again writes only what is new. --wacz then packs
    every WARC of DIRECTORY into one WACZ file (ReplayWeb.page, Browsertrix), the
    archived articles listed as its pages.

    \b
    Examples:
        archiver export-warc warcs/
        archiver export-warc warcs/vnexpress --site vnexpress --max-size 500
        archiver export-warc warcs/ --wacz tamky-2024.wacz
    """
    from archiver.store.warcs import captured_articles
    from archiver.warc import export_warcs
    from archiver.warc.reader import warc_files
    from archiver.warc.wacz import WaczPage, write_wacz

    with Archive(db) as archive:
        summary = export_warcs(archive, directory, site=site, max_size=max_size * 1_000_000)
        records = ", ".join(f"{n:,} {kind}" for kind, n in summary.records.items() if n)
        click.echo(
            f"wrote {summary.fetches:,} fetches ({records or 'no records'}) "
            f"into {len(summary.files)} files in {directory}"
        )
        if wacz is None:
            return
        files = [str(path.resolve()) for path in warc_files([directory])]
        captured = captured_articles(archive.database, files)
        pages = [WaczPage(url, at, title) for url, at, title in captured]
    packed = write_wacz(
        directory,
        wacz,
        pages=pages,
        title=f"archiver: {Path(db).name}",
        description=f"WARCs of {Path(directory).resolve()} exported from {Path(db).resolve()}",
    )
    click.echo(
        f"packed {len(packed.warcs)} WARC files ({packed.records:,} records, "
        f"{packed.pages:,} pages) into {wacz} ({packed.bytes / 1e6:,.1f} MB)"
    )
