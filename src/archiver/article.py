"""The article record: what extraction produces and the archive stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.pickling import pickled_by_fields

#: The public field names, in order: ``Article.to_dict()`` and ``archiver parse --json``
#: give exactly these keys.
FIELDS: tuple[str, ...] = (
    "url",
    "canonical_url",
    "site",
    "title",
    "published_at",
    "published_raw",
    "updated_at",
    "author",
    "author_raw",
    "source",
    "view_count",
    "body",
    "captions",
    "language",
    "warnings",
)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One article page turned into clean, normalised fields.

    All text is NFC with collapsed whitespace; timestamps are ISO 8601 with
    ``+07:00``. ``body`` holds the lead first, then one block per paragraph or
    subheading, joined by a blank line; image and video captions are not in it but in
    ``captions`` (except in a photo story, whose captions are its text). ``source`` is
    the outlet a closing credit line names ("Theo TTXVN" gives "TTXVN"). ``lead`` (the
    sapo on its own) is kept for the search index but is not one of the public
    :data:`FIELDS`.
    """

    url: str
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    published_at: str | None = None
    published_raw: str | None = None
    updated_at: str | None = None
    author: str | None = None
    author_raw: str | None = None
    source: str | None = None
    view_count: int | None = None
    body: str | None = None
    captions: tuple[str, ...] = ()
    language: str | None = None
    warnings: tuple[str, ...] = ()
    lead: str | None = field(default=None, compare=False)

    @property
    def is_article(self) -> bool:
        """True when the page gave both a title and a body: an article, not a listing."""
        return bool(self.title and self.body)

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n") if self.body else []

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict with exactly the public :data:`FIELDS`."""
        data = {name: getattr(self, name) for name in FIELDS}
        data["captions"] = list(self.captions)
        data["warnings"] = list(self.warnings)
        return data
