"""``archiver parse``: extract one page (a file, standard input or a URL) and print the record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archiver.cli import EXIT_NEGATIVE, main
from archiver.errors import InputError

#: Largest input ``parse`` reads; bigger files are cut (the extractor reads 8M characters at most).
MAX_INPUT_BYTES = 64 * 1024 * 1024


@main.command()
@click.argument("source", metavar="PATH_OR_URL")
@click.option("--url", help="The page's URL, for a local file: it picks the site profile.")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.option("--profile", help="Force a site profile by name instead of choosing by URL.")
@click.option(
    "--charset", help="Override the page's character set (e.g. windows-1258) for a local file."
)
@click.option(
    "--follow-offsite",
    is_flag=True,
    help="Follow a redirect of the URL to another site or port (refused by default).",
)
@click.option(
    "--main-text",
    is_flag=True,
    help="Give the page's main text even when it looks like a listing or a home page.",
)
def parse(
    source: str,
    url: str | None,
    as_json: bool,
    profile: str | None,
    charset: str | None,
    follow_offsite: bool,
    main_text: bool,
):
    """Extract the article in PATH_OR_URL and print it.

    PATH_OR_URL is a saved HTML file, "-" for standard input, or an http(s) URL
    (fetched once, politely, with archiver's User-Agent). Exit status: 0 an article
    was found, 1 the page is not an article (a listing, an error page), 2 the input
    cannot be read. A URL is fetched under a crawl's rules: a redirect to another site
    or port is reported, not followed, unless --follow-offsite. --main-text gives the text
    of a page that is no article too (a listing's teasers, a home page's): exit 0 when
    there is any, the warnings say what the page looks like.

    \b
    Examples:
        archiver parse page.html --url https://vnexpress.net/abc-4220047.html
        archiver parse https://dantri.com.vn/xa-hoi/abc-20221224152117143.htm --json
        curl -s URL | archiver parse - --url URL --json
        archiver parse https://example.org/ --main-text
    """
    from archiver.extract import extract

    if source.startswith(("http://", "https://")):
        data, headers, page_url = _fetch(source, follow_offsite=follow_offsite)
    else:
        data = read_source(source)
        headers = {}
        page_url = url or (
            Path(source).resolve().as_uri() if source != "-" else "file:///dev/stdin"
        )
    if url:
        page_url = url
    if charset:
        headers["content-type"] = f"text/html; charset={charset}"
    article = extract(data, page_url, headers=headers, profile=profile, main_text=main_text)
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(article_summary(article))
    if not article.is_article:
        reason = next((w for w in article.warnings if "listing" in w or "home page" in w), None)
        click.echo(
            f"archiver: not an article: {reason or 'no title and body found'} ({page_url})",
            err=True,
        )
        sys.exit(EXIT_NEGATIVE)


def read_source(source: str) -> bytes:
    try:
        if source == "-":
            return sys.stdin.buffer.read(MAX_INPUT_BYTES)
        with open(source, "rb") as handle:
            return handle.read(MAX_INPUT_BYTES)
    except IsADirectoryError:
        raise InputError("is a directory, not a page", url=source) from None
    except OSError as error:
        raise InputError(f"cannot read input: {error.strerror or error}", url=source) from error


def _fetch(url: str, *, follow_offsite: bool) -> tuple[bytes, dict[str, str], str]:
    """The page as a crawl would fetch it (same limits, decoding, User-Agent and scope:
    redirects stay on the URL's site and port), tried once."""
    import asyncio
    from dataclasses import replace

    from archiver.crawl.config import make_plan
    from archiver.fetch import Fetcher
    from archiver.settings import DEFAULTS

    site = make_plan([url]).targets[0]

    async def fetch_once():  # type: ignore[no-untyped-def]
        async with Fetcher(replace(DEFAULTS, retries=1)) as fetcher:
            return await fetcher.fetch(url, allow=None if follow_offsite else site.in_scope)

    result = asyncio.run(fetch_once())
    if result.kind == "disallowed":
        raise InputError(
            f"the page redirects off its site, to {result.redirect_to} "
            "(--follow-offsite follows it)",
            url=url,
        )
    last = result.last
    if last.status is None:
        raise InputError(f"cannot fetch: {last.error or result.detail or result.kind}", url=url)
    if last.status >= 400:
        raise InputError(f"the server answered {last.status}", url=url)
    if result.kind not in ("ok", "not_html"):
        raise InputError(f"cannot fetch: {result.detail or result.kind}", url=url)
    return last.body, dict(last.response_headers), result.final_url


def article_summary(article) -> str:  # type: ignore[no-untyped-def]
    lines = [
        f"title:      {article.title or '-'}",
        f"published:  {article.published_at or '-'}"
        + (f"   ({article.published_raw})" if article.published_raw else ""),
    ]
    if article.updated_at:
        lines.append(f"updated:    {article.updated_at}")
    lines += [
        f"author:     {article.author or '-'}"
        + (
            f"   ({article.author_raw})"
            if article.author_raw and article.author_raw != article.author
            else ""
        ),
        f"source:     {article.source or '-'}",
        f"views:      {article.view_count if article.view_count is not None else '-'}",
        f"site:       {article.site or '-'}   language: {article.language or '-'}",
        f"url:        {article.canonical_url or article.url}",
    ]
    paragraphs = article.paragraphs
    lines.append(f"body:       {len(paragraphs)} paragraphs, {len(article.body or '')} characters")
    lines.extend(f"caption:    {caption}" for caption in article.captions)
    for warning in article.warnings:
        lines.append(f"warning:    {warning}")
    if paragraphs:
        lines.append("")
        lines.extend(f"  {p}" if len(p) <= 300 else f"  {p[:297]}..." for p in paragraphs)
    return "\n".join(lines)
