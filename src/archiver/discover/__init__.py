"""Discovery: finding the URLs a crawl should fetch (sitemaps, feeds, links, pagination).

Every function here is pure and synchronous: bytes (or a parsed tree) and a URL in,
frozen dataclasses out. Fetching, scheduling and politeness belong to the crawler.
All URLs that come out are normalised with ``archiver.urls.normalize_url``; all dates
are aware datetimes in +07:00.
"""

from archiver.discover._xmltext import GZIP_MAGIC
from archiver.discover.feeds import Feed, FeedEntry, FeedLink, find_feed_links, parse_feed
from archiver.discover.links import (
    Anchors,
    Link,
    classify,
    extract_links,
    link_urls,
    looks_like_article,
    looks_like_listing,
)
from archiver.discover.pagination import Pager, PostBack, next_page_links
from archiver.discover.portals import date_archive_urls, earlier_articles_box
from archiver.discover.sitemaps import Sitemap, SitemapEntry, parse_sitemap

__all__ = [
    "GZIP_MAGIC",
    "Anchors",
    "Feed",
    "FeedEntry",
    "FeedLink",
    "Link",
    "Pager",
    "PostBack",
    "Sitemap",
    "SitemapEntry",
    "classify",
    "date_archive_urls",
    "earlier_articles_box",
    "extract_links",
    "find_feed_links",
    "link_urls",
    "looks_like_article",
    "looks_like_listing",
    "next_page_links",
    "parse_feed",
    "parse_sitemap",
]
