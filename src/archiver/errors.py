"""The exception tree: every error archiver raises on purpose is an ``ArchiverError``.

    ArchiverError
    ├── InputError          the input could not be read (missing file, unreadable bytes)
    ├── ExtractError        a page could not be turned into an article record
    ├── ProfileError        a site profile file is malformed or fails its schema
    ├── StoreError          the archive database cannot be used
    │   ├── SchemaTooNewError   the database was written by a newer archiver
    │   ├── QueryError          a search query is not valid full-text syntax
    │   └── NotFoundError       no such article (id or URL) in the archive
    ├── FetchError          an HTTP exchange failed for good (after retries)
    └── CrawlError          a crawl cannot start or continue (lock held, no seeds)
        └── ConfigError     the sites, options or config file of a crawl are wrong

Each error carries the context it happened in (``url``, ``site``, ``field``) so the
command line can print it as one clear line: ``str(error)`` is that line.
"""

from __future__ import annotations


class ArchiverError(Exception):
    """Root of all archiver errors; ``str()`` gives one line with its context."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        site: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.site = site
        self.field = field

    def __str__(self) -> str:
        context = [
            f"{name}={value}"
            for name, value in (("site", self.site), ("field", self.field), ("url", self.url))
            if value
        ]
        line = " ".join(self.message.split())
        return f"{line} ({', '.join(context)})" if context else line


class InputError(ArchiverError):
    """The input (a file, a URL, bytes) could not be read at all."""


class ExtractError(ArchiverError):
    """A page could not be turned into an article record."""


class ProfileError(ArchiverError):
    """A site profile file is malformed or does not match the profile schema."""


class StoreError(ArchiverError):
    """The archive database cannot be opened, written or queried."""


class SchemaTooNewError(StoreError):
    """The database was created by a newer version of archiver; it is left untouched."""


class QueryError(StoreError):
    """A full-text query is not valid (unbalanced quote, lone operator, ...)."""


class NotFoundError(StoreError):
    """What was asked for (an article by id or URL, a stored body) is not in the archive."""


class FetchError(ArchiverError):
    """An HTTP exchange failed for good, after any retries."""


class CrawlError(ArchiverError):
    """A crawl cannot start or continue (another run holds the lock, no usable seed)."""


class ConfigError(CrawlError):
    """What a crawl was asked to do is wrong: an unknown site, a bad option or config file."""
