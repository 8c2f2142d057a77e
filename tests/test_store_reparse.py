"""Reparse: stored pages re-extracted with a fixed extractor, history kept, nothing refetched."""

from __future__ import annotations

import re
from datetime import datetime

from archiver.article import Article
from archiver.errors import ExtractError
from archiver.store import Archive
from store_support import STORY, T0, article, exchange, page


def extractor(*, author: str | None = None, fail_on: str | None = None):
    """A small deterministic extractor: the <h1> is the title, the <p> the body."""
    calls = []

    def extract(html, url, *, headers=None, fetched_at=None):
        calls.append((url, dict(headers or {}), fetched_at))
        if fail_on and fail_on in url:
            raise ExtractError("selector matched nothing", url=url)
        text = html.decode()
        title = re.search(r"<h1>(.*?)</h1>", text)
        body = re.search(r"<p>(.*?)</p>", text, re.S)
        return Article(
            url=url,
            site="vnexpress",
            title=title.group(1) if title else None,
            body=body.group(1) if body else None,
            author=author,
            lead=body.group(1).split("\n\n")[0] if body else None,
        )

    extract.calls = calls  # type: ignore[attr-defined]
    return extract


def test_reparse_corrects_fields_keeps_the_old_text_and_fetches_nothing(db_target):
    with Archive(db_target) as archive:
        html = f"<html><h1>Tiêu đề đúng</h1><p>{STORY}</p></html>".encode()
        wrong = article("https://vnexpress.net/a-1.html", title="TIÊU ĐỀ SAI", author="TUOI TRE")
        saved = archive.save(exchange("https://vnexpress.net/a-1.html", html), wrong)
        fix = extractor(author="Ngọc An")
        summary = archive.reparse(extract=fix, extractor_version="1.1")
        row = archive.conn.execute(
            "SELECT title, author, extractor_version FROM articles"
        ).fetchone()
        versions = archive.conn.execute(
            "SELECT title, replaced_by FROM article_versions"
        ).fetchall()
        fetches = archive.conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
    assert (summary.examined, summary.outcomes, summary.failed) == (1, {"updated": 1}, 0)
    assert row == ("Tiêu đề đúng", "Ngọc An", "1.1")
    assert versions == [("TIÊU ĐỀ SAI", "reparse")]
    assert fetches == 1
    url, headers, fetched_at = fix.calls[0]
    assert url == "https://vnexpress.net/a-1.html"
    assert headers == {"Content-Type": "text/html; charset=utf-8"}
    assert fetched_at == T0
    assert isinstance(fetched_at, datetime)
    assert saved.article_id == 1


def test_a_page_stored_as_not_an_article_can_become_one(db_target):
    html = f"<html><h1>Bài mới</h1><p>{STORY}</p></html>".encode()
    with Archive(db_target) as archive:
        archive.save(exchange("https://vnexpress.net/a-9.html", html), None, site="vnexpress")
        summary = archive.reparse(extract=extractor(), site="vnexpress")
        assert summary.outcomes == {"new": 1}
        assert archive.conn.execute("SELECT outcome, article_id FROM fetches").fetchone() == (
            "new",
            1,
        )
        assert archive.search("da nang")[0].title == "Bài mới"


def test_one_failing_page_does_not_stop_the_others(db_target):
    with Archive(db_target) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", title="Một"))
        archive.save(*page("https://vnexpress.net/broken.html", STORY + " Hết.", title="Hai"))
        summary = archive.reparse(extract=extractor(fail_on="broken"))
    assert summary.examined == 2
    assert summary.failed == 1
    assert sum(summary.outcomes.values()) == 1
    assert summary.failures[0][1:] == (
        "https://vnexpress.net/broken.html",
        "selector matched nothing (url=https://vnexpress.net/broken.html)",
    )


def test_reparse_of_one_site_leaves_the_others_alone(db_target):
    with Archive(db_target) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", title="Một"))
        archive.save(
            *page("https://dantri.com.vn/b.htm", STORY + " Khác.", title="Hai", site="dantri")
        )
        fix = extractor()
        summary = archive.reparse(extract=fix, site="dantri")
    assert summary.examined == 1
    assert [url for url, _, _ in fix.calls] == ["https://dantri.com.vn/b.htm"]
