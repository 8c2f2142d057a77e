"""URL normalisation: w3lib's canonicalisation under the project's rules, checked against
the WHATWG URL test data (fixtures/urls: a subset of web-platform-tests' urltestdata.json)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from archiver.urls import normalize_url

DATA = json.loads(
    (Path(__file__).parent.parent / "fixtures/urls/whatwg-urltestdata-subset.json").read_text(
        encoding="utf-8"
    )
)
PARSED = [c for c in DATA["cases"] if not c.get("failure")]
FAILURES = [c for c in DATA["cases"] if c.get("failure")]


@pytest.mark.parametrize("case", PARSED, ids=[c["input"] or "(empty)" for c in PARSED])
def test_whatwg_urls_normalise_to_their_standard_form(case):
    ours = urlsplit(normalize_url(case["input"], case["base"]))
    standard = urlsplit(case["href"])
    # Same scheme, host (IPv6 compressed, in brackets), port (default dropped), userinfo, path.
    assert (ours.scheme, ours.netloc, ours.path) == (
        standard.scheme,
        standard.netloc,
        standard.path,
    )
    # The project's rules: the query is sorted with blank values kept; no fragment.
    assert parse_qsl(ours.query, keep_blank_values=True) == sorted(
        parse_qsl(standard.query, keep_blank_values=True)
    )
    assert ours.fragment == ""


@pytest.mark.parametrize("case", FAILURES, ids=[c["input"] for c in FAILURES])
def test_urls_the_standard_rejects_are_never_turned_into_other_urls(case):
    assert normalize_url(case["input"]) == case["input"]


def test_ipv6_brackets_and_ports_are_kept():
    assert normalize_url("http://[::1]:8080/a") == "http://[::1]:8080/a"
    assert normalize_url("http://[::1]:80/a") == "http://[::1]/a"
    assert normalize_url("HTTP://[2001:DB8::1]/") == "http://[2001:db8::1]/"


def test_an_escaped_slash_is_not_decoded():
    assert normalize_url("http://h.vn/a%2fb") == "http://h.vn/a%2Fb"
    assert normalize_url("http://h.vn/a%2Fb") != normalize_url("http://h.vn/a/b")
    assert normalize_url("http://h.vn/%7Ethu") == "http://h.vn/~thu"  # unreserved: decoded


def test_tracking_parameters_go_and_identifying_ones_stay_with_their_case():
    assert (
        normalize_url("HTTPS://VnExpress.net:443/a-b-123.html?utm_source=fb&zarsrc=31#box")
        == "https://vnexpress.net/a-b-123.html"
    )
    assert (
        normalize_url("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?lang=vi&IDBaiViet=2931")
        == "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931&lang=vi"
    )


def test_non_http_urls_and_unparseable_ones_come_back_as_they_are():
    assert normalize_url(" mailto:toa-soan@tin.vn ") == "mailto:toa-soan@tin.vn"
    assert normalize_url("http://[::1") == "http://[::1"


@pytest.mark.parametrize(
    "url",
    [
        "http://h.vn/a",
        "http://h.vn:80/a",
        "http://h.vn:8080/a",
        "https://h.vn:443/",
        "https://h.vn:80/",
        "http://h.vn:080/",
        "http://h.vn:/a",
        "http://h.vn:x/a",
        "http://h.vn:99999/a",
        "HTTP://h.vn:80/a",
        " http://h.vn:8080/a",
        "http://u:p@h.vn:8081/a",
        "http://[::1]:8080/a",
        "http://[::1]/a",
        "ftp://h.vn:21/a",
    ],
)
def test_explicit_port_reads_a_written_port_as_urlsplit_does(url):
    from archiver.urls import explicit_port

    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        expected = -1
    else:
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        expected = None if port in (None, default) else port
    assert explicit_port(url) == expected


def test_a_crawled_page_url_is_normalised_once_for_every_stage_that_reads_it():
    # Its links' base, the extractor's canonical URL and the archive's URL identity each
    # normalise the page's URL: the work is done once.
    from datetime import UTC, datetime

    from archiver.crawl.analyze import analyze_exchange
    from archiver.fetch.exchange import Exchange

    url = "http://tin.example.vn/thoi-su/bai-viet-moi-4420519.html?utm_source=x"
    body = (
        "<html><head><title>Bài viết mới</title></head><body><h1>Bài viết mới</h1>"
        + "<p>Người dân ven biển gia cố nhà cửa, chằng chống mái tôn trước khi bão vào.</p>" * 6
        + '<a href="/thoi-su/bai-khac-4420520.html">Bài khác</a></body></html>'
    ).encode()
    exchange = Exchange(
        url=url,
        final_url=url,
        status=200,
        fetched_at=datetime(2024, 3, 5, tzinfo=UTC),
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=body,
    )
    normalize_url.cache_clear()
    analysis = analyze_exchange(
        exchange, kind="article", profile=None, scope=None, site=None, compress_level=1
    )
    assert analysis.article is not None
    calls = normalize_url.cache_info()
    assert calls.hits >= 2  # the page's URL, asked for again by later stages
    assert normalize_url(url) is normalize_url(url)
