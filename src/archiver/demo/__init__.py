"""The demo website: two invented Vietnamese sites served offline for ``archiver demo``.

``http://tamky.gov.vn/`` is an old ASP.NET provincial portal in the seed's style (view
counts, "Tin đã đưa", "Xem theo ngày" date archive, numbered listings, no sitemap);
``http://tinsonghan.example/`` is a modern news site without a profile (JSON-LD, sapo,
figures, sitemap index, RSS feed, ETags, one page that fails once with 503). The articles
live in ``articles.json``; every one is invented.

    >>> site = build_site()                  # a ReplaySite in memory
    >>> write_site("demo-site")              # the same site as a replay directory
    >>> [a.url for a in demo_articles()]     # what a crawl should archive, with its fields
"""

from archiver.demo.data import NEWS, PORTAL, DemoArticle, DemoImage, DemoPage, Reply, demo_articles
from archiver.demo.site import HOSTS, build_site, site_pages, write_site

__all__ = [
    "HOSTS",
    "NEWS",
    "PORTAL",
    "DemoArticle",
    "DemoImage",
    "DemoPage",
    "Reply",
    "build_site",
    "demo_articles",
    "site_pages",
    "write_site",
]
