"""The demo news site ``tinsonghan.example``: a modern Vietnamese news site with no profile.

Article pages carry an h1, a sapo, figures with captions, a related-news box inside the
body, JSON-LD NewsArticle and the "Thứ tư, 4/7/2018, 15:34 (GMT+7)" date line, and answer
with ETag and Last-Modified. Sections page with "Trang sau" and "Xem thêm"; robots.txt
names a sitemap index (news and article sitemaps) and there is an RSS feed. One article
answers 503 once before it answers 200.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape

from archiver.demo.data import (
    NEWS,
    DemoArticle,
    DemoImage,
    DemoPage,
    Reply,
    demo_articles,
    html_page,
    pages_of,
    site_info,
    text_page,
)

__all__ = [
    "FEED",
    "FLAKY",
    "NEWS_SITEMAP_SIZE",
    "PER_PAGE",
    "ROBOTS",
    "SHARED",
    "SITEMAP",
    "news_date",
    "news_pages",
    "section_url",
]

#: Articles per page of a section listing.
PER_PAGE = 4
#: How many of the newest articles the Google News sitemap lists.
NEWS_SITEMAP_SIZE = 10
#: The article that answers 503 (Retry-After: 1) to its first request.
FLAKY = 4829963
#: The article the home page links with tracking parameters, as shared on Zalo.
SHARED = 4812871

_SITE = site_info(NEWS)
_ROOT = _SITE.root.rstrip("/")
FEED = f"{_ROOT}/rss/tin-moi.rss"
SITEMAP = f"{_ROOT}/sitemap.xml"
_DAY_NAMES = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_HTML = ("Content-Type", "text/html; charset=utf-8")
_XML = "application/xml"
_ACTIVE = ' class="active"'
_RELATED = 3
_HOME_RECENT = 10
ROBOTS = (
    f"User-agent: *\nDisallow: /tim-kiem\nDisallow: /api/\n\n"
    f"Sitemap: {SITEMAP}\nSitemap: {_ROOT}/sitemaps/news.xml\n"
)


def news_date(moment: datetime) -> str:
    """The site's date line: ``Thứ tư, 4/7/2018, 15:34 (GMT+7)`` (day and month unpadded)."""
    day = f"{moment.day}/{moment.month}/{moment.year}"
    return f"{_DAY_NAMES[moment.weekday()]}, {day}, {moment:%H:%M} (GMT+7)"


def section_url(section: str, page: int = 1) -> str:
    """Page ``page`` of a section listing (``/thoi-su``, ``/thoi-su/trang-2``)."""
    return f"{_ROOT}/{section}" + (f"/trang-{page}" if page > 1 else "")


def _head(title: str, url: str, description: str, extra: str = "") -> str:
    name = escape(_SITE.name)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="{escape(url)}">
<meta property="og:site_name" content="{name}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{escape(url)}">
<link rel="alternate" type="application/rss+xml" title="Tin mới - {name}" href="{FEED}">
<link rel="stylesheet" href="/static/css/main.css">
{extra}</head>
"""


def _top(today: date, current: str | None = None) -> str:
    name = escape(_SITE.name)
    nav = "".join(
        f'<li{_ACTIVE if slug == current else ""}><a href="/{slug}">{escape(label)}</a></li>'
        for slug, label in _SITE.categories.items()
    )
    today_text = f"{_DAY_NAMES[today.weekday()]}, {today.day}/{today.month}/{today.year}"
    return f"""<body>
<header class="site-header">
  <div class="container">
    <a class="logo" href="/" title="{name}">{name}</a>
    <span class="today">{today_text}</span>
    <form class="search" action="/tim-kiem" method="get"><input type="text" name="q" \
placeholder="Tìm kiếm"><button type="submit">Tìm</button></form>
  </div>
  <nav class="main-nav"><ul><li class="home"><a href="/">Trang chủ</a></li>{nav}</ul></nav>
</header>
"""


_BOTTOM = f"""<footer class="site-footer">
  <div class="container">
    <p>{escape(_SITE.name)} - trang tin minh họa cho bản demo của archiver. \
Mọi bài viết đều là hư cấu.</p>
    <p><a href="{FEED}">RSS</a></p>
  </div>
</footer>
</body>
</html>
"""


def _json_ld(article: DemoArticle) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.url},
        "headline": article.title,
        "description": article.lead,
        "articleSection": _SITE.categories[article.category],
        "datePublished": article.published_at,
        "dateModified": article.published_at,
        "publisher": {"@type": "Organization", "name": _SITE.name},
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    elif article.byline:
        data["author"] = {"@type": "Organization", "name": article.byline.removeprefix("Theo ")}
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def _item(article: DemoArticle) -> str:
    return (
        f'<article class="item-news"><h3 class="title-news"><a href="{escape(article.url)}">'
        f"{escape(article.title)}</a></h3>"
        f'<p class="description">{escape(article.lead)}</p>'
        f'<span class="time">{article.published:%d/%m/%Y %H:%M}</span></article>'
    )


def _related_box(related: list[DemoArticle]) -> str:
    links = "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a></li>' for a in related)
    return (
        '<div class="related-news"><h3 class="related-title">Tin liên quan</h3>'
        f"<ul>{links}</ul></div>"
    )


def _figure(image: DemoImage, title: str) -> str:
    caption = f"<figcaption>{escape(image.caption)}</figcaption>" if image.caption else ""
    alt = escape(image.caption or title)
    return f'<figure class="image"><img src="{escape(image.src)}" alt="{alt}">{caption}</figure>'


def _article_body(article: DemoArticle, related: list[DemoArticle]) -> str:
    """The paragraphs after the sapo, with the picture and (mid-article) the related box."""
    rest = article.paragraphs[1:]
    image = article.image
    figure = _figure(image, article.title) if image else ""
    box_at = 1 + min(2, len(rest))
    blocks = [figure] if image and image.after <= 1 else []
    for number, text in enumerate(rest, 2):
        blocks.append(f"<p>{escape(text)}</p>")
        if image and image.after == number:
            blocks.append(figure)
        if related and number == box_at:
            blocks.append(_related_box(related))
    return "\n".join(blocks)


def _article_page(article: DemoArticle, related: list[DemoArticle], today: date) -> str:
    section = escape(_SITE.categories[article.category])
    extra = (
        '<meta property="og:type" content="article">\n'
        f'<meta property="article:published_time" content="{article.published_at}">\n'
        f'<meta property="article:section" content="{section}">\n' + _json_ld(article)
    )
    # A person signs at the top; an agency credit ("Theo TTXVN") closes the article.
    author = f'<span class="author">{escape(article.author)}</span> · ' if article.author else ""
    source = (
        f'\n<p class="source">{escape(article.byline)}</p>'
        if article.byline and not article.author
        else ""
    )
    share = escape(f"https://zalo.me/share?u={article.url}")
    main = f"""<main class="container">
<div class="col-main">
<ul class="breadcrumb"><li><a href="/">Trang chủ</a></li>\
<li><a href="/{article.category}">{section}</a></li></ul>
<article class="article-detail">
<h1 class="article-title">{escape(article.title)}</h1>
<div class="article-meta">{author}<span class="date">{news_date(article.published)}</span></div>
<p class="sapo">{escape(article.lead)}</p>
<div class="article-body">
{_article_body(article, related)}
</div>{source}
</article>
<div class="share"><span>Chia sẻ:</span> <a href="{share}" rel="nofollow">Zalo</a></div>
</div>
</main>
"""
    title = f"{article.title} - {_SITE.name}"
    head = _head(title, article.url, article.lead, extra)
    return head + _top(today, article.category) + main + _BOTTOM


def _pager(section: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    links = [
        f'<span class="active">{n}</span>'
        if n == page
        else f'<a href="{section_url(section, n)}">{n}</a>'
        for n in range(1, pages + 1)
    ]
    more = ""
    if page < pages:
        following = section_url(section, page + 1)
        links.append(f'<a class="next" href="{following}">Trang sau</a>')
        more = f'\n<a class="btn-more" href="{following}">Xem thêm</a>'
    return f'\n<div class="pagination">{"".join(links)}</div>{more}'


def _listing(
    title: str, url: str, items: str, today: date, current: str | None, after: str = ""
) -> str:
    description = f"Tin {title.lower()} mới nhất của {_SITE.name}"
    return (
        _head(f"{title} - {_SITE.name}", url, description)
        + _top(today, current)
        + f'<main class="container">\n<div class="col-main">\n'
        f'<h1 class="section-title">{escape(title)}</h1>\n'
        f'<div class="list-news">\n{items}\n</div>{after}\n</div>\n</main>\n' + _BOTTOM
    )


def _section_pages(articles: list[DemoArticle], today: date) -> Iterator[DemoPage]:
    for section, name in _SITE.categories.items():
        for page, pages, chunk in pages_of(articles, section, PER_PAGE):
            url = section_url(section, page)
            items = "\n".join(_item(a) for a in chunk)
            yield html_page(
                url, _listing(name, url, items, today, section, _pager(section, page, pages))
            )


def _home(articles: list[DemoArticle], today: date) -> str:
    recent = list(reversed(articles))[:_HOME_RECENT]
    items = "\n".join(_item(a) for a in recent)
    shared = next(a for a in articles if a.id == SHARED)
    tracked = escape(f"{shared.url}?utm_source=zalo&utm_medium=share&utm_campaign=docnhieu")
    most_read = (
        "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a></li>' for a in recent[:4])
        + f'<li><a href="{tracked}">{escape(shared.title)}</a></li>'
    )
    aside = (
        '\n</div>\n<aside class="col-side"><div class="box-most-read"><h2>Đọc nhiều</h2>'
        f"<ul>{most_read}</ul></div></aside>\n<div>"
    )
    return _listing("Tin mới", _SITE.root, items, today, None, aside)


def _sitemaps(articles: list[DemoArticle]) -> list[DemoPage]:
    newest = sorted(articles, key=lambda a: a.published, reverse=True)
    latest = newest[0].published_at
    index = "".join(
        f"\n <sitemap><loc>{_ROOT}/sitemaps/{name}.xml</loc><lastmod>{latest}</lastmod></sitemap>"
        for name in ("news", "articles")
    )
    urls = "".join(
        f"\n <url><loc>{escape(a.url)}</loc><lastmod>{a.published_at}</lastmod></url>"
        for a in newest
    )
    news = "".join(
        f"\n <url><loc>{escape(a.url)}</loc><news:news><news:publication>"
        f"<news:name>{escape(_SITE.name)}</news:name><news:language>vi</news:language>"
        f"</news:publication><news:publication_date>{a.published_at}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in newest[:NEWS_SITEMAP_SIZE]
    )
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    google = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    return [
        text_page(SITEMAP, f"{head}<sitemapindex {ns}>{index}\n</sitemapindex>\n", _XML),
        text_page(
            f"{_ROOT}/sitemaps/articles.xml", f"{head}<urlset {ns}>{urls}\n</urlset>\n", _XML
        ),
        text_page(
            f"{_ROOT}/sitemaps/news.xml", f"{head}<urlset {ns} {google}>{news}\n</urlset>\n", _XML
        ),
    ]


def _feed(articles: list[DemoArticle]) -> DemoPage:
    newest = sorted(articles, key=lambda a: a.published, reverse=True)
    items = "".join(
        f"\n<item>\n <title>{escape(a.title)}</title>\n <link>{escape(a.url)}</link>\n"
        f" <description>{escape(a.lead)}</description>\n"
        f" <pubDate>{format_datetime(a.published)}</pubDate>\n"
        f' <guid isPermaLink="true">{escape(a.url)}</guid>\n</item>'
        for a in newest
    )
    name = escape(_SITE.name)
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>Tin mới - {name}</title>\n<link>{_SITE.root}</link>\n"
        f"<description>Tin mới nhất của {name}</description>\n<language>vi</language>\n"
        f"<lastBuildDate>{format_datetime(newest[0].published)}</lastBuildDate>"
        f"{items}\n</channel>\n</rss>\n"
    )
    return text_page(FEED, text, "application/rss+xml")


def _validators(article: DemoArticle, body: str) -> tuple[tuple[str, str], ...]:
    """ETag and Last-Modified, so a second crawl's conditional requests get 304."""
    etag = '"' + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16] + '"'
    modified = format_datetime(article.published.astimezone(UTC), usegmt=True)
    return (("ETag", etag), ("Last-Modified", modified))


def news_pages(today: date) -> list[DemoPage]:
    """Every page of the news site as it looks on ``today``."""
    articles = demo_articles(NEWS)
    pages = [
        html_page(_SITE.root, _home(articles, today)),
        text_page(f"{_ROOT}/robots.txt", ROBOTS, "text/plain"),
        *_sitemaps(articles),
        _feed(articles),
    ]
    for article in articles:
        same = [a for a in articles if a.category == article.category and a is not article]
        related = sorted(same, key=lambda a: abs(a.published - article.published))[:_RELATED]
        body = _article_page(article, related, today)
        replies: tuple[Reply, ...] = (Reply(200, (_HTML, *_validators(article, body)), body),)
        if article.id == FLAKY:
            busy = (
                "<!DOCTYPE html><title>503 Service Unavailable</title>"
                "<p>Máy chủ đang bận, vui lòng thử lại sau.</p>\n"
            )
            replies = (Reply(503, (_HTML, ("Retry-After", "1")), busy), *replies)
        pages.append(DemoPage(article.url, replies))
    pages.extend(_section_pages(articles, today))
    return pages
