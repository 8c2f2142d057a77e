"""``archiver crawl``: crawl sites into the archive, politely, resumably, incrementally."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from archiver.cli import EXIT_UNUSABLE, crawl_db_option, main


class Duration(click.ParamType):
    """``90s``, ``45m``, ``2h``, ``1h30m`` or seconds, as seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from archiver.crawl.outcome import parse_interval

        if isinstance(value, float):
            return value
        try:
            return parse_interval(str(value)).total_seconds()
        except ValueError as error:
            self.fail(str(error), param, ctx)


@main.command()
@click.argument("sites", nargs=-1, metavar="[SITE_OR_URL|-]...")
@crawl_db_option
@click.option(
    "--urls",
    "url_files",
    multiple=True,
    type=click.File("r", encoding="utf-8-sig"),
    metavar="FILE",
    help="Also crawl the URLs in FILE, one a line (- for stdin; # comments).",
)
@click.option(
    "--profile", help="Use this site profile for the given URLs (same CMS on another host)."
)
@click.option(
    "--max-pages", type=click.IntRange(min=0), help="Stop after this many pages (0: no limit)."
)
@click.option(
    "--max-time",
    type=Duration(),
    metavar="DURATION",
    help="Stop after this long (90s, 45m, 2h, 1h30m); the next run resumes.",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Only articles published on or after DATE (2024, 2024-03, 2024-03-05).",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Only articles published on or before DATE (a whole month or year if given so).",
)
@click.option(
    "--delay", type=click.FloatRange(min=0), help="Seconds between requests to one host [1]."
)
@click.option("--per-host", type=click.IntRange(min=1), help="Requests in flight per host [1].")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file listing sites and settings.",
)
@click.option("--user-agent", help="User-Agent to send (say who you are and how to reach you).")
@click.option(
    "--wait",
    is_flag=True,
    help="If another crawl holds the archive, wait for it instead of exiting.",
)
@click.option(
    "--record",
    type=click.Path(file_okay=False),
    help="Also save fetched pages as a replay directory.",
)
@click.option(
    "--warc",
    type=click.Path(file_okay=False),
    help="Also write every exchange as WARC records into this directory (with index.cdxj).",
)
@click.option(
    "--proxy", help="Send every request through this HTTP proxy (e.g. an `archiver replay` server)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Processes for parsing pages [one per CPU, up to 4; none on one CPU].",
)
@click.option("--quiet", "-q", is_flag=True, help="Only problems and the summary.")
@click.option("--verbose", "-v", is_flag=True, help="A line for every page.")
@click.option("--log-json", is_flag=True, help="Log lines as JSON objects (for log collectors).")
def crawl(
    sites: tuple[str, ...],
    db: str | None,
    url_files: tuple[IO[str], ...],
    profile: str | None,
    max_pages: int | None,
    max_time: float | None,
    since: str | None,
    until: str | None,
    delay: float | None,
    per_host: int | None,
    config: str | None,
    user_agent: str | None,
    wait: bool,
    record: str | None,
    warc: str | None,
    proxy: str | None,
    workers: int | None,
    quiet: bool,
    verbose: bool,
    log_json: bool,
) -> None:
    """Crawl SITE_OR_URL (profile names such as vnexpress or tamky, or any URL) into the archive.

    Runs resume after a crash or a spent --max-time, re-runs fetch only what is new or
    changed (conditional requests, listings paged until known articles), and articles
    are revisited after 1 hour, 1 day, 7 and 30 days to record their view counts.
    robots.txt, Crawl-delay and Retry-After are obeyed. "-" reads URLs from stdin, one
    a line. Exit status: 0 the run completed or spent its budget (some pages may have
    failed: see the summary), 2 bad arguments, 3 nothing could be fetched or the
    archive is unusable, 130 interrupted. With a PostgreSQL archive (--db or ARCHIVER_DB
    postgresql://…) any number of crawls on any number of machines share the work.

    \b
    Examples:
        archiver crawl tamky --max-pages 200
        archiver crawl tamky --since 2024-01 --until 2024-03   # one quarter's backfill
        archiver crawl tamky --max-time 45m                    # resumes on the next run
        archiver crawl https://hoian.gov.vn/ --profile tamky --delay 2
        archiver crawl - < urls.txt                            # or --urls urls.txt
        archiver crawl --config sites.toml --quiet --max-time 50m   # from cron
        archiver crawl tamky --warc warcs/                     # WARC files for pywb too
        archiver crawl --config sites.toml --db postgresql://archiver@db/archive  # a fleet
    """
    from archiver.crawl import run_crawl
    from archiver.crawl.config import load_config, make_plan

    config_data = load_config(config) if config else None
    overrides: dict[str, Any] = {
        "delay": delay,
        "per_host": per_host,
        "user_agent": user_agent,
        "max_pages": max_pages,
        "max_time": max_time,
    }
    plan = make_plan(
        seed_names(sites, url_files),
        config=config_data,
        profile=profile,
        overrides=overrides,
        since=since,
        until=until,
    )
    status, stats = run_crawl(
        plan,
        db=db,
        wait=wait,
        record=Path(record) if record else None,
        warc=Path(warc) if warc else None,
        proxy=proxy,
        workers=workers if workers is not None else default_workers(),
        quiet=quiet,
        verbose=verbose,
        log_json=log_json,
        arguments={"sites": list(sites), "config": config, "argv": sys.argv[1:]},
    )
    if status == "interrupted":
        sys.exit(130)
    # A budget that ran out before the first page is not a site that cannot be fetched,
    # nor is a fleet's crawler whose good pages the others happened to take.
    from archiver.store import default_path, is_postgres

    target = db or plan.db or default_path()
    failed = stats.pages_ok == 0 and bool(stats.errors or not stats.stopped_by)
    if failed and (not is_postgres(target) or not _fleet_fetched(target)):
        click.echo("archiver: no page could be fetched; see the errors above", err=True)
        sys.exit(EXIT_UNUSABLE)


def _fleet_fetched(target: str) -> bool:
    """Whether a shared archive holds a successful fetch (some crawler of the fleet's)."""
    from archiver.store import Archive

    with Archive(target, readonly=True) as archive:
        totals = archive.stats().totals
    return totals["fetches"] > totals["failed_fetches"]


def seed_names(sites: tuple[str, ...], url_files: tuple[IO[str], ...]) -> list[str]:
    """The sites and URLs to crawl: the arguments, with ``-`` and each ``--urls`` file
    read as URL lists (stdin once). A bad line is reported on stderr, one line each,
    and left out; a list without a single URL is an error."""
    from archiver.crawl.seeds import read_url_list
    from archiver.errors import ConfigError

    names: list[str] = []
    lists: list[tuple[IO[str], str]] = [(f, _source_name(f)) for f in url_files]
    if "-" in sites and not any(source == "stdin" for _, source in lists):
        lists.append((click.get_text_stream("stdin", encoding="utf-8-sig"), "stdin"))
    names.extend(name for name in sites if name != "-")
    for stream, source in lists:
        try:
            found = read_url_list(stream, source)
        except UnicodeDecodeError as error:
            raise ConfigError(f"{source}: not UTF-8 text ({error.reason})") from None
        for problem in found.problems:
            click.echo(f"archiver: {problem}", err=True)
        if not found.urls:
            raise ConfigError(f"{source}: no URL to crawl (one http(s) URL a line)")
        names.extend(found.urls)
    return names


def _source_name(stream: IO[str]) -> str:
    name = getattr(stream, "name", "-")
    return "stdin" if name in ("-", "<stdin>") else str(name)


def default_workers() -> int:
    """Parse in other processes when there are spare cores; one core parses inline."""
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    return max(0, min(cores - 1, 4))
