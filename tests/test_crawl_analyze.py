"""What a parsing worker sends back to the crawl (``archiver.crawl.analyze``)."""

from __future__ import annotations

import pickle
import pickletools
from datetime import UTC, datetime

import pytest

from archiver.crawl.analyze import Analysis, Found, Scope, analyze, url_host


def test_found_links_survive_the_trip_from_a_worker_unchanged():
    found = (
        Found(
            "https://a.example/x-1.html",
            "article",
            datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
            "a.example",
        ),
        Found("https://a.example/thoi-su", "listing"),
    )
    back = pickle.loads(pickle.dumps(Analysis(found=found), pickle.HIGHEST_PROTOCOL))
    assert back.found == found
    assert all(type(f) is Found for f in back.found)


def test_a_found_link_pickles_as_a_call_with_its_fields_not_as_state_set_afterwards():
    # A slotted dataclass pickles its state through Python-level methods (a BUILD step
    # after the object is made): four times the cost for the dozens of links of a page.
    data = pickle.dumps(Found("https://a.example/x-1.html", "article"), pickle.HIGHEST_PROTOCOL)
    ops = {op.name for op, _, _ in pickletools.genops(data)}
    assert "BUILD" not in ops


# A listing with an image map: <area> links count as links, never as pager or feed links.
MAPPED_LISTING = """<html><head>
<link rel="alternate" type="application/rss+xml" href="/rss/home.rss"></head>
<body><map name="m"><area href="/trang-2.htm" alt="2"><area href="/rss/thoi-su.rss"
alt="RSS"></map><h3><a href="/thoi-su/bai-mot-hai-ba-bon-nam-123456.htm">Bài một hai ba bốn năm
sáu bảy</a></h3><a href="/thoi-su/bai-mot-hai-ba-bon-nam-123456.htm"></a>
<a href="/rss/kinh-te.rss" title="RSS Kinh tế"></a><div class="pager"><a href="/thoi-su.htm">1</a>
<a href="/thoi-su/trang-2.htm">2</a><a class="next" href="/thoi-su/trang-2.htm">Trang sau</a></div>
<a href="#top">Lên đầu</a><a href="javascript:void(0)">In</a></body></html>"""


def test_links_pager_and_feeds_read_from_shared_anchors_as_from_the_page_alone():
    from selectolax.lexbor import LexborHTMLParser

    from archiver.discover import Anchors, extract_links, find_feed_links, next_page_links

    url = "http://a.vn/thoi-su.htm"
    # (Parsed as is: a crawl cuts <map> before parsing, but an <area> may stand anywhere.)
    tree = LexborHTMLParser(MAPPED_LISTING)
    anchors = Anchors(tree)
    shared = (
        extract_links(tree, url, anchors=anchors),
        next_page_links(tree, url, anchors=anchors),
        find_feed_links(tree, url, anchors=anchors),
    )
    alone = (extract_links(tree, url), next_page_links(tree, url), find_feed_links(tree, url))
    assert shared == alone
    links, pager, feeds = shared
    assert "http://a.vn/trang-2.htm" in [link.url for link in links]  # the <area>
    assert pager.next == ("http://a.vn/thoi-su/trang-2.htm",)
    assert [f.url for f in feeds] == ["http://a.vn/rss/home.rss", "http://a.vn/rss/kinh-te.rss"]


BRACKETED = """<html><body><h1>Trang chủ</h1><nav><a href="http://[cookie-preferences]">Cookies</a>
<a href="https://[menu]/x">Menu</a><a href="http://[::1]:8080/y">Local</a>
<a href="/thoi-su/bai-mot-hai-ba-bon-nam-123456.htm">Bài một</a></nav></body></html>"""


@pytest.mark.parametrize("scoped", [True, False])
def test_a_link_with_brackets_round_no_address_is_dropped_not_the_page(scoped):
    # CMS templates leave placeholders such as href="http://[ccpa-preferences]": such a
    # link leads nowhere, and reading its host must not fail the whole page.
    scope = Scope(["a.vn"]) if scoped else None
    analysis = analyze(
        BRACKETED.encode(),
        "http://a.vn/",
        content_type="text/html",
        kind="seed",
        profile=None,
        fetched_at=None,
        scope=scope,
    )
    urls = [f.url for f in analysis.found]
    assert "http://a.vn/thoi-su/bai-mot-hai-ba-bon-nam-123456.htm" in urls
    assert not any("[cookie" in u or "[menu]" in u for u in urls)
    assert ("http://[::1]:8080/y" in urls) is not scoped  # a real address, out of scope


def test_url_host_of_a_url_without_a_readable_host_is_empty():
    assert url_host("http://[cookie-preferences]/") == ""
    assert url_host("http://[::1]:8080/y") == "::1"
    assert url_host("http://user@www.a.vn/x") == "a.vn"
