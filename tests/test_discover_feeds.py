"""Feeds: RSS 2.0, RSS 1.0 and Atom entries, Vietnamese quirks, and feed links on pages."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from selectolax.lexbor import LexborHTMLParser

from archiver.dates import VN_TZ as VIETNAM
from archiver.discover.feeds import find_feed_links, parse_feed

FEED_URL = "https://vnexpress.net/rss/thoi-su.rss"


def rss(*items: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Thời sự - VnExpress</title>'
        f"<link>https://vnexpress.net</link>{''.join(items)}</channel></rss>"
    ).encode()


def item(
    pubdate: str = "", link: str = "https://vnexpress.net/a-4220047.html", title: str = "Hà Nội rét"
) -> str:
    date = f"<pubDate>{pubdate}</pubDate>" if pubdate else ""
    return f"<item><title>{title}</title><link>{link}</link>{date}<guid>{link}</guid></item>"


def test_rss2_entries_in_order_with_guid() -> None:
    feed = parse_feed(
        rss(
            item(link="https://vnexpress.net/a-1.html", title="Một"),
            item(link="https://vnexpress.net/b-2.html", title="Hai"),
        ),
        FEED_URL,
    )
    assert feed.title == "Thời sự - VnExpress"
    assert [(e.link, e.title, e.guid) for e in feed.entries] == [
        ("https://vnexpress.net/a-1.html", "Một", "https://vnexpress.net/a-1.html"),
        ("https://vnexpress.net/b-2.html", "Hai", "https://vnexpress.net/b-2.html"),
    ]


@pytest.mark.parametrize(
    ("pubdate", "expected"),
    [
        ("Wed, 13 Jan 2021 00:00:00 +0700", datetime(2021, 1, 13, tzinfo=VIETNAM)),
        ("Tue, 12 Jan 2021 17:00:00 GMT", datetime(2021, 1, 13, tzinfo=VIETNAM)),
        # No zone: the publisher's local time, not UTC.
        ("Wed, 13 Jan 2021 00:00:00", datetime(2021, 1, 13, tzinfo=VIETNAM)),
        ("2021-01-13 00:00:00", datetime(2021, 1, 13, tzinfo=VIETNAM)),
        ("13/01/2021 08:30", datetime(2021, 1, 13, 8, 30, tzinfo=VIETNAM)),
        ("Wed, 13 Jan 2021 00:00:00 GMT+7", datetime(2021, 1, 13, tzinfo=VIETNAM)),
        ("hôm nay", None),
    ],
)
def test_published_is_aware_and_naive_means_gmt7(pubdate: str, expected: datetime | None) -> None:
    (entry,) = parse_feed(rss(item(pubdate)), FEED_URL).entries
    assert entry.published == expected
    if entry.published is not None:
        assert entry.published.utcoffset() == timedelta(hours=7)


def test_utf8_feed_declared_latin1_is_read_as_utf8() -> None:
    body = rss(item(title="Tiếng Việt"), declaration='<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert parse_feed(body, FEED_URL).entries[0].title == "Tiếng Việt"


def test_windows_1258_feed_with_its_declaration_is_decoded() -> None:
    # windows-1258 writes tone marks as combining characters: 0xD2 is the hook above.
    body = (
        b'<?xml version="1.0" encoding="windows-1258"?><rss version="2.0"><channel>'
        b"<item><title>Qua\xd2ng Nam</title><link>http://a.vn/1</link></item></channel></rss>"
    )
    assert parse_feed(body, FEED_URL).entries[0].title == "Quảng Nam"


def test_html_entities_and_bare_ampersands_do_not_lose_entries() -> None:
    body = rss(
        item(
            title="Tin &nbsp; b&agrave;i &quot;n&oacute;ng&quot;",
            link="http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1&lang=vi",
        ),
        item(link="http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2"),
    )
    feed = parse_feed(body, "http://tamky.gov.vn/rss.aspx")
    assert [e.link for e in feed.entries] == [
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1&lang=vi",
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2",
    ]
    assert feed.entries[0].title == 'Tin bài "nóng"'


def test_html_title_in_cdata_loses_its_tags() -> None:
    body = rss(item(title="<![CDATA[Tiếng <b>Việt</b> mới]]>"))
    assert parse_feed(body, FEED_URL).entries[0].title == "Tiếng Việt mới"


def test_relative_links_resolve_against_the_feed_url() -> None:
    body = rss(item(link="/the-thao/bai-7.html"))
    assert parse_feed(body, FEED_URL).entries[0].link == "https://vnexpress.net/the-thao/bai-7.html"


def test_permalink_guid_stands_in_for_a_missing_link() -> None:
    body = rss(
        "<item><title>x</title><guid>https://vnexpress.net/g-3.html</guid></item>",
        "<item><title>no way to reach it</title></item>",
    )
    feed = parse_feed(body, FEED_URL)
    assert [e.link for e in feed.entries] == ["https://vnexpress.net/g-3.html"]
    assert any("1 entries" in w for w in feed.warnings)


def test_atom_feed() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title type="html">B&#224;i &lt;i&gt;m&#7899;i&lt;/i&gt;</title>
<link rel="alternate" href="https://a.vn/bai-1.html"/><id>tag:a.vn,2024:1</id>
<published>2024-02-05T10:20:00+07:00</published><updated>2024-02-06T00:00:00Z</updated></entry>
</feed>"""
    (entry,) = parse_feed(body, "https://a.vn/atom.xml").entries
    assert entry.link == "https://a.vn/bai-1.html"
    assert entry.title == "Bài mới"
    assert entry.guid == "tag:a.vn,2024:1"
    assert entry.published == datetime(2024, 2, 5, 10, 20, tzinfo=VIETNAM)


def test_rss1_rdf_feed_with_dc_date() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://a.vn/"><title>RDF</title><link>http://a.vn/</link></channel>
<item rdf:about="http://a.vn/x-1.html"><title>X</title><link>http://a.vn/x-1.html</link>
<dc:date>2024-02-05T10:20:00-05:00</dc:date></item></rdf:RDF>"""
    (entry,) = parse_feed(body, "http://a.vn/rss").entries
    assert entry.link == "http://a.vn/x-1.html"
    assert entry.published == datetime(2024, 2, 5, 15, 20, tzinfo=UTC)


def test_gzipped_feed() -> None:
    assert len(parse_feed(gzip.compress(rss(item())), FEED_URL).entries) == 1


def test_html_page_is_not_a_feed() -> None:
    feed = parse_feed(b"<html><body><h1>404</h1></body></html>", FEED_URL)
    assert feed.entries == ()


PAGE = """<html><head><base href="https://vnexpress.net/">
<link rel="alternate" type="application/rss+xml" title="Tin mới nhất" href="rss/tin-moi-nhat.rss">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
<link rel="stylesheet" type="text/css" href="/rss-style.css">
<link rel="alternate" hreflang="en" href="https://e.vnexpress.net/">
</head><body>
<a href="/rss">RSS</a>
<a href="/rss/the-thao.rss">Thể thao</a>
<a href="https://vnexpress.net/rss/tin-moi-nhat.rss">duplicate</a>
<a href="/the-thao/bai-4220047.html">Bài</a>
<a href="javascript:rss()">rss</a>
</body></html>""".encode()


def test_feed_links_from_head_and_anchors_then_feed_list_pages() -> None:
    links = find_feed_links(PAGE, "https://vnexpress.net/the-thao")
    assert [(link.url, link.kind) for link in links] == [
        ("https://vnexpress.net/rss/tin-moi-nhat.rss", "feed"),
        ("https://vnexpress.net/atom.xml", "feed"),
        ("https://vnexpress.net/rss/the-thao.rss", "feed"),
        ("https://vnexpress.net/rss", "feed-list"),
    ]
    assert links[0].title == "Tin mới nhất"


def test_feed_links_accept_a_parsed_tree() -> None:
    tree = LexborHTMLParser(PAGE)
    assert find_feed_links(tree, "https://vnexpress.net/") == find_feed_links(
        PAGE, "https://vnexpress.net/"
    )


def test_portal_rss_aspx_with_query_is_a_feed() -> None:
    page = b'<a href="/RSS.aspx?ChuyenMuc=12">Tin t\xe1\xbb\xa9c</a><a href="/rss.html">RSS</a>'
    links = find_feed_links(page, "http://tamky.gov.vn/")
    assert [(link.url, link.kind) for link in links] == [
        ("http://tamky.gov.vn/RSS.aspx?ChuyenMuc=12", "feed"),
        ("http://tamky.gov.vn/rss.html", "feed-list"),
    ]


def test_feed_entry_links_do_not_fill_the_link_cache() -> None:
    # Each entry is listed once; the cache is for the links that repeat on pages.
    from archiver.discover import _fasturl
    from archiver.urls import normalize_url

    links = [f"https://vnexpress.net:8443/a-{n}.html?utm_source=rss&id={n}" for n in range(20)]
    _fasturl._normalize_cached.cache_clear()
    feed = parse_feed(rss(*(item(link=link) for link in links)), FEED_URL)
    assert [e.link for e in feed.entries] == [normalize_url(link) for link in links]
    assert _fasturl._normalize_cached.cache_info().currsize == 0


def test_feed_links_in_capitals_or_padded_are_found_among_many_other_links() -> None:
    others = "".join(f'<a href="/thoi-su/bai-{n}.html">Bài {n}</a>' for n in range(50))
    page = (
        f'<body>{others}<a href=" /Tin-Tuc/FEED/ ">Feed</a><a href="/Atom.XML">Atom</a>'
        f'<a href="/export/RsS">Tin mới</a><a href="/Mau-rss-dep.html#x">Mẫu</a></body>'
    )
    links = find_feed_links(page, "https://bao.example.vn/")
    assert [(link.url, link.kind) for link in links] == [
        ("https://bao.example.vn/Tin-Tuc/FEED/", "feed"),
        ("https://bao.example.vn/Atom.XML", "feed"),
        ("https://bao.example.vn/Mau-rss-dep.html", "feed"),  # "rss" in its last part
        ("https://bao.example.vn/export/RsS", "feed-list"),
    ]


def test_the_feed_words_are_found_in_the_addresses_joined_as_in_each_one():
    # find_feed_links looks at no link when the page's addresses, joined by line breaks and
    # lower-cased at once, hold no feed word: that needs every address's lower case to be
    # its own part of the joined one's, and no word to span two addresses.
    from archiver.discover.feeds import _FEED_WORDS

    letters = set("".join(_FEED_WORDS))
    lowered_into = [
        hex(code)
        for code in range(0x80, 0x110000)
        if letters.intersection(chr(code).lower()) or "\n" in chr(code).lower()
    ]
    assert lowered_into == []
    assert all("\n" not in word for word in _FEED_WORDS)


def test_a_feed_link_among_many_is_found_whatever_its_case():
    links = "".join(f'<a href="/tin/bai-{n}.htm">Bài {n}</a>' for n in range(50))
    page = f'<body>{links}<a href="/RSS/Trang-Chu.RSS">RSS</a><a href="/x">Σ</a></body>'
    assert [f.url for f in find_feed_links(page, "http://a.vn/")] == [
        "http://a.vn/RSS/Trang-Chu.RSS"
    ]
    assert find_feed_links(links, "http://a.vn/") == []
