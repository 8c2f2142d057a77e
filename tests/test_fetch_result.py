"""Fetch results: what counts as a document, and what the last exchange says for the chain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.fetch import Exchange, FetchResult
from archiver.fetch.result import is_document_type, media_type

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content_type", "document"),
    [
        ("text/html; charset=utf-8", True),
        ("TEXT/HTML", True),
        ("application/xhtml+xml", True),
        ("application/rss+xml; charset=windows-1258", True),
        ("application/vnd.google-earth.kml+xml", True),
        ("text/xml", True),
        (None, True),
        ("application/pdf", False),
        ("image/jpeg", False),
        ("text/plain", False),
        ("application/x-gzip", False),
    ],
)
def test_html_and_xml_are_documents(content_type: str | None, document: bool) -> None:
    assert is_document_type(content_type) is document


def test_media_type_drops_parameters() -> None:
    assert media_type(" Text/HTML ; charset=UTF-8") == "text/html"
    assert media_type(None) == ""


def test_result_reads_the_last_exchange() -> None:
    hop = Exchange("http://a.vn/x", "http://a.vn/x", 301, WHEN)
    last = Exchange(
        "http://a.vn/x",
        "http://a.vn/y",
        200,
        WHEN,
        body=b"<p>",
        response_headers=(("Content-Type", "application/pdf"),),
    )
    result = FetchResult("http://a.vn/x", "not_html", (hop, last))
    assert (result.final_url, result.status, result.body) == ("http://a.vn/y", 200, b"<p>")
    assert result.content_type == "application/pdf" and result.ok and result.attempts == 2


def test_an_exchange_replaced_is_the_dataclass_replaced():
    import dataclasses

    from archiver.fetch.exchange import _NAMES

    base = Exchange(
        url="http://h.vn/a",
        final_url="http://h.vn/b",
        status=200,
        fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
        response_headers=(("Content-Type", "text/html"),),
        body=b"<p>x</p>",
        redirects=("http://h.vn/r",),
        elapsed=0.5,
        decoded=("gzip",),
    )
    for name in _NAMES:
        value = object()
        assert base.replaced(**{name: value}) == dataclasses.replace(base, **{name: value})
    changed = base.replaced(url="http://h.vn/c", body=b"")
    assert changed == dataclasses.replace(base, url="http://h.vn/c", body=b"")
    assert base.body == b"<p>x</p>"  # the original is left as it was
