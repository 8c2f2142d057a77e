"""``archiver sites``: list the site profiles; ``archiver sites check``: debug one on a page."""

from __future__ import annotations

import click

from archiver.cli import main
from archiver.cli.parse import article_summary, read_source
from archiver.sites import Profile, registry
from archiver.sites.profile import SELECTOR_FIELDS

_PREVIEW = 60


@main.group(invoke_without_command=True)
@click.option("--verbose", "-v", is_flag=True, help="Also print every selector and entry point.")
@click.pass_context
def sites(ctx: click.Context, verbose: bool) -> None:
    """List the site profiles: name, hosts, and the fields they have selectors for.

    Profiles are the TOML files shipped with archiver plus those in the folders
    named by the ARCHIVER_PROFILES environment variable (separated by ":"); a
    profile there overrides a shipped one of the same name. A broken profile
    stops the command with one line naming its file and field (exit 2).

    \b
    Examples:
        archiver sites
        archiver sites -v
        ARCHIVER_PROFILES=~/profiles archiver sites
        archiver sites check page.html --url https://vnexpress.net/abc-4220047.html
    """
    if ctx.invoked_subcommand is not None:
        return
    profiles = list(registry())
    for profile in profiles:
        click.echo(_describe(profile, verbose))
    click.echo(f"{len(profiles)} profiles")


def _describe(profile: Profile, verbose: bool) -> str:
    sel = profile.selectors
    fields = [
        f"{name} ({len(getattr(sel, name))})" for name in SELECTOR_FIELDS if getattr(sel, name)
    ]
    disc = profile.discovery
    entry_points = [
        f"{len(values)} {label}"
        for label, values in (
            ("feeds", disc.feeds),
            ("sitemaps", disc.sitemaps),
            ("listings", disc.listings),
            ("seeds", disc.seeds),
        )
        if values
    ]
    if disc.date_archive:
        entry_points.append("a date archive")
    lines = [
        f"{profile.name}  {profile.display_name}".rstrip(),
        f"  hosts:      {', '.join(profile.hosts) or '- (fingerprints only)'}",
        f"  selectors:  {', '.join(fields) or '- (generic extraction)'}",
        f"  urls:       {len(profile.article_urls)} article, {len(profile.listing_urls)} listing, "
        f"{len(profile.ignore_urls)} ignore pattern(s)",
        f"  discovery:  {', '.join(entry_points) or '-'}",
    ]
    if verbose:
        for name in SELECTOR_FIELDS:
            for selector in getattr(sel, name):
                lines.append(f"    {name:<11} {selector}")
        if profile.date_formats:
            lines.append(f"    {'dates':<11} {', '.join(profile.date_formats)}")
        for url in (*disc.feeds, *disc.sitemaps, *disc.listings, *disc.seeds):
            lines.append(f"    {'start':<11} {url}")
        lines.append(f"  file:       {profile.source}")
    return "\n".join(lines)


@sites.command()
@click.argument("file", metavar="FILE")
@click.option("--url", required=True, help="The page's URL: it chooses the profile.")
@click.option("--profile", "profile_name", help="Check this profile instead of the URL's one.")
def check(file: str, url: str, profile_name: str | None) -> None:
    """Show, field by field, which selectors of a profile match the page in FILE.

    For every field (title, lead, body, date, updated, author, view_count,
    remove) each selector is listed with its number of matches and what it
    reads there; "*" marks the one the extractor uses, and a field whose
    selectors all miss says that the generic fallback ran. The record the
    extractor produces follows. Always exits 0 when the page could be read.

    \b
    Examples:
        archiver sites check saved.html --url https://vnexpress.net/abc-4220047.html
        archiver sites check page.html --url https://example.gov.vn/tin/1 --profile tamky
    """
    from archiver.extract.probe import check_page

    report = check_page(read_source(file), url, profile=profile_name)
    click.echo(f"page:     {file}")
    click.echo(f"url:      {url}")
    if report.profile is None:
        click.echo("profile:  none: no profile covers this URL or markup (generic extraction)")
    else:
        how = {"forced": "given with --profile", "host": "by host", "fingerprint": "by fingerprint"}
        profile = report.profile
        click.echo(f"profile:  {profile.name} ({how[report.found_by]}; {profile.source})")
        click.echo(f"url kind: {report.url_kind or 'not said by the URL patterns'}")
    for field in report.fields:
        click.echo("")
        click.echo(_field_lines(field))
    click.echo("")
    click.echo("record:")
    click.echo("\n".join(f"  {line}" for line in article_summary(report.article).splitlines()))


def _field_lines(field) -> str:  # type: ignore[no-untyped-def]
    # Every matching remove selector applies; for the other fields the first usable one wins.
    used = [r for r in field.results if r.value is not None] if field.name == "remove" else []
    chosen = field.chosen if field.name != "remove" else None
    if not field.results:
        head = f"{field.name}: no selectors" + (f"; {field.fallback}" if field.fallback else "")
    elif field.name == "remove":
        head = f"remove: {len(used)} of {len(field.results)} selectors match inside the body"
    elif field.fallback:
        head = f"{field.name}: generic fallback ran ({field.fallback})"
    elif chosen is None:
        head = f"{field.name}: no selector matched"
    else:
        head = f"{field.name}: {chosen.selector}"
    lines = [head]
    width = max((len(r.selector) for r in field.results), default=0)
    for result in field.results:
        mark = "*" if result is chosen or any(result is r for r in used) else " "
        count = f"{result.matches} match" + ("" if result.matches == 1 else "es")
        line = f"  {mark} {result.selector:<{width}}  {count:<10}"
        if result.text:
            line += f"  {_preview(result.text)}"
        if result.value is not None and result.value != result.text:
            line += f"  -> {result.value}"
        elif result.matches and result.value is None:
            line += "  (nothing usable)"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _preview(text: str) -> str:
    short = text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"
    return f'"{short}"'
