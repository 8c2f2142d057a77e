"""Streaming export of articles as JSON lines or CSV: a thousand rows in memory at a time.

SQLite itself serialises each row (``json_object`` for JSON lines, quoting with
``replace`` for CSV), so Python only moves finished lines: about twice as fast as
``json.dumps`` or the ``csv`` module on article-length text.

CSV cells are neutralised against formula injection by default (OWASP "CSV
Injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading ``'``, so a spreadsheet shows it as text instead of running it.
``raw=True`` writes cells verbatim; JSON lines are always verbatim.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import IO

from archiver.errors import QueryError, StoreError
from archiver.store.arguments import check_text
from archiver.store.query import parse
from archiver.store.schema import FTS_TABLE
from archiver.store.search import article_filters

__all__ = ["COLUMNS", "FORMATS", "Selection", "export"]

FORMATS = ("jsonl", "csv")
#: Exported columns, in order (``url`` is the canonical URL).
COLUMNS = (
    "id", "url", "site", "title", "published_at", "published_raw", "updated_at", "author",
    "author_raw", "source", "view_count", "lead", "body", "captions", "language", "warnings",
    "story_id", "first_seen_at", "last_seen_at", "content_hash", "extractor_version",
)  # fmt: skip
#: JSON-list columns: a list in JSON lines; in CSV, items joined by this separator (SQL).
LIST_COLUMNS = {"warnings": "'; '", "captions": "char(10)"}
NUMBER_COLUMNS = frozenset({"id", "view_count", "story_id"})
_FETCH_ROWS = 1000
#: First characters a spreadsheet reads as a formula (or that hide one after them).
_FORMULA_STARTS = "'=', '+', '-', '@', char(9), char(13)"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles to export: each filter as ``archiver search`` understands it."""

    site: str | None = None
    since: str | None = None
    until: str | None = None
    author: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        for name in ("site", "since", "until", "author", "query"):
            check_text(name, getattr(self, name))

    def where(self, engine: str = "sqlite") -> tuple[str, dict[str, str]]:
        """The ``WHERE`` clause on ``articles a`` (empty when nothing is filtered), and
        its named parameters, for the database ``engine``; a bad date or query raises
        :class:`QueryError`."""
        clauses, params = article_filters(self.site, self.since, self.until, self.author)
        if self.query and engine == "postgresql":
            from archiver.store.postgres.fts import tsquery

            clauses.append("a.search @@ to_tsquery('simple', :tsq)")
            params["tsq"] = tsquery(parse(self.query).root)
        elif self.query:
            clauses.append(
                f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match)"
            )
            params["match"] = parse(self.query).fts
        return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _json_line(fields: Sequence[str]) -> str:
    pairs = ", ".join(
        f"'{name}', " + (f"json(a.{name})" if name in LIST_COLUMNS else f"a.{name}")
        for name in fields
    )
    return f"json_object({pairs})"


def _csv_field(name: str, raw: bool) -> str:
    """One CSV field: numbers bare, text always quoted with inner quotes doubled (RFC 4180)."""
    if name in NUMBER_COLUMNS:
        return f"coalesce(a.{name}, '')"
    if name in LIST_COLUMNS:
        value = f"(SELECT group_concat(value, {LIST_COLUMNS[name]}) FROM json_each(a.{name}))"
    else:
        value = f"a.{name}"
    if not raw:
        formula = f"substr({value}, 1, 1) IN ({_FORMULA_STARTS})"
        value = f"(CASE WHEN {formula} THEN '''' || {value} ELSE {value} END)"
    return f"""coalesce('"' || replace({value}, '"', '""') || '"', '')"""


def _csv_line(fields: Sequence[str], raw: bool) -> str:
    return " || ',' || ".join(_csv_field(name, raw) for name in fields)


def check_fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    """The columns to export, checked; all of :data:`COLUMNS` when none are named."""
    if not fields:
        return COLUMNS
    unknown = [name for name in fields if name not in COLUMNS]
    if unknown:
        raise QueryError(
            f"unknown field {unknown[0]!r} for --fields; choose among {', '.join(COLUMNS)}"
        )
    return tuple(dict.fromkeys(fields))


def _lines(conn: sqlite3.Connection, line: str, selection: Selection) -> Iterator[list[tuple[str]]]:
    where, params = selection.where()
    cursor = conn.execute(f"SELECT {line} FROM articles a{where} ORDER BY a.id", params)
    while rows := cursor.fetchmany(_FETCH_ROWS):
        yield rows


def export(
    conn: sqlite3.Connection,
    *,
    format: str = "jsonl",
    selection: Selection = Selection(),
    fields: Sequence[str] | None = None,
    raw: bool = False,
    out: IO[str],
    bom: bool = False,
) -> int:
    """Write the selected articles to the text stream ``out``; returns how many were written.

    JSON lines carry ``warnings`` and ``captions`` as lists; CSV joins warnings with "; "
    and captions with a line break (inside the quoted cell), and ends lines with CRLF.
    ``fields`` picks and orders the columns (default :data:`COLUMNS`). ``bom`` starts the
    output with a UTF-8 byte-order mark, which Excel needs to read Vietnamese text in a
    CSV file correctly. ``raw`` turns off the neutralising of CSV cells that a spreadsheet
    would run as formulas. Open ``out`` with ``newline=""`` for CSV.
    """
    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}; use jsonl or csv")
    columns = check_fields(fields)
    line = _json_line(columns) if format == "jsonl" else _csv_line(columns, raw)
    batches = ([row[0] for row in rows] for rows in _lines(conn, line, selection))
    return write_lines(out, batches, format=format, columns=columns, bom=bom)


def write_lines(
    out: IO[str], batches: Iterator[list[str]], *, format: str, columns: Sequence[str], bom: bool
) -> int:
    """Write batches of finished lines (header, BOM and line ends added); how many lines.

    The first batch is read before anything is written: a bad query or date fails first.
    """
    first = next(batches, [])
    if bom:
        out.write("\ufeff")
    end = "\n" if format == "jsonl" else "\r\n"
    if format == "csv":
        out.write(",".join(columns) + end)
    count = 0
    for lines in chain([first], batches) if first else ():
        out.write(end.join(lines) + end)
        count += len(lines)
    return count
