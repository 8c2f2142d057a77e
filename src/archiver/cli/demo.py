"""``archiver demo``: crawl the bundled demo sites offline into the archive, then show it."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta

import click

from archiver.cli import EXIT_UNUSABLE, crawl_db_option, main

#: The demo walks the portal's "Xem theo ngày" archive this far back; older articles are
#: reached through its category listings, as a real backfill would after this first pass.
ARCHIVE_DAYS = 21
SEARCHES = ("hai long", "da nang", "thu tuong", '"cai cach hanh chinh"')


@main.command()
@crawl_db_option
@click.option("--quiet", "-q", is_flag=True, help="Only the summary.")
def demo(db: str | None, quiet: bool) -> None:
    """Crawl two bundled demo sites (offline) into the archive and show what came in.

    A replay server on 127.0.0.1 plays a provincial portal in the seed's style
    (tamky.gov.vn, 27 articles with view counts, listings, a day-by-day archive)
    and a news site (tinsonghan.example: sitemap, RSS feed, section pages); the
    crawler fetches them through it as a proxy, under their own host names, with
    robots.txt and politeness as on the web. No other address is contacted.
    Running it again is an incremental crawl: nothing new is stored twice.

    \b
    Example:
        archiver demo
        archiver search "da nang"
    """
    from archiver.crawl import run_crawl
    from archiver.crawl.config import make_plan
    from archiver.crawl.turns import now
    from archiver.demo import build_site
    from archiver.replay import ReplayServer
    from archiver.sites import ProfileRegistry, registry
    from archiver.store import Archive, default_path

    path = db or default_path()
    today = now().date()
    site = build_site(today=today)
    # The day archive starts ARCHIVE_DAYS back rather than at the profile's 2010; not
    # --since, which would also leave the older articles out of the archive.
    start = (today - timedelta(days=ARCHIVE_DAYS)).isoformat()
    profiles = ProfileRegistry(
        [
            replace(p, discovery=replace(p.discovery, date_archive_start=start))
            if p.discovery.date_archive
            else p
            for p in registry()
        ]
    )
    plan = make_plan(
        ["tamky", "http://tinsonghan.example/"],
        overrides={"delay": 0.0, "user_agent": "archiver-demo/1.0 (+offline replay)"},
        profiles=profiles,
    )
    with ReplayServer(site) as proxy:
        click.echo(
            f"Demo sites served on {proxy} (used as a proxy): {', '.join(site.hosts)}", err=True
        )
        status, stats = run_crawl(
            plan,
            db=path,
            proxy=proxy,
            workers=0,
            quiet=quiet,
            arguments={"command": "demo"},
        )
    if stats.pages == 0:
        click.echo("archiver: the demo crawl fetched nothing", err=True)
        sys.exit(EXIT_UNUSABLE)
    with Archive(path, readonly=True) as archive:
        summary = archive.stats()
        click.echo(f"\nArchive: {path}")
        for row in summary.sites:
            click.echo(f"  {row.site:<22} {row.articles:>4} articles")
        for query in SEARCHES:
            hits = archive.search(query, limit=2)
            click.echo(f"\narchiver search {query if query.startswith(chr(34)) else repr(query)}")
            for hit in hits:
                click.echo(f"  {hit.title}  ({hit.site}, {(hit.published_at or '')[:10]})")
                click.echo(f"    {hit.marked('[', ']')}")
    click.echo(
        "\nTry next:\n"
        '  archiver search "hài lòng" --exact         accents as typed\n'
        "  archiver search 'hoi an' --site tinsonghan.example --json\n"
        "  archiver stats                              per site and month, missing fields\n"
        "  archiver export --format csv -o articles.csv\n"
        "  archiver demo                               again: an incremental crawl"
    )
    if status == "interrupted":
        sys.exit(130)
