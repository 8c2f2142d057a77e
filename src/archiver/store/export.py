"""Streaming export of articles as JSON lines or CSV: one row in memory at a time."""

from __future__ import annotations

import csv
import json
import sqlite3
from typing import IO, Any

from archiver.errors import StoreError
from archiver.store.times import period_clauses

__all__ = ["COLUMNS", "FORMATS", "export"]

FORMATS = ("jsonl", "csv")
#: Exported columns, in order (``url`` is the canonical URL).
COLUMNS = (
    "id",
    "url",
    "site",
    "title",
    "published_at",
    "published_raw",
    "updated_at",
    "author",
    "author_raw",
    "view_count",
    "lead",
    "body",
    "language",
    "warnings",
    "story_id",
    "first_seen_at",
    "last_seen_at",
    "content_hash",
    "extractor_version",
)
_FETCH_ROWS = 1000


def _rows(conn: sqlite3.Connection, site: str | None, since: str | None, until: str | None):
    clauses, params = period_clauses(since, until)
    if site:
        clauses.append("site = :site")
        params["site"] = site
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    cursor = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM articles{where} ORDER BY id", params)
    while rows := cursor.fetchmany(_FETCH_ROWS):
        yield from rows


def export(
    conn: sqlite3.Connection,
    *,
    format: str = "jsonl",
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    out: IO[str],
    bom: bool = False,
) -> int:
    """Write matching articles to the text stream ``out``; returns how many were written.

    JSON lines carry ``warnings`` as a list; CSV joins them with "; ". ``bom``
    starts the output with a UTF-8 byte-order mark, which Excel needs to read
    Vietnamese text in a CSV file correctly. Open ``out`` with ``newline=""`` for CSV.
    """
    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}; use jsonl or csv")
    warnings_at = COLUMNS.index("warnings")
    if bom:
        out.write("\ufeff")
    count = 0
    if format == "csv":
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in _rows(conn, site, since, until):
            values: list[Any] = list(row)
            values[warnings_at] = "; ".join(json.loads(row[warnings_at] or "[]"))
            writer.writerow(values)
            count += 1
        return count
    dumps = json.dumps
    for row in _rows(conn, site, since, until):
        record = dict(zip(COLUMNS, row, strict=True))
        record["warnings"] = json.loads(record["warnings"] or "[]")
        out.write(dumps(record, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
