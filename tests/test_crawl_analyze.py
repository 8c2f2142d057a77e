"""What a parsing worker sends back to the crawl (``archiver.crawl.analyze``)."""

from __future__ import annotations

import importlib
import pickle
import pickletools
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archiver.crawl import analyze as analyze_module
from archiver.crawl.analyze import Analysis, Found, Scope, analyze, is_fetchable, url_host


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
    # The crawl's process unpacks them by position: (url, kind, lastmod, host).
    assert [tuple(f) for f in back.found] == [(f.url, f.kind, f.lastmod, f.host) for f in found]


def test_a_found_link_crosses_the_pipe_as_a_plain_tuple_without_a_call_of_python_code():
    # Unpickled as a Found (a frozen dataclass, a named tuple), each of a page's dozen
    # links ran a Python constructor in the crawl's process; a plain tuple is built in C.
    data = pickle.dumps(Found("https://a.example/x-1.html", "article"), pickle.HIGHEST_PROTOCOL)
    ops = {op.name for op, _, _ in pickletools.genops(data)}
    assert "BUILD" not in ops and "NEWOBJ" not in ops
    assert b"Found" not in data
    back = pickle.loads(data)
    assert type(back) is tuple and back == ("https://a.example/x-1.html", "article", None, "")


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


def _links_page(*paths: str) -> bytes:
    anchors = "".join(f'<li><a href="{p}">Bài {i}</a></li>' for i, p in enumerate(paths))
    return f"<html><body><h1>Mục</h1><ul>{anchors}</ul></body></html>".encode()


def _found(page: bytes, url: str, scope: Scope | None, profile: str | None = None) -> list:
    analysis = analyze(
        page,
        url,
        content_type="text/html",
        kind="seed",
        profile=profile,
        fetched_at=None,
        scope=scope,
    )
    return [(f.url, f.kind, f.host) for f in analysis.found]


def test_a_link_seen_on_an_earlier_page_is_judged_by_this_pages_scope_and_profile():
    # Link verdicts are remembered per scope and URL patterns: a worker serves many crawls
    # and sites, and what one decided must not leak into another.
    page = _links_page(
        "http://a.vn/tin/bai-mot-hai-ba-bon-nam.html", "http://b.vn/x-y-z-1234567.html"
    )
    assert _found(page, "http://a.vn/", Scope(["a.vn"])) == [
        ("http://a.vn/tin/bai-mot-hai-ba-bon-nam.html", "article", "a.vn")
    ]
    assert _found(page, "http://a.vn/", Scope(["b.vn"])) == [
        ("http://b.vn/x-y-z-1234567.html", "article", "b.vn")
    ]
    assert _found(page, "http://a.vn/", Scope(["b.vn"], [("b.vn", 8080)])) == []
    both = _found(page, "http://a.vn/", None)
    assert [u for u, _, _ in both] == [
        "http://a.vn/tin/bai-mot-hai-ba-bon-nam.html",
        "http://b.vn/x-y-z-1234567.html",
    ]
    # vnexpress's profile: articles end in a long id, so the slug above is no article there.
    profiled = _found(page, "http://a.vn/", None, profile="vnexpress")
    assert [k for _, k, _ in profiled] == ["page", "article"]


def test_the_table_of_link_verdicts_is_bounded(monkeypatch):
    monkeypatch.setattr(analyze_module, "MAX_VERDICTS", 3)
    monkeypatch.setattr(analyze_module, "_VERDICTS", {})
    scope = Scope(["a.vn"])
    many = _links_page(*(f"/tin/bai-so-{n}" for n in range(10)))
    first = _found(many, "http://a.vn/", scope)
    assert len(first) == 10
    assert _found(many, "http://a.vn/", scope) == first
    _found(_links_page("/tin/khac-1", "/tin/khac-2"), "http://a.vn/", scope)
    (table,) = analyze_module._VERDICTS.values()
    assert len(table) == 2  # full: emptied before this page's links went in


def test_a_scope_travels_to_the_workers_as_text_and_is_built_once_there():
    import pickle

    scope = Scope(["a.vn", "127.0.0.2", "[::1]"], [("127.0.0.2", 8080), ("a.vn", None)])
    sent = pickle.dumps(scope, pickle.HIGHEST_PROTOCOL)
    first, again = pickle.loads(sent), pickle.loads(pickle.dumps(scope))
    assert first is again  # one object per worker: the link verdicts' table is found at once
    assert (first.hosts, first.origins, first.ported) == (scope.hosts, scope.origins, scope.ported)
    for url, host in (
        ("http://127.0.0.2:8080/x", "127.0.0.2"),
        ("http://127.0.0.2/x", "127.0.0.2"),
        ("http://tin.a.vn/x", "tin.a.vn"),
        ("http://b.vn/x", "b.vn"),
    ):
        assert first.allows(url, host) == scope.allows(url, host)
    assert pickle.loads(pickle.dumps(Scope(["b.vn"]))) is not first


_link_tail = st.text(alphabet="abXY.?/-=jJpPgGsS\u212a\u017f\u0130é", max_size=16)
_extension = st.sampled_from(
    ["", ".jpg", ".JPEG", ".Pdf", ".css?v=2", ".js", ".json", ".htm", ".mp3\n"]
)


@given(_link_tail, _extension)
@example("a", ".\u017fvg")  # long s: "svg" to the case-blind pattern
def test_fetchable_links_are_those_the_binary_pattern_passes(tail: str, extension: str) -> None:
    url = f"http://h.vn/{tail}{extension}"
    assert is_fetchable(url) == (analyze_module._BINARY.search(url) is None)


# A site's home page that reads like one article: a lead story with its text, the rest of
# the page's links below it.
HOME_WITH_A_STORY = """<html><head><title>Báo Ví Dụ</title></head><body>
<h1>Một câu chuyện dài của trang chủ hôm nay</h1>
<p>Đoạn văn thứ nhất của câu chuyện, đủ dài để là một đoạn văn của bài viết thật sự ở đây.</p>
<p>Đoạn văn thứ hai của câu chuyện, cũng đủ dài để là một đoạn văn của một bài viết thật.</p>
<p>Đoạn văn thứ ba của câu chuyện, và bài viết kết thúc ở đây với một câu cuối cùng dài.</p>
<div class="pager"><a href="/trang-2.htm">2</a><a href="/thoi-su/bai-mot-123456.htm">Bài
một</a></div></body></html>"""


@pytest.mark.parametrize(
    ("url", "kind", "profile"),
    [
        ("http://a.vn/", "seed", None),
        ("http://a.vn/lien-he", "page", None),
        # vnexpress's profile: a section's URL is a listing's
        ("https://vnexpress.net/thoi-su", "listing", "vnexpress"),
    ],
)
def test_a_page_its_url_shows_to_be_no_article_is_not_extracted_in_a_crawl(
    monkeypatch, url, kind, profile
):
    extract = importlib.import_module("archiver.extract")

    def analysed() -> Analysis:
        return analyze(
            HOME_WITH_A_STORY.encode(),
            url,
            content_type="text/html; charset=utf-8",
            kind=kind,
            profile=profile,
            fetched_at=None,
        )

    # The record extraction gives such a page is no article, whatever it holds.
    record = extract.extract(HOME_WITH_A_STORY.encode(), url, profile=profile)
    assert not record.is_article and record.title
    before = analysed()
    extracted: list[str] = []
    original = extract.extract_page
    monkeypatch.setattr(
        extract, "extract_page", lambda *a, **k: extracted.append(a[1]) or original(*a, **k)
    )
    after = analysed()
    assert extracted == []
    assert after == before and after.article is None
    assert after.found
    # An article's page is extracted, and a page of another kind whose URL says nothing.
    analyze(
        HOME_WITH_A_STORY.encode(),
        url.rstrip("/") + "/mot-cau-chuyen-dai-123456.htm",
        content_type="text/html; charset=utf-8",
        kind="listing",
        profile=None,
        fetched_at=None,
    )
    assert len(extracted) == 1


def test_the_url_test_a_crawl_asks_before_extracting_is_not_worked_out_again_by_the_extraction():
    from archiver.extract.pagekind import furniture_url

    url = "http://a.vn/thoi-su/trang-3.htm"  # (no home, no "about" page: extracted)
    furniture_url.cache_clear()
    analyze(
        HOME_WITH_A_STORY.encode(),
        url,
        content_type="text/html; charset=utf-8",
        kind="listing",
        profile=None,
        fetched_at=None,
    )
    info = furniture_url.cache_info()
    assert (info.misses, info.hits) == (1, 1)


# URLs whose host and port are read, ordinary and odd: ports default, other, padded, out of
# range, not digits; user info, brackets, "?" and "#" before the path, no path, white space.
_scheme = st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:", "http:/", ""])
_netloc = st.one_of(
    st.sampled_from(["a.vn", "a.vn:80", "a.vn:443", "a.vn:8080", "a.vn:080", "[::1]:8080"]),
    st.text(alphabet="ab.vn0123456789:@[]?#\t www", max_size=14),
)
_rest = st.text(alphabet="ab/?#:@[]-.0189 \t", max_size=10)
_url = st.builds("".join, st.tuples(_scheme, _netloc, _rest))
_scopes = [
    None,
    Scope(["a.vn", "b.vn"]),
    Scope(["a.vn", "127.0.0.2", "[::1]", "::1"], [("a.vn", 8080), ("127.0.0.2", None)]),
]


@given(_url, _scheme, _netloc, _rest)
@example("http://a.vn:8080/x", "http://", "a.vn:8080", "/y")
@example("http://a.vn:443/x", "https://", "a.vn:443", "/x")
@example("http://a.vn:080?q=/a", "http://", "a.vn:080", "?q=/b")
@example("https://[::1]:443", "https://", "[::1]:443", "/z")
@example("http://u@b.vn:99999/", "http://", "u@b.vn:99999", "#f")
def test_urls_of_one_origin_part_have_one_host_and_one_scope_verdict(
    one: str, scheme: str, netloc: str, rest: str
) -> None:
    # The link verdicts read a URL's host and scope once per origin_part: every URL with
    # the same part must have the same url_host and the same Scope.allows.
    others = [f"{scheme}{netloc}{rest}", analyze_module.origin_part(one) + rest]
    for two in others:
        if analyze_module.origin_part(one) != analyze_module.origin_part(two):
            continue
        for scope in _scopes:
            verdicts = {_outcome(_read_apart, url, scope) for url in (one, two)}
            assert len(verdicts) == 1, (one, two)
            remembered: dict[str, tuple[str, bool]] = {}
            for url in (one, two, one):
                assert _outcome(analyze_module._origin_of, url, remembered, scope) in verdicts


def _read_apart(url: str, scope: Scope | None) -> tuple[str, bool]:
    host = url_host(url)
    return host, bool(host) and (scope is None or scope.allows(url, host))


def _outcome(function, *args):
    """What ``function`` returns, or the type of error it raises (as the verdicts did)."""
    try:
        return function(*args)
    except ValueError as error:
        return type(error)


def test_the_origins_a_scope_remembers_are_bounded(monkeypatch):
    monkeypatch.setattr(analyze_module, "MAX_ORIGINS", 2)
    scope = Scope(["a.vn"])
    for n in range(5):
        assert scope.origin_of(f"http://h{n}.a.vn/x") == (f"h{n}.a.vn", True)
    assert len(scope._origins) <= 2
    assert scope.origin_of("http://b.vn/x") == ("b.vn", False)
