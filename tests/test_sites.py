"""Site profiles: the shipped files validate, bad files fail clearly, pages find their profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from archiver.errors import ProfileError
from archiver.extract import extract
from archiver.sites import (
    PROFILE_DIR,
    ProfileRegistry,
    load_profile,
    profile_from_dict,
    registry,
)
from archiver.urls import host_of, normalize_url

SHIPPED = sorted(PROFILE_DIR.glob("*.toml"))
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@pytest.fixture
def fresh_registry():
    """Let a test change ARCHIVER_PROFILES, and leave the cached registry as it found it."""
    registry.cache_clear()
    yield
    registry.cache_clear()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped profiles ------------------------------------------------------------------


def test_the_news_sites_of_the_brief_all_have_a_profile():
    names = {profile.name for profile in registry()}
    assert names >= {
        "vnexpress", "dantri", "tuoitre", "thanhnien", "vietnamnet",
        "nld", "baochinhphu", "cafef", "baodautu", "tamky",
    }  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_profile_loads_and_is_named_after_its_file(path: Path):
    profile = load_profile(path)
    assert profile.name == path.stem
    assert profile.hosts, "a shipped profile must say which hosts it covers"
    assert profile.article_urls, "a shipped profile must recognise its article URLs"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_profile_discovery_urls_stay_on_its_own_hosts(path: Path):
    profile = load_profile(path)
    discovery = profile.discovery
    urls = [*discovery.feeds, *discovery.sitemaps, *discovery.listings, *discovery.seeds]
    assert urls, "a shipped profile must tell the crawler where to start"
    for url in urls:
        assert profile.matches_host(host_of(url)), url


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_profile_calls_its_listing_entry_points_listings(path: Path):
    profile = load_profile(path)
    for url in profile.discovery.listings:
        assert profile.url_kind(normalize_url(url)) == "listing", url


def _fixture_cases() -> list[tuple[str, str, str]]:
    cases = []
    for case in sorted(FIXTURES.rglob("*.json")):
        spec = json.loads(case.read_text(encoding="utf-8"))
        is_listing = any("listing" in w for w in spec["expected"]["warnings"])
        cases.append((case.parent.name, spec["url"], "listing" if is_listing else "article"))
    return cases


@pytest.mark.parametrize(("site", "url", "kind"), _fixture_cases(), ids=lambda v: str(v)[-40:])
def test_fixture_urls_get_their_site_profile_and_are_never_misread_as_listings(site, url, kind):
    profile = registry().for_url(url)
    if site == "generic":  # pages of sites no profile describes
        assert profile is None
        return
    assert profile is not None and profile.name == site
    # An article URL the patterns do not know (None) is read normally; "listing" would drop it.
    expected = {"listing"} if kind == "listing" else {"article", None}
    assert profile.url_kind(normalize_url(url)) in expected


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://vnexpress.net/tuan-tra-trong-dem-am-2-do-c-4220047.html", "article"),
        ("https://vnexpress.net/thoi-su/da-nang-phan-loai-rac-3773412.html", "article"),
        ("https://vnexpress.net/kinh-doanh/quoc-te-p2", "listing"),
        ("https://dantri.com.vn/xa-hoi/ha-noi-mo-tuyen-buyt-20260307080712345.htm", "article"),
        ("https://dantri.com.vn/kinh-doanh/tai-chinh/trang-2.htm", "listing"),
        ("https://tuoitre.vn/can-tho-mo-tuyen-buyt-duong-song-20260307080112345.htm", "article"),
        ("https://tuoitre.vn/thoi-su/trang-3.htm", "listing"),
        ("https://thanhnien.vn/nghe-an-xu-ly-nuoc-thai-185260307091245678.htm", "article"),
        ("https://thanhnien.vn/thoi-su/cau-kien-post781234.html", "article"),
        ("https://thanhnien.vn/thoi-su.htm", "listing"),
        ("https://vietnamnet.vn/nha-mang-tat-song-2g-2491305.html", "article"),
        ("https://vietnamnet.vn/vn/thoi-su/du-an-san-golf-468123.html", "article"),
        ("https://vietnamnet.vn/thoi-su", "listing"),
        ("https://nld.com.vn/gia-gao-tang-196260305154012345.htm", "article"),
        ("https://nld.com.vn/quoc-te.htm", "listing"),
        ("https://baochinhphu.vn/giai-ngan-von-dau-tu-cong-102260302142012345.htm", "article"),
        ("https://baochinhphu.vn/chinh-sach-moi.htm", "listing"),
        ("https://cafef.vn/gia-thep-tang-lan-thu-ba-188260307094012345.chn", "article"),
        ("https://cafef.vn/khi-roi-vao-be-tac-20180724111229756.chn", "article"),
        ("https://cafef.vn/thi-truong-chung-khoan/trang-2.chn", "listing"),
        ("https://baodautu.vn/bac-ninh-thu-hut-fdi-d245678.html", "article"),
        ("https://baodautu.vn/dau-tu-d2/p3", "listing"),
    ],
)
def test_profile_url_patterns_tell_articles_from_listings(url, kind):
    profile = registry().for_url(url)
    assert profile is not None
    assert profile.url_kind(normalize_url(url)) == kind


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://vnexpress.net/ha-noi-mo-them-tuyen-buyt-4990123.html", "vnexpress"),
        ("https://m.cafef.vn/gia-thep-tang-188260307094012345.chn", "cafef"),
        ("https://www.baodautu.vn/fdi-tang-d245678.html", "baodautu"),
        ("http://tamky.quangnam.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1", "tamky"),
    ],
)
def test_a_url_finds_its_profile_by_host_and_subdomain(url, name):
    profile = registry().for_url(url)
    assert profile is not None and profile.name == name


def test_a_host_that_merely_ends_with_a_profile_host_is_not_that_site():
    assert registry().for_url("https://notvnexpress.net/a-4990123.html") is None


# --- malformed profiles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('name = "x"\nhosts = ["x.vn"]\ncolour = "red"\n', "colour"),
        ('name = "x"\n[selectors]\nheadline = ["h1"]\n', "selectors.headline"),
        ('name = "x"\n[urls]\narticle = ["-(\\\\d+\\\\.html$"]\n', "urls.article"),
        ('name = "x"\n[selectors]\ntitle = ["h1[["]\n', "selectors.title"),
        ('name = "x"\nhosts = "x.vn"\n', "hosts"),
        ('name = "x"\n[selectors]\nbody = "div.content"\n', "selectors.body"),
        ('name = "x"\n[crawl]\ndelay = "fast"\n', "crawl.delay"),
        ('name = "x"\nselectors = ["h1"]\n', "selectors"),
        ('name = "x"\n[dates]\nformats = ["%Q %d"]\n', "dates.formats"),
        ('name = "x"\n[dates]\norder = "YMD"\n', "dates.order"),
        ('name = "x"\nhosts = ["https://x.vn/"]\n', "hosts"),
        ('name = "x"\n[discovery]\nfeeds = ["x.vn/rss"]\n', "discovery.feeds"),
        ('name = "Bad Name"\n', "name"),
        ('hosts = ["x.vn"]\n', "name"),
    ],
)
def test_a_malformed_profile_names_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, "broken.toml", text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.field == field
    assert str(path) in str(caught.value)
    assert f"field={field}" in str(caught.value)


def test_a_profile_that_is_not_toml_names_the_file(tmp_path):
    path = _write(tmp_path, "broken.toml", 'name = "x\nhosts = [\n')
    with pytest.raises(ProfileError, match="not valid TOML") as caught:
        load_profile(path)
    assert str(path) in str(caught.value)


def test_a_missing_profile_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "absent.toml")


def test_two_profiles_with_one_name_in_a_folder_are_refused(tmp_path):
    _write(tmp_path, "a.toml", 'name = "same"\nhosts = ["a.vn"]\n')
    _write(tmp_path, "b.toml", 'name = "same"\nhosts = ["b.vn"]\n')
    with pytest.raises(ProfileError, match="share this name"):
        ProfileRegistry.from_dirs(tmp_path)


def test_asking_for_an_unknown_profile_lists_the_known_ones():
    with pytest.raises(ProfileError, match="vnexpress"):
        registry().get("no-such-site")


# --- choosing a profile --------------------------------------------------------------------


def test_the_longest_matching_host_wins():
    profiles = ProfileRegistry(
        [
            profile_from_dict({"name": "vne", "hosts": ["vnexpress.net"]}),
            profile_from_dict({"name": "vne-english", "hosts": ["e.vnexpress.net"]}),
        ]
    )
    assert profiles.for_url("https://e.vnexpress.net/news/a-4990123.html").name == "vne-english"
    assert profiles.for_url("https://m.e.vnexpress.net/news/a-1.html").name == "vne-english"
    assert profiles.for_url("https://vnexpress.net/a-4990123.html").name == "vne"
    assert profiles.for_url("https://video.vnexpress.net/a-1.html").name == "vne"


def test_an_unknown_host_is_recognised_by_its_url_fingerprint():
    profiles = ProfileRegistry(
        [
            profile_from_dict(
                {
                    "name": "qnam",
                    "hosts": ["tamky.gov.vn"],
                    "fingerprint": {"urls": [r"/CMSPages/BaiViet/Default\.aspx\?IDBaiViet=\d+"]},
                }
            )
        ]
    )
    found = profiles.for_url("http://hoian.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=7")
    assert found is not None and found.name == "qnam"
    assert profiles.for_url("http://hoian.gov.vn/tin-tuc/7.html") is None


def test_an_unknown_host_is_recognised_when_every_markup_fingerprint_matches():
    profiles = ProfileRegistry(
        [
            profile_from_dict(
                {"name": "aspnet", "fingerprint": {"html": ["form#aspnetForm", "div.ModuleTin"]}}
            )
        ]
    )
    both = LexborHTMLParser('<form id="aspnetForm"><div class="ModuleTin">x</div></form>')
    one = LexborHTMLParser('<form id="aspnetForm"><div class="Other">x</div></form>')
    found = profiles.for_page("http://anywhere.gov.vn/a.aspx", both)
    assert found is not None and found.name == "aspnet"
    assert profiles.for_page("http://anywhere.gov.vn/a.aspx", one) is None


# --- extra profile folders -----------------------------------------------------------------


ARCHIVIST_PROFILE = """
name = "baophuyen"
hosts = ["baophuyen.vn"]
outlets = ["Báo Phú Yên"]
[urls]
article = ['/\\d+/[a-z0-9-]+\\.html$']
[selectors]
title = ["h1.story-title"]
body = ["div.story-body"]
date = ["span.story-date"]
author = ["p.story-author"]
"""

ARCHIVIST_PAGE = """<html><body><div class="menu"><a href="/">Trang chủ</a></div>
<h1 class="story-title">Phú Yên khai trương tuyến đường ven biển mới</h1>
<span class="story-date">07/03/2026 08:30</span>
<div class="story-body"><p>Sáng 7/3, tỉnh Phú Yên đưa vào sử dụng tuyến đường ven biển dài 20 km nối
Tuy Hòa với Sông Cầu, rút ngắn thời gian đi lại còn khoảng 30 phút.</p>
<p>Tuyến đường có bốn làn xe, vốn đầu tư hơn 1.000 tỷ đồng từ ngân sách trung ương
và địa phương.</p>
<p class="story-author">Minh Đức</p></div></body></html>"""


def test_archiver_profiles_adds_a_folder_of_extra_profiles(tmp_path, monkeypatch, fresh_registry):
    _write(tmp_path, "baophuyen.toml", ARCHIVIST_PROFILE)
    monkeypatch.setenv("ARCHIVER_PROFILES", str(tmp_path))
    registry.cache_clear()
    profile = registry().get("baophuyen")
    assert profile.source == str(tmp_path / "baophuyen.toml")
    assert registry().get("vnexpress").name == "vnexpress"  # the shipped ones stay

    article = extract(ARCHIVIST_PAGE, "https://baophuyen.vn/12/phu-yen-khai-truong-duong.html")
    assert article.site == "baophuyen"
    assert article.author == "Minh Đức"
    assert article.published_at == "2026-03-07T08:30:00+07:00"
    assert article.warnings == ()


def test_an_extra_folder_overrides_a_shipped_profile_of_the_same_name(
    tmp_path, monkeypatch, fresh_registry
):
    _write(tmp_path, "cafef.toml", 'name = "cafef"\nhosts = ["cafef.vn", "cafebiz.vn"]\n')
    monkeypatch.setenv("ARCHIVER_PROFILES", str(tmp_path))
    registry.cache_clear()
    assert registry().get("cafef").hosts == ("cafef.vn", "cafebiz.vn")
    assert registry().for_url("https://cafebiz.vn/a-1.chn").name == "cafef"


def test_a_broken_extra_profile_stops_the_registry_with_its_file_name(
    tmp_path, monkeypatch, fresh_registry
):
    path = _write(tmp_path, "typo.toml", 'name = "typo"\n[selector]\ntitle = ["h1"]\n')
    monkeypatch.setenv("ARCHIVER_PROFILES", str(tmp_path))
    registry.cache_clear()
    with pytest.raises(ProfileError) as caught:
        registry()
    assert str(path) in str(caught.value) and caught.value.field == "selector"
