"""Export from a PostgreSQL archive: the same lines, byte for byte, as from SQLite.

SQLite serialises rows itself (:mod:`archiver.store.export`); PostgreSQL's JSON
functions space their output differently, so here rows come through a server-side
cursor, a thousand at a time, and Python writes each line by the rules the SQLite
SQL follows: compact JSON with text as is (``json_object``), list columns as lists;
CSV cells always quoted (numbers bare), lists joined, formula starts neutralised.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import IO, Any

from archiver.errors import StoreError
from archiver.store.export import (
    FORMATS,
    LIST_COLUMNS,
    NUMBER_COLUMNS,
    Selection,
    check_fields,
    write_lines,
)
from archiver.store.postgres.connection import translate

__all__ = ["export"]

_FETCH_ROWS = 1000
#: What the SQLite export joins the items of a list column with in a CSV cell.
_JOINERS = {"warnings": "; ", "captions": "\n"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _json_line(columns: Sequence[str], row: Sequence[Any]) -> str:
    record = {}
    for name, value in zip(columns, row, strict=True):
        record[name] = json.loads(value) if name in LIST_COLUMNS and value is not None else value
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _csv_cell(name: str, value: Any, raw: bool) -> str:
    if name in NUMBER_COLUMNS:
        return "" if value is None else str(value)
    if name in LIST_COLUMNS and value is not None:
        items = json.loads(value)
        value = _JOINERS[name].join(map(_item, items)) if items else None
    if value is None:
        return ""
    if not raw and value.startswith(_FORMULA_STARTS):
        value = "'" + value
    return '"' + value.replace('"', '""') + '"'


def _item(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _rows(conn: Any, columns: Sequence[str], selection: Selection) -> Iterator[list[Any]]:
    where, params = selection.where("postgresql")
    sql = translate(
        f"SELECT {', '.join(f'a.{c}' for c in columns)} FROM articles a{where} ORDER BY a.id",
        True,
    )
    raw = conn.raw
    with raw.transaction(), raw.cursor(name="archiver_export") as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            yield rows


def export(
    conn: Any,
    *,
    format: str = "jsonl",
    selection: Selection | None = None,
    fields: Sequence[str] | None = None,
    raw: bool = False,
    out: IO[str],
    bom: bool = False,
) -> int:
    """:func:`archiver.store.export.export` on a PostgreSQL archive."""
    selection = selection or Selection()
    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}; use jsonl or csv")
    columns = check_fields(fields)
    if format == "jsonl":
        lines = (
            [_json_line(columns, row) for row in rows] for rows in _rows(conn, columns, selection)
        )
    else:
        lines = (
            [
                ",".join(_csv_cell(n, v, raw) for n, v in zip(columns, row, strict=True))
                for row in rows
            ]
            for rows in _rows(conn, columns, selection)
        )
    return write_lines(out, lines, format=format, columns=columns, bom=bom)
