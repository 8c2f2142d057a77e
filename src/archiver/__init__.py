"""archiver: crawl Vietnamese news sites and portals into a deduplicated SQLite archive.

    >>> import archiver
    >>> article = archiver.extract(html_bytes, "https://vnexpress.net/abc-4220047.html")
    >>> article.title, article.published_at, article.author

The pipeline, one package per stage: ``discover`` (robots.txt, sitemaps, feeds,
links) → ``fetch`` (polite HTTP) → ``extract`` (page → :class:`Article`) →
``store`` (the SQLite archive); ``cli`` is a thin layer on top.
"""

__version__ = "0.1.0"

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
from archiver.store import Archive
from archiver.text import fold
from archiver.urls import normalize_url

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
