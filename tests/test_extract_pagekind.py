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


def _teasers(count: int) -> str:
    return "".join(
        f"<div class='item'><a href='/tin-{n}.html'>Tin số {n}: thành phố khởi công cầu mới</a>"
        f"<div class='sapo'>Tóm tắt tin số {n}: thành phố tiếp tục triển khai các giải pháp, "
        "tăng cường kiểm tra, bảo đảm tiến độ và chất lượng công trình.</div></div>"
        for n in range(count)
    )


def _page(inner: str) -> bytes:
    return (
        "<html><head><title>Xã hội - Tin Example</title></head><body><main><h1>Xã hội</h1>"
        f"{inner}</main></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "url",
    [
        "https://tin.example.vn/xa-hoi/trang-2",
        "https://tin.example.vn/",
        "https://tin.example.vn/lien-he",
    ],
)
def test_asked_for_its_main_text_a_page_that_is_no_article_gives_it_with_a_warning(url: str):
    declined = extract(_page(_teasers(8)), url)
    assert not declined.is_article and declined.body is None
    read = extract(_page(_teasers(8)), url, main_text=True)
    assert read.is_article
    assert "Tóm tắt tin số 7" in read.body
    assert any("not an article" in warning for warning in read.warnings)
