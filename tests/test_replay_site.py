"""Replay sites: the manifest format, its checks, and the response knobs (no sockets)."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from archiver.errors import InputError
from archiver.replay import ReplaySite


def make_site(root: Path, pages: dict[str, Any], files: dict[str, bytes] | None = None) -> Path:
    for name, data in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "manifest.json").write_text(
        json.dumps({"format": "archiver-replay", "version": 1, "pages": pages}), encoding="utf-8"
    )
    return root


def get(
    site: ReplaySite,
    target: str,
    *headers: tuple[str, str],
    host: str | None = None,
    method: str = "GET",
) -> tuple[int, dict[str, str], bytes]:
    response = site.respond(method, target, tuple(headers), host=host)
    body = b"".join(response.body.chunks)
    site.log.finish(response.request_id)
    return response.status, {k.lower(): v for k, v in response.headers}, body


PAGE = "<html><body>Tam Kỳ</body></html>".encode()


@pytest.fixture
def site(tmp_path: Path) -> ReplaySite:
    return ReplaySite(
        make_site(
            tmp_path,
            {
                "http://tamky.gov.vn/": {
                    "file": "files/home.html",
                    "status": 200,
                    "headers": [
                        ["Content-Type", "text/html; charset=utf-8"],
                        ["ETag", '"v1"'],
                        ["Last-Modified", "Wed, 04 Jul 2018 08:34:00 GMT"],
                        ["Content-Length", "999"],
                    ],
                },
                "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931&lang=vi": {
                    "text": "bài 2931",
                },
                "https://vnexpress.net/robots.txt": {"text": "User-agent: *\nDisallow:\n"},
                "http://tamky.gov.vn/flaky": {
                    "responses": [
                        {"status": 503, "headers": {"Retry-After": "2"}},
                        {"status": 429, "headers": {"Retry-After": "1"}},
                        {"text": "ok"},
                    ]
                },
                "http://tamky.gov.vn/old": {"status": 301, "headers": {"Location": "/"}},
                "http://tamky.gov.vn/gz": {"file": "files/home.html", "gzip": True},
                "http://tamky.gov.vn/bomb": {"gzip_bomb": 50_000_000},
                "http://tamky.gov.vn/chunked": {"text": "x" * 10000, "chunked": True},
                "http://tamky.gov.vn/huge": {"generate_bytes": 1_000_000},
            },
            {"files/home.html": PAGE},
        )
    )


def test_file_body_with_manifest_headers_and_computed_length(site: ReplaySite) -> None:
    status, headers, body = get(site, "http://tamky.gov.vn/")
    assert (status, body) == (200, PAGE)
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-length"] == str(len(PAGE))  # not the manifest's 999


def test_urls_match_after_normalisation_and_across_schemes(site: ReplaySite) -> None:
    target = (
        "https://TAMKY.gov.vn/CMSPages/BaiViet/Default.aspx?lang=vi&IDBaiViet=2931&utm_source=x"
    )
    assert get(site, target)[2] == "bài 2931".encode()
    assert get(site, "http://vnexpress.net/robots.txt")[0] == 200


def test_inline_text_gets_a_content_type_from_the_url(site: ReplaySite) -> None:
    assert get(site, "http://vnexpress.net/robots.txt")[1]["content-type"] == (
        "text/plain; charset=utf-8"
    )


def test_origin_form_uses_the_host_header(site: ReplaySite) -> None:
    assert get(site, "/robots.txt", ("Host", "vnexpress.net"), host="vnexpress.net")[0] == 200
    assert get(site, "/robots.txt", host="tamky.gov.vn")[0] == 404


def test_unknown_host_is_not_guessed_when_the_site_has_several(site: ReplaySite) -> None:
    assert get(site, "/", host="127.0.0.1:8080")[0] == 404


def test_unknown_host_means_the_only_host_of_a_one_host_site(tmp_path: Path) -> None:
    one = ReplaySite(make_site(tmp_path, {"http://tamky.gov.vn/a": {"text": "A"}}))
    assert get(one, "/a", host="127.0.0.1:8080")[2] == b"A"
    assert one.log.records()[0].host == "tamky.gov.vn"


def test_unknown_url_is_404(site: ReplaySite) -> None:
    status, _headers, _ = get(site, "http://tamky.gov.vn/khong-co")
    assert status == 404
    assert site.log.records()[-1].url is None


def test_response_sequence_then_last_repeats(site: ReplaySite) -> None:
    answers = [get(site, "http://tamky.gov.vn/flaky") for _ in range(4)]
    assert [a[0] for a in answers] == [503, 429, 200, 200]
    assert answers[0][1]["retry-after"] == "2"
    site.reset()
    assert get(site, "http://tamky.gov.vn/flaky")[0] == 503


def test_redirect_keeps_its_location(site: ReplaySite) -> None:
    status, headers, _ = get(site, "http://tamky.gov.vn/old")
    assert (status, headers["location"]) == (301, "/")


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("If-None-Match", '"v1"', 304),
        ("If-None-Match", 'W/"v1", "v0"', 304),
        ("If-None-Match", "*", 304),
        ("If-None-Match", '"v2"', 200),
        ("If-Modified-Since", "Wed, 04 Jul 2018 08:34:00 GMT", 304),
        ("If-Modified-Since", "Thu, 05 Jul 2018 00:00:00 GMT", 304),
        ("If-Modified-Since", "Tue, 03 Jul 2018 00:00:00 GMT", 200),
        ("If-Modified-Since", "not a date", 200),
    ],
)
def test_conditional_requests(site: ReplaySite, header: str, value: str, expected: int) -> None:
    status, headers, body = get(site, "http://tamky.gov.vn/", (header, value))
    assert status == expected
    if expected == 304:
        assert body == b""
        assert headers["etag"] == '"v1"'


def test_if_none_match_wins_over_if_modified_since(site: ReplaySite) -> None:
    status = get(
        site,
        "http://tamky.gov.vn/",
        ("If-None-Match", '"v0"'),
        ("If-Modified-Since", "Thu, 05 Jul 2018 00:00:00 GMT"),
    )[0]
    assert status == 200


def test_gzip_knob(site: ReplaySite) -> None:
    _status, headers, body = get(site, "http://tamky.gov.vn/gz")
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == PAGE
    assert headers["content-length"] == str(len(body))


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(site: ReplaySite) -> None:
    _, headers, body = get(site, "http://tamky.gov.vn/bomb")
    assert headers["content-encoding"] == "gzip"
    assert len(body) < 200_000
    inflater = zlib.decompressobj(wbits=31)
    total = 0
    data = body
    while data:
        total += len(inflater.decompress(data, 1 << 20))
        data = inflater.unconsumed_tail
    assert total == 50_000_000


def test_chunked_knob_sends_no_length(site: ReplaySite) -> None:
    response = site.respond("GET", "http://tamky.gov.vn/chunked", ())
    chunks = list(response.body.chunks)
    assert response.body.length is None
    assert "content-length" not in {k.lower() for k, _ in response.headers}
    assert len(chunks) > 1 and b"".join(chunks) == b"x" * 10000


def test_generated_body_is_streamed_in_pieces(site: ReplaySite) -> None:
    response = site.respond("GET", "http://tamky.gov.vn/huge", ())
    sizes = [len(chunk) for chunk in response.body.chunks]
    assert sum(sizes) == 1_000_000
    assert max(sizes) <= 64 * 1024


def test_head_gets_the_length_but_no_body(site: ReplaySite) -> None:
    status, headers, body = get(site, "http://tamky.gov.vn/", method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(PAGE)))


def test_log_counts_requests_in_flight_per_host(site: ReplaySite) -> None:
    first = site.respond("GET", "http://tamky.gov.vn/", ())
    second = site.respond("GET", "http://tamky.gov.vn/old", ())
    other = site.respond("GET", "http://vnexpress.net/robots.txt", ())
    site.log.finish(first.request_id)
    third = site.respond("GET", "http://tamky.gov.vn/gz", ())
    for response in (second, other, third):
        site.log.finish(response.request_id)
    assert [r.in_flight for r in site.log.records()] == [1, 2, 1, 2]
    assert site.log.max_in_flight("tamky.gov.vn") == 2
    assert site.log.max_in_flight("vnexpress.net") == 1
    assert site.log.in_flight("tamky.gov.vn") == 0
    assert all(r.finished is not None for r in site.log.records())


@pytest.mark.parametrize(
    ("pages", "files", "field"),
    [
        ({"http://a.vn/": {"file": "missing.html"}}, {}, "file"),
        ({"http://a.vn/": {"file": "../etc/passwd"}}, {}, "file"),
        ({"http://a.vn/": {"status": "200"}}, {}, "status"),
        ({"http://a.vn/": {"status": 101}}, {}, "status"),
        ({"http://a.vn/": {"delay": -1}}, {}, "delay"),
        ({"http://a.vn/": {"colour": "red"}}, {}, "colour"),
        ({"http://a.vn/": {"text": "a", "generate_bytes": 5}}, {}, "generate_bytes"),
        ({"http://a.vn/": {"headers": [["only-name"]]}}, {}, "headers"),
        ({"http://a.vn/": {"responses": []}}, {}, "responses"),
        ({"http://a.vn/": {"gzip": "yes"}}, {}, "gzip"),
    ],
)
def test_manifest_mistakes_name_url_and_field(
    tmp_path: Path, pages: dict[str, Any], files: dict[str, bytes], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        ReplaySite(make_site(tmp_path, pages, files))
    assert caught.value.field == field
    assert caught.value.url == "http://a.vn/"


def test_relative_page_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="absolute"):
        ReplaySite(make_site(tmp_path, {"/a": {"text": "a"}}))


def test_missing_or_broken_manifest(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no manifest\.json"):
        ReplaySite(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="cannot be read"):
        ReplaySite(tmp_path)
    (tmp_path / "manifest.json").write_text('{"version": 7, "pages": {}}')
    with pytest.raises(InputError, match="version 1"):
        ReplaySite(tmp_path)
