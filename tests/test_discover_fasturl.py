"""The fast paths for plain URLs must give exactly what the full normalisation gives."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from archiver.discover._fasturl import Origin, normalize
from archiver.urls import canonicalize, normalize_url, plain_url

segment = st.text(alphabet="abcXYZ019_~.,-", min_size=0, max_size=8)
path = st.lists(segment, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts))
host = st.sampled_from(["vnexpress.net", "tamky.gov.vn", "a-b.vn", "www.x.com.vn", "x9.vn"])
scheme = st.sampled_from(["http", "https"])
base = st.sampled_from(
    [
        "https://Dantri.com.vn:443/xa-hoi/bai.htm",
        "http://tamky.gov.vn/CMSPages/a.aspx?x=1",
        "http://user@h.vn:8080/a/b/",
        "https://h.vn",
        "https://h.vn/thư mục/a.htm",
        "https://h.vn/a/b.htm#frag",
        "http://h.vn/a/../b/./c?x=1",
    ]
)


@given(scheme, host, path)
def test_absolute_plain_urls_match_normalize_url(scheme: str, host: str, path: str) -> None:
    url = f"{scheme}://{host}{path}"
    assert normalize(url) == canonicalize(url)


@given(path, base)
def test_root_relative_paths_match_normalize_url(path: str, base: str) -> None:
    assert normalize(path, base, Origin(base)) == canonicalize(path, base)


@given(path, base)
def test_document_relative_paths_match_normalize_url(path: str, base: str) -> None:
    relative = path.lstrip("/")
    assert normalize(relative, base, Origin(base)) == canonicalize(relative, base)


@given(st.text(max_size=30), base)
def test_any_href_matches_normalize_url(href: str, base: str) -> None:
    assert normalize(href, base, Origin(base)) == canonicalize(href, base)


url_text = st.text(alphabet="abcXYZ019_~.,-/:?=&%#@ ", max_size=24)
any_host = st.sampled_from(["vnexpress.net", "VnExpress.net", "a-b.vn.", "h.vn:443", "h.vn:8080"])


@given(scheme, any_host, url_text, st.none() | base)
def test_normalize_url_gives_what_the_full_normalisation_gives(
    scheme: str, host: str, rest: str, base: str | None
) -> None:
    # Plain URLs take a shortcut inside normalize_url; every URL must come out the same.
    url = f"{scheme}://{host}/{rest}"
    assert normalize_url(url, base) == canonicalize(url, base)


def test_dot_segments_and_empty_segments_take_the_slow_path() -> None:
    origin = Origin("http://h.vn/x/y")
    # Dot segments resolve; an empty segment is kept (a//b is another path on a server).
    assert normalize("/a/./b/../c//d", "http://h.vn/x/y", origin) == "http://h.vn/a/c//d"
    assert normalize("../c", "http://h.vn/x/y", origin) == "http://h.vn/c"
    assert normalize("http://h.vn/a/../b") == "http://h.vn/b"


def _generated_urls(count: int) -> list[str]:
    """Absolute URLs with and without ports (default, other, out of range, zero-padded)."""
    rng = random.Random(23)
    ports = ["", ":80", ":443", ":8080", ":8000", ":1", ":65535", ":65536", ":0", ":08080", ":"]
    hosts = ["h.vn", "www.a-b.com.vn", "x9.vn", "127.0.0.1", "H.vn", "h.vn."]
    pieces = ["a", "b-c", "Xy", "1", ".", "..", "", "~u", "d.htm", "%41", "q?x=1", "é"]
    urls = []
    for _ in range(count):
        path = "/".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        slash = "/" if path or rng.random() < 0.5 else ""
        scheme = rng.choice(["http", "https"])
        urls.append(f"{scheme}://{rng.choice(hosts)}{rng.choice(ports)}{slash}{path}")
    return urls


def test_urls_with_ports_normalise_as_the_full_normalisation_does() -> None:
    # The shortcut keeps a port but the scheme's default, as the parsing does.
    urls = _generated_urls(5000)
    assert sum(plain_url(url) is not None for url in urls) > 500  # the shortcut is taken
    for url in urls:
        assert normalize_url(url) == canonicalize(url), url


def test_a_plain_url_on_another_port_needs_no_parsing() -> None:
    assert plain_url("http://portal.gov.vn:8080/tin-tuc/a-b.html") == (
        "http://portal.gov.vn:8080/tin-tuc/a-b.html"
    )
    assert plain_url("https://h.vn:443/a") == "https://h.vn/a"
    assert plain_url("http://h.vn:80") == "http://h.vn/"
    assert plain_url("http://h.vn:443/a") == "http://h.vn:443/a"  # not http's default
    assert plain_url("http://h.vn:65536/a") is None  # not a port: left to the parsing
