"""``archiver crawl``: crawl sites into the archive, politely, resumably, incrementally."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from archiver.cli import EXIT_UNUSABLE, crawl_db_option, main


@main.command()
@click.argument("sites", nargs=-1, metavar="[SITE_OR_URL]...")
@crawl_db_option
@click.option(
    "--profile", help="Use this site profile for the given URLs (same CMS on another host)."
)
@click.option(
    "--max-pages", type=click.IntRange(min=0), help="Stop after this many pages (0: no limit)."
)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Skip articles published before this date."
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
    profile: str | None,
    max_pages: int | None,
    since: datetime | None,
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

    Runs resume after a crash, re-runs fetch only what is new or changed (conditional
    requests, listings paged until known articles), and articles are revisited after
    1 hour, 1 day, 7 and 30 days to record their view counts. robots.txt, Crawl-delay
    and Retry-After are obeyed. Exit status: 0 the run completed (some pages may have
    failed: see the summary), 3 nothing could be fetched or the archive is unusable,
    130 interrupted.

    \b
    Examples:
        archiver crawl tamky --max-pages 200
        archiver crawl https://hoian.gov.vn/ --profile tamky --delay 2
        archiver crawl --config sites.toml --quiet      # from cron
        archiver crawl tamky --warc warcs/              # WARC files for pywb too
    """
    from archiver.crawl import run_crawl
    from archiver.crawl.config import load_config, make_plan

    config_data = load_config(config) if config else None
    overrides: dict[str, Any] = {
        "delay": delay,
        "per_host": per_host,
        "user_agent": user_agent,
        "max_pages": max_pages,
    }
    plan = make_plan(
        list(sites),
        config=config_data,
        profile=profile,
        overrides=overrides,
        since=since.date() if since else None,
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
    if stats.pages_ok == 0:
        click.echo("archiver: no page could be fetched; see the errors above", err=True)
        sys.exit(EXIT_UNUSABLE)


def default_workers() -> int:
    """Parse in other processes when there are spare cores; one core parses inline."""
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    return max(0, min(cores - 1, 4))
