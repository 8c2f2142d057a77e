"""The demo portal ``tamky.gov.vn``: an old ASP.NET government portal in the seed's style.

Table layout, today's date in the header, a left menu; article pages with the
"Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)" date line, a bold author, "Lượt xem",
"Tin đã đưa" and "Xem theo ngày"; category listings with numbered pages; a date
archive for every day; robots.txt without a Sitemap line; old URLs that redirect.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from html import escape

from archiver.demo.data import (
    PORTAL,
    DemoArticle,
    DemoPage,
    Reply,
    demo_articles,
    html_page,
    pages_of,
    site_info,
    text_page,
)

__all__ = [
    "ARCHIVE_START",
    "PER_PAGE",
    "REDIRECTED",
    "ROBOTS",
    "archive_url",
    "listing_url",
    "portal_date",
    "portal_pages",
    "view_text",
]

#: Articles per page of a category listing.
PER_PAGE = 5
#: The date archive answers for every day from here to today (older days only when they
#: have articles): a day without articles gives an empty list, as the real CMS did.
ARCHIVE_START = date(2025, 1, 1)
#: Articles the old portal published at ``/TinTuc.aspx?id=N``; those URLs now answer 301.
REDIRECTED = (40112, 40744)

_SITE = site_info(PORTAL)
_ROOT = _SITE.root.rstrip("/")
_ARTICLE = "/CMSPages/BaiViet/Default.aspx?IDBaiViet={}"
_LOGIN = "/CMSPages/Login.aspx"
_CONTACT = "/CMSPages/LienHe.aspx"
_CONTROL = "ctl00_ContentPlaceHolder1_"
_DAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_SELECTED = ' selected="selected"'
_EARLIER = 5
_HOME_RECENT = 8
ROBOTS = f"User-agent: *\nCrawl-delay: 0.1\nDisallow: {_LOGIN}\nDisallow: /Admin/\n"


def portal_date(moment: datetime) -> str:
    """The portal's date line: ``Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)``."""
    weekday = "Chủ nhật" if moment.weekday() == 6 else f"Thứ {moment.weekday() + 2}"
    return f"{weekday}, ngày {moment:%d/%m/%Y | %I:%M %p} (GMT +7)"


def view_text(count: int) -> str:
    """A view count as the portal prints it, with dots between thousands (1.356)."""
    return f"{count:,}".replace(",", ".")


def listing_url(category: str, page: int = 1) -> str:
    """Page ``page`` of a category listing (``&Trang=N`` from page 2 on)."""
    tail = f"&Trang={page}" if page > 1 else ""
    return f"{_ROOT}/CMSPages/BaiViet/DanhSach.aspx?IDChuyenMuc={category}{tail}"


def archive_url(day: date) -> str:
    """The "Xem theo ngày" list of ``day`` (the profile's ``date_archive`` template)."""
    return f"{_ROOT}/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay={day:%d/%m/%Y}"


def _frame(title: str, today: date, action: str, content: str) -> str:
    """The page around ``content``: banner, top menu with today's date, left menu, footer."""
    name = escape(_SITE.name)
    menu = "\n".join(
        f'<tr><td><a href="{escape(listing_url(ident))}">{escape(label)}</a></td></tr>'
        for ident, label in _SITE.categories.items()
    )
    top = " | ".join(
        f'<a href="{escape(href)}">{label}</a>'
        for href, label in (
            ("/", "Trang chủ"),
            (listing_url("1"), "Tin tức - Sự kiện"),
            (listing_url("5"), "Cải cách hành chính"),
            (_CONTACT, "Liên hệ"),
            (_LOGIN, "Đăng nhập"),
        )
    )
    today_text = f"{_DAY_NAMES[today.weekday()]}, {today:%d/%m/%Y}"
    return f"""\
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head id="ctl00_Head1"><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>
	{name} - {escape(title)}
</title>
<link href="/App_Themes/TamKy/style.css" type="text/css" rel="stylesheet" />
<script type="text/javascript" src="/js/jquery.js"></script>
</head>
<body>
<form name="aspnetForm" method="post" action="{escape(action)}" id="aspnetForm">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFg" />
</div>
<table width="1000" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td class="banner"><img src="/Images/banner_tamky.jpg" alt="{name}" /></td></tr>
<tr><td class="topmenu"><table width="100%"><tr>
<td>{top}</td>
<td align="right"><span id="ctl00_lblNgayHienTai">{today_text}</span></td>
</tr></table></td></tr>
<tr><td><table width="100%" border="0" cellpadding="0" cellspacing="0"><tr>
<td width="200" valign="top" class="leftcol">
<table width="100%" class="box">
<tr><td class="boxtitle">CHUYÊN MỤC</td></tr>
{menu}
</table>
</td>
<td valign="top" style="padding: 5px 10px">
{content}
</td>
</tr></table></td></tr>
<tr><td class="footer">{name} - Địa chỉ: 70 Hùng Vương, TP Tam Kỳ, tỉnh Quảng Nam. \
Điện thoại: 0235.3851.541</td></tr>
</table>
</form>
</body>
</html>
"""


def _day_form(day: date, today: date) -> str:
    """The "Xem theo ngày" form: three selects and a postback button (GET crawlers cannot
    use it; the profile's date-archive template reaches the same lists)."""

    def select(name: str, values: Iterable[int], chosen: int) -> str:
        options = "".join(
            f'<option{_SELECTED if v == chosen else ""} value="{v}">{v}</option>' for v in values
        )
        return f'<select name="ctl00$ContentPlaceHolder1$ddl{name}">{options}</select>'

    return (
        '<td class="XemTheoNgay">Xem theo ngày :\n'
        f"{select('Ngay', range(1, 32), day.day)}\n"
        f"{select('Thang', range(1, 13), day.month)}\n"
        f"{select('Nam', range(2010, today.year + 1), day.year)}\n"
        '<input type="submit" name="ctl00$ContentPlaceHolder1$btnXem" value="Xem" />\n</td>'
    )


def _row(cell: str, attrs: str = "") -> str:
    return f"<tr>\n<td{attrs}>{cell}</td>\n</tr>"


def _label(control: str, text: str) -> str:
    return f'<span id="{_CONTROL}{control}">{text}</span>'


def _paragraphs(article: DemoArticle) -> str:
    out = []
    for number, text in enumerate(article.paragraphs, 1):
        out.append(f'<p style="text-align: justify;">{escape(text)}</p>')
        if article.image and article.image.after == number:
            image = escape(article.image.src)
            out.append(f'<p style="text-align: center;"><img src="{image}" width="500" /></p>')
    return "\n".join(out)


def _earlier_box(earlier: list[DemoArticle]) -> str:
    links = "\n".join(
        f'<tr><td><a href="Default.aspx?IDBaiViet={a.id}">{escape(a.title)}</a> '
        f"<i>({a.published:%d/%m/%Y})</i></td></tr>"
        for a in earlier
    )
    return (
        f'\n<table width="100%" class="TinDaDua">\n'
        f'<tr><td class="TieuDeKhung">Tin đã đưa</td></tr>\n{links}\n</table>\n'
    )


def _article_page(article: DemoArticle, earlier: list[DemoArticle], today: date) -> str:
    body = f'\n<div id="{_CONTROL}divNoiDung">\n{_paragraphs(article)}\n</div>\n'
    rows = [
        _row(_label("lblTieuDe", escape(article.title)), ' class="TieuDeBaiViet"'),
        _row(_label("lblNgayDang", portal_date(article.published)), ' class="NgayDang"'),
        _row(body, ' class="NoiDung"'),
    ]
    if article.byline:
        rows.append(_row(f"<b>{_label('lblTacGia', escape(article.byline))}</b>", ' align="right"'))
    if article.view_count is not None:
        views = _label("lblLuotXem", view_text(article.view_count))
        rows.append(_row(f"Lượt xem:&nbsp; {views}", ' align="right" class="LuotXem"'))
    if earlier:
        rows.append(_row(_earlier_box(earlier)))
    rows.append(f"<tr>\n{_day_form(article.published.date(), today)}\n</tr>")
    content = (
        '<table width="100%" border="0" cellpadding="2" cellspacing="0">\n'
        + "\n".join(rows)
        + "\n</table>"
    )
    return _frame(article.title, today, f"Default.aspx?IDBaiViet={article.id}", content)


def _summary(text: str, limit: int = 160) -> str:
    """The start of a lead, cut at a word, as listings show it."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _items(articles: Iterable[DemoArticle]) -> str:
    return "\n".join(
        f'<tr><td class="TinItem"><a class="TieuDeTin" href="{_ARTICLE.format(a.id)}">'
        f"{escape(a.title)}</a> <i>({a.published:%d/%m/%Y})</i><br />"
        f'<span class="TomTat">{escape(_summary(a.lead))}</span></td></tr>'
        for a in articles
    )


def _list_table(heading: str, rows: str, pager: str = "") -> str:
    return (
        f'<table width="100%" border="0" cellpadding="4" cellspacing="0" class="DanhSach">\n'
        f'<tr><td class="TieuDeChuyenMuc">{escape(heading)}</td></tr>\n{rows}\n{pager}</table>'
    )


def _pager(category: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    links = [
        f"<b>{n}</b>" if n == page else f'<a href="{escape(listing_url(category, n))}">{n}</a>'
        for n in range(1, pages + 1)
    ]
    if page < pages:
        links.append(f'<a href="{escape(listing_url(category, page + 1))}">Trang sau</a>')
    return f'<tr><td class="PhanTrang">Trang: {" ".join(links)}</td></tr>\n'


def _listing_pages(articles: list[DemoArticle], today: date) -> Iterator[DemoPage]:
    for category, name in _SITE.categories.items():
        for page, pages, chunk in pages_of(articles, category, PER_PAGE):
            url = listing_url(category, page)
            content = _list_table(name, _items(chunk), _pager(category, page, pages))
            yield html_page(url, _frame(name, today, url.removeprefix(_ROOT + "/"), content))


def _archive_pages(articles: list[DemoArticle], today: date) -> Iterator[DemoPage]:
    by_day: dict[date, list[DemoArticle]] = {}
    for a in articles:
        by_day.setdefault(a.published.date(), []).append(a)
    days = set(by_day)
    day = ARCHIVE_START
    while day <= today:
        days.add(day)
        day += timedelta(days=1)
    for day in sorted(days):
        found = by_day.get(day)
        rows = (
            _items(found)
            if found
            else ('<tr><td class="KhongCoTin">Không có tin bài nào trong ngày này.</td></tr>')
        )
        heading = f"Tin ngày {day:%d/%m/%Y}"
        content = (
            _list_table(heading, rows)
            + f'\n<table width="100%"><tr>\n{_day_form(day, today)}\n</tr></table>'
        )
        url = archive_url(day)
        yield html_page(url, _frame(heading, today, url.removeprefix(_ROOT + "/"), content))


def _home(articles: list[DemoArticle], today: date) -> str:
    recent = list(reversed(articles))[:_HOME_RECENT]
    featured = "\n".join(
        f'<tr><td><a href="/TinTuc.aspx?id={a.id}">{escape(a.title)}</a></td></tr>'
        for a in articles
        if a.id in REDIRECTED
    )
    content = (
        _list_table("TIN MỚI", _items(recent)) + '\n<table width="100%" class="TinNoiBat">\n'
        f'<tr><td class="TieuDeKhung">Tin nổi bật</td></tr>\n{featured}\n</table>'
    )
    return _frame("Trang chủ", today, "Default.aspx", content)


def _simple(title: str, today: date, action: str, text: str) -> str:
    return _frame(title, today, action, f'<table width="100%"><tr><td>{text}</td></tr></table>')


def portal_pages(today: date) -> list[DemoPage]:
    """Every page of the portal as it looks on ``today``."""
    articles = demo_articles(PORTAL)
    login = (
        'Tên đăng nhập: <input name="txtUser" /> Mật khẩu: <input type="password" '
        'name="txtPass" /> <input type="submit" value="Đăng nhập" />'
    )
    contact = "Ban biên tập Cổng thông tin điện tử thành phố Tam Kỳ - 70 Hùng Vương, TP Tam Kỳ."
    pages = [
        html_page(_SITE.root, _home(articles, today)),
        text_page(f"{_ROOT}/robots.txt", ROBOTS, "text/plain"),
        html_page(_ROOT + _LOGIN, _simple("Đăng nhập", today, "Login.aspx", login)),
        html_page(_ROOT + _CONTACT, _simple("Liên hệ", today, "LienHe.aspx", contact)),
    ]
    for index, article in enumerate(articles):
        earlier = articles[max(0, index - _EARLIER) : index][::-1]
        pages.append(html_page(article.url, _article_page(article, earlier, today)))
    pages.extend(_listing_pages(articles, today))
    pages.extend(_archive_pages(articles, today))
    for ident in REDIRECTED:
        target = _ROOT + _ARTICLE.format(ident)
        moved = Reply(301, (("Location", target),))
        pages.append(DemoPage(f"{_ROOT}/TinTuc.aspx?id={ident}", (moved,)))
    return pages
