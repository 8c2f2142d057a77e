"""Pages that are no articles by what they are for: about, contact, site map, search, home."""

from __future__ import annotations

import pytest

from archiver.extract import extract
from archiver.extract.pagekind import furniture_title, furniture_url, is_site_home


@pytest.mark.parametrize(
    "url",
    [
        "http://tamky.gov.vn/CMSPages/GioiThieu.aspx?ID=1",
        "http://tamky.gov.vn/CMSPages/LienHe.aspx",
        "https://baoquangnam.vn/lien-he",
        "https://baoquangnam.vn/so-do-site/",
        "https://example.org/about-us",
        "https://example.org/tim-kiem.htm?q=bao",
    ],
)
def test_about_contact_sitemap_and_search_urls(url: str):
    assert furniture_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://baoquangnam.vn/gioi-thieu-sach-moi-ve-hoi-an-3142857.html",
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785",
        "https://vnexpress.net/lien-he-giua-hai-vu-an-4220047.html",
    ],
)
def test_articles_whose_slug_merely_mentions_such_words(url: str):
    assert not furniture_url(url)


def test_headings_of_such_pages():
    assert furniture_title("Giới thiệu chung")
    assert furniture_title("Liên hệ - Góp ý")
    assert furniture_title("Sơ đồ cổng thông tin")
    assert not furniture_title("Giới thiệu sách mới về Hội An và những câu chuyện bên sông Hoài")
    assert not furniture_title(None)


def test_site_home():
    assert is_site_home("https://vnexpress.net/")
    assert not is_site_home("https://vnexpress.net/?page=2")
    assert not is_site_home("https://vnexpress.net/thoi-su")


def test_an_undated_page_headed_contact_is_no_article_whatever_its_url():
    html = (
        "<html><head><title>Liên hệ - Cổng thông tin điện tử thành phố Tam Kỳ</title></head>"
        "<body><h1>Liên hệ</h1><div><p>Địa chỉ: 70 Hùng Vương, Tam Kỳ, Quảng Nam. Điện "
        "thoại: 0235.3851.541. Mọi ý kiến xin gửi về ban biên tập theo địa chỉ trên.</p><p>Thư "
        "điện tử: vanphong@tamky.gov.vn, ban biên tập sẽ trả lời trong thời gian sớm nhất.</p>"
        "</div></body></html>"
    ).encode()
    article = extract(html, "http://tamky.gov.vn/Default.aspx?tabid=135")
    assert not article.is_article
    assert article.title == "Liên hệ"
