"""Reading articles back: as :class:`~archiver.article.Article` records, view-count series
and pandas data frames — what a researcher uses from Python instead of raw SQL.

Articles come back in the order they were archived (their ids); filters are those of
``archiver search`` and ``archiver export`` (:class:`~archiver.store.export.Selection`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from archiver.article import Article
from archiver.errors import InputError, NotFoundError
from archiver.store.database import Database
from archiver.store.export import Selection, check_fields
from archiver.store.results import ViewCount

__all__ = ["article", "article_id", "articles", "to_dataframe", "view_counts"]

#: The ``articles`` columns an :class:`Article` is rebuilt from, in its fields' order.
_ARTICLE_COLUMNS = (
    "url", "site", "title", "published_at", "published_raw", "updated_at", "author",
    "author_raw", "source", "view_count", "body", "captions", "language", "warnings", "lead",
)  # fmt: skip
_SELECT = f"SELECT {', '.join('a.' + c for c in _ARTICLE_COLUMNS)} FROM articles a"
_LISTS = frozenset({"captions", "warnings"})
_TIMES = ("published_at", "updated_at", "first_seen_at", "last_seen_at")
_ROWS = 500


def _article(row: Sequence[Any]) -> Article:
    values = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
    for name in _LISTS:
        values[name] = tuple(json.loads(values[name] or "[]"))
    # The stored URL is the canonical one: the article's URL as the archive knows it.
    return Article(canonical_url=values["url"], **values)


def articles(database: Database, selection: Selection | None = None) -> Iterator[Article]:
    """The selected articles, in archive order, read ``_ROWS`` at a time."""
    where, params = (selection or Selection()).where(database.engine)
    with database.reading("reading articles") as conn:
        cursor = conn.execute(f"{_SELECT}{where} ORDER BY a.id", params)
        while rows := cursor.fetchmany(_ROWS):
            yield from map(_article, rows)


def article_id(database: Database, key: int | str | Article) -> int:
    """The id of the stored article ``key`` names: its id, a URL it was found under (the
    canonical one or an alias), or an :class:`Article` (by its URLs). NotFoundError if none."""
    if isinstance(key, Article):
        urls = [u for u in (key.canonical_url, key.url) if u]
    elif isinstance(key, bool) or not isinstance(key, int | str):
        raise InputError(
            f"an article is named by its id, its URL or an Article, not {type(key).__name__}"
        )
    elif isinstance(key, int):
        with database.reading("looking up an article") as conn:
            found = conn.execute("SELECT id FROM articles WHERE id = ?", (key,)).fetchone()
        if found is None:
            raise NotFoundError(f"no article with id {key} in {database.path}")
        return key
    else:
        urls = [key]
    with database.reading("looking up an article") as conn:
        for url in urls:
            found = conn.execute(
                "SELECT id FROM articles WHERE url = ? "
                "UNION ALL SELECT article_id FROM article_urls WHERE url = ? LIMIT 1",
                (url, url),
            ).fetchone()
            if found is not None:
                return int(found[0])
    raise NotFoundError(f"no article at {urls[0]} in {database.path}", url=urls[0])


def article(database: Database, key: int | str | Article) -> Article:
    """The stored article ``key`` names (see :func:`article_id`)."""
    found = article_id(database, key)
    with database.reading("reading an article") as conn:
        row = conn.execute(f"{_SELECT} WHERE a.id = ?", (found,)).fetchone()
    return _article(row)


def view_counts(database: Database, key: int | str | Article) -> list[ViewCount]:
    """The view counts observed for an article, oldest first."""
    found = article_id(database, key)
    with database.reading("reading view counts") as conn:
        rows = conn.execute(
            "SELECT observed_at, view_count FROM view_counts WHERE article_id = ? "
            "ORDER BY observed_at",
            (found,),
        ).fetchall()
    return [ViewCount(observed_at, count) for observed_at, count in rows]


def to_dataframe(
    database: Database, selection: Selection | None = None, fields: Sequence[str] | None = None
) -> Any:
    """The selected articles as a pandas ``DataFrame`` indexed by article id.

    Columns are ``fields`` (default: every column ``archiver export`` writes); captions
    and warnings are lists, times are timezone-aware (+07:00) timestamps. Needs pandas
    (``pip install 'archiver[pandas]'``).
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise InputError(
            "Archive.to_dataframe needs pandas: pip install 'archiver[pandas]'"
        ) from error
    columns = tuple(dict.fromkeys(("id", *check_fields(fields))))
    where, params = (selection or Selection()).where(database.engine)
    with database.reading("reading articles") as conn:
        rows = conn.execute(
            f"SELECT {', '.join('a.' + c for c in columns)} FROM articles a{where} ORDER BY a.id",
            params,
        ).fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(columns)).set_index("id")
    for name in frame.columns:
        if name in _LISTS:
            frame[name] = [json.loads(value or "[]") for value in frame[name]]
        elif name in _TIMES:
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame
