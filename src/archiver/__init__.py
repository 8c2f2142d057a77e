"""archiver: crawl Vietnamese news sites and portals into a deduplicated SQLite archive."""

from archiver.article import FIELDS, Article
from archiver.errors import ArchiverError
from archiver.urls import normalize_url

__version__ = "0.1.0"

__all__ = ["FIELDS", "ArchiverError", "Article", "__version__", "normalize_url"]
