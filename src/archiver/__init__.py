"""archiver: crawl Vietnamese news sites and portals into a deduplicated SQLite archive.

    >>> import archiver
    >>> article = archiver.extract(html_bytes, "https://vnexpress.net/abc-4220047.html")
    >>> article.title, article.published_at, article.author
    >>> with archiver.Archive("archive.db") as archive:
    ...     archive.add(article, html=html_bytes)
    ...     recent = list(archive.articles(since="2024-03"))

A page goes through the pipeline ``discover`` (sitemaps, feeds, links) → ``fetch``
(polite HTTP, robots.txt) → ``extract`` (page → :class:`Article`) → ``store`` (the
archive); ``crawl`` drives it, ``warc``, ``replay`` and ``demo`` sit beside the crawl,
and ``cli`` is a thin layer on top. The packages are layers in that order: each imports
only those below it (``cli`` → ``crawl`` → ``warc``/``replay``/``demo`` → ``store`` →
``fetch`` → ``extract`` → ``discover``/``sites`` → ``text``/``urls``/``dates``), a
contract the tests check. Everything public is named in ``__all__`` below.
"""

from archiver.article import FIELDS, Article
from archiver.dates import ParsedDate, parse_date, parse_iso
from archiver.errors import (
    ArchiverError,
    ConfigError,
    CrawlError,
    ExtractError,
    FetchError,
    InputError,
    NotFoundError,
    ProfileError,
    QueryError,
    SchemaTooNewError,
    StoreError,
)
from archiver.extract import EXTRACTOR_VERSION, extract
from archiver.text import fold
from archiver.urls import normalize_url
from archiver.version import __version__

__all__ = [
    "EXTRACTOR_VERSION",
    "FIELDS",
    "Archive",
    "ArchiverError",
    "Article",
    "ConfigError",
    "CrawlError",
    "ExtractError",
    "FetchError",
    "InputError",
    "NotFoundError",
    "ParsedDate",
    "ProfileError",
    "QueryError",
    "SchemaTooNewError",
    "StoreError",
    "__version__",
    "extract",
    "fold",
    "normalize_url",
    "parse_date",
    "parse_iso",
]


def __getattr__(name: str) -> object:
    # The archive is imported on first use: extraction alone (``archiver.extract``) does
    # not load the store, nor through it the HTTP stack (a quarter of a second).
    if name == "Archive":
        from archiver.store import Archive

        return Archive
    raise AttributeError(f"module 'archiver' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "Archive"})
