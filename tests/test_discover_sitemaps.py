"""Sitemaps: urlsets, indexes, Google News, gzip, text sitemaps, and broken input."""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest

from archiver.dates import VN_TZ as VIETNAM
from archiver.discover.sitemaps import parse_sitemap

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"


def urlset(*entries: str) -> bytes:
    body = "".join(entries)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM}" xmlns:news="{NEWS}" '
        f'xmlns:image="{IMAGE}">{body}</urlset>'
    ).encode()


def test_urlset_gives_locations_in_order() -> None:
    result = parse_sitemap(
        urlset(
            "<url><loc>http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1</loc></url>",
            "<url><loc>http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2</loc></url>",
        )
    )
    assert result.kind == "urlset"
    assert [u.loc for u in result.urls] == [
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1",
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2",
    ]
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2018-07-04", datetime(2018, 7, 4, tzinfo=VIETNAM)),
        ("2018-07-04T15:34:00+07:00", datetime(2018, 7, 4, 15, 34, tzinfo=VIETNAM)),
        ("2018-07-04T08:34:00Z", datetime(2018, 7, 4, 15, 34, tzinfo=VIETNAM)),
        ("2018-07-04T15:34:00.123+0700", datetime(2018, 7, 4, 15, 34, tzinfo=VIETNAM)),
        ("2018-07-04 15:34:00", datetime(2018, 7, 4, 15, 34, tzinfo=VIETNAM)),
        ("2018-07-04T15:34", datetime(2018, 7, 4, 15, 34, tzinfo=VIETNAM)),
        ("2018-07", datetime(2018, 7, 1, tzinfo=VIETNAM)),
        ("not a date", None),
    ],
)
def test_lastmod_forms_become_aware_local_times(lastmod: str, expected: datetime | None) -> None:
    result = parse_sitemap(
        urlset(f"<url><loc>http://a.vn/x</loc><lastmod>{lastmod}</lastmod></url>")
    )
    assert result.urls[0].lastmod == expected
    if expected is not None:
        assert result.urls[0].lastmod.utcoffset() == VIETNAM.utcoffset(None)


def test_sitemap_index_lists_child_sitemaps_with_lastmod() -> None:
    body = (
        f'<sitemapindex xmlns="{SM}"><sitemap><loc>https://vnexpress.net/sitemap/1.xml</loc>'
        "<lastmod>2024-01-05</lastmod></sitemap>"
        "<sitemap><loc>https://vnexpress.net/sitemap/2.xml.gz</loc></sitemap></sitemapindex>"
    ).encode()
    result = parse_sitemap(body)
    assert result.kind == "sitemapindex"
    assert result.urls == ()
    assert [s.loc for s in result.sitemaps] == [
        "https://vnexpress.net/sitemap/1.xml",
        "https://vnexpress.net/sitemap/2.xml.gz",
    ]
    assert result.sitemaps[0].lastmod == datetime(2024, 1, 5, tzinfo=VIETNAM)


def test_google_news_fields_are_read_and_images_ignored() -> None:
    result = parse_sitemap(
        urlset(
            "<url><loc>https://vnexpress.net/ha-noi-ret-4220047.html</loc>"
            "<image:image><image:loc>https://i.vnecdn.net/anh.jpg</image:loc>"
            "<image:title>Ảnh</image:title></image:image>"
            "<news:news><news:publication><news:name>VnExpress</news:name>"
            "<news:language>vi</news:language></news:publication>"
            "<news:publication_date>2021-01-13T00:00:00+07:00</news:publication_date>"
            "<news:title>Hà Nội  rét &amp; mưa</news:title></news:news></url>"
        )
    )
    (entry,) = result.urls
    assert entry.loc == "https://vnexpress.net/ha-noi-ret-4220047.html"
    assert entry.news_published == datetime(2021, 1, 13, tzinfo=VIETNAM)
    assert entry.news_title == "Hà Nội rét & mưa"
    assert entry.lastmod is None


def test_namespace_prefix_or_none_makes_no_difference() -> None:
    plain = parse_sitemap(b"<urlset><url><loc>http://a.vn/x</loc></url></urlset>")
    prefixed = parse_sitemap(
        f'<sm:urlset xmlns:sm="{SM}"><sm:url><sm:loc>http://a.vn/x</sm:loc></sm:url>'
        "</sm:urlset>".encode()
    )
    assert plain.urls == prefixed.urls
    assert [u.loc for u in plain.urls] == ["http://a.vn/x"]


def test_gzipped_sitemap_is_detected_by_magic_number() -> None:
    body = gzip.compress(urlset("<url><loc>http://a.vn/gz</loc></url>"))
    assert [u.loc for u in parse_sitemap(body, "http://a.vn/sitemap.xml.gz").urls] == [
        "http://a.vn/gz"
    ]


def test_gzip_expanding_beyond_the_cap_is_cut_with_a_warning() -> None:
    entry = b"<url><loc>http://a.vn/page-%06d</loc></url>"
    body = b"<urlset>" + b"".join(entry % i for i in range(20000)) + b"</urlset>"
    result = parse_sitemap(gzip.compress(body), max_bytes=len(body) // 2)
    assert 0 < len(result.urls) < 20000
    assert any("expands beyond" in w for w in result.warnings)


def test_corrupt_gzip_gives_a_warning_not_a_traceback() -> None:
    result = parse_sitemap(b"\x1f\x8b\x08\x00garbage")
    assert result.urls == ()
    assert result.warnings


def test_bom_leading_whitespace_and_bare_ampersands_are_tolerated() -> None:
    body = (
        b"\xef\xbb\xbf\n\n   <?xml version='1.0' encoding='UTF-8'?>\n"
        b"<urlset><url><loc>http://a.vn/list.aspx?cat=1&page=2</loc></url>"
        b"<url><loc>http://a.vn/b.aspx?x=1&amp;amp;y=2</loc></url></urlset>"
    )
    result = parse_sitemap(body)
    assert [u.loc for u in result.urls] == [
        "http://a.vn/list.aspx?cat=1&page=2",
        "http://a.vn/b.aspx?x=1&y=2",
    ]
    assert result.warnings == ()


def test_malformed_xml_keeps_entries_before_the_damage() -> None:
    body = urlset(
        "<url><loc>http://a.vn/one</loc></url>",
        "<url><loc>http://a.vn/two</loc></url>",
        "<url><loc>http://a.vn/three</loc><lastmod></url>",
        "<url><loc>http://a.vn/four</loc></url>",
    )
    result = parse_sitemap(body)
    assert [u.loc for u in result.urls] == ["http://a.vn/one", "http://a.vn/two"]
    assert any("malformed XML" in w for w in result.warnings)


def test_truncated_download_keeps_complete_entries() -> None:
    body = urlset("<url><loc>http://a.vn/one</loc></url>", "<url><loc>http://a.vn/two</loc>")
    result = parse_sitemap(body[: body.index(b"/two") + 2])
    assert [u.loc for u in result.urls] == ["http://a.vn/one"]
    assert result.warnings


def test_relative_locations_resolve_against_the_sitemap_url() -> None:
    result = parse_sitemap(urlset("<url><loc>/tin-tuc/a.html</loc></url>"), "http://a.vn/sm.xml")
    assert result.urls[0].loc == "http://a.vn/tin-tuc/a.html"


def test_non_http_locations_are_skipped_with_a_warning() -> None:
    result = parse_sitemap(
        urlset(
            "<url><loc>ftp://a.vn/x</loc></url>",
            "<url><loc></loc></url>",
            "<url><loc>http://a.vn/ok</loc></url>",
        )
    )
    assert [u.loc for u in result.urls] == ["http://a.vn/ok"]
    assert any("2 entries" in w for w in result.warnings)


def test_plain_text_sitemap_one_url_per_line() -> None:
    body = b"http://a.vn/one\r\n\r\nhttps://a.vn/two\nnot a url\n"
    result = parse_sitemap(body)
    assert result.kind == "text"
    assert [u.loc for u in result.urls] == ["http://a.vn/one", "https://a.vn/two"]


def test_utf8_body_declared_latin1_keeps_vietnamese_titles() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><urlset xmlns:news="n"><url>'
        "<loc>http://a.vn/x</loc><news:news><news:title>Tiếng Việt</news:title></news:news>"
        "</url></urlset>"
    ).encode()
    assert parse_sitemap(body).urls[0].news_title == "Tiếng Việt"


def test_a_feed_given_as_sitemap_is_recognised() -> None:
    result = parse_sitemap(b"<rss version='2.0'><channel><link>http://a.vn/</link></channel></rss>")
    assert result.kind == "feed"
    assert result.urls == ()


def test_html_error_page_yields_nothing_and_does_not_raise() -> None:
    result = parse_sitemap(b"<!DOCTYPE html><html><body><p>L\xe1\xbb\x97i<br></body></html>")
    assert result.urls == ()
    assert result.kind == "unknown"


def test_empty_body() -> None:
    assert parse_sitemap(b"").warnings == ("empty sitemap",)


def test_html_entities_and_cdata_locations() -> None:
    body = (
        b"<urlset><url><loc><![CDATA[http://a.vn/x.aspx?a=1&b=2]]></loc>"
        b"<news:news xmlns:news='n'><news:title>Gi&aacute; v&agrave;ng&nbsp;t&#259;ng</news:title>"
        b"</news:news></url></urlset>"
    )
    (entry,) = parse_sitemap(body).urls
    assert entry.loc == "http://a.vn/x.aspx?a=1&b=2"
    assert entry.news_title == "Giá vàng tăng"


def test_sitemap_locations_do_not_fill_the_link_cache() -> None:
    # Every location is listed once: kept in the cache of page links (menus repeat),
    # 50,000 of them would only take memory. Ports and queries take the slow path.
    from archiver.discover import _fasturl
    from archiver.urls import normalize_url

    locs = [f"http://h.vn:8080/a-{n}.html?utm_source=x&id={n}" for n in range(300)]
    body = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    _fasturl._normalize_cached.cache_clear()
    sitemap = parse_sitemap(f"<urlset>{body}</urlset>".encode())
    assert [e.loc for e in sitemap.urls] == [normalize_url(loc) for loc in locs]
    assert _fasturl._normalize_cached.cache_info().currsize == 0
