"""Moving an archive between engines (``archiver migrate``): SQLite → PostgreSQL and back.

Every table is copied with its ids, a batch per transaction, in an order the foreign
keys accept; ``fetches`` and ``articles`` point at each other, so fetches are copied
without their article first and linked once the articles are in. The destination's
full-text index is written as the articles arrive (each engine its own). Progress is
kept in the destination's ``archive_meta`` (``migrate:<step>`` = the last key copied),
so an interrupted migration resumes where it stopped, and a destination that already
holds another archive is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from archiver.errors import StoreError
from archiver.store.database import Database
from archiver.store.fts import FTS_COLUMNS, index_text

__all__ = ["STEPS", "Step", "copy_archive"]

BATCH = 1000


@dataclass(frozen=True, slots=True)
class Step:
    """One table's copy: its key (ordered, unique) and what is left out or done after."""

    table: str
    key: tuple[str, ...]
    #: Columns written as NULL in this step (filled by a later one).
    deferred: tuple[str, ...] = ()
    #: Only fill ``deferred`` columns of rows already copied (no insert).
    link: bool = False


STEPS: tuple[Step, ...] = (
    Step("archive_meta", ("key",)),
    Step("sites", ("name",)),
    Step("crawl_runs", ("id",)),
    Step("bodies", ("sha256",)),
    Step("fetches", ("id",), deferred=("article_id",)),
    Step("articles", ("id",)),
    Step("fetches", ("id",), deferred=("article_id",), link=True),
    Step("article_urls", ("url",)),
    Step("article_versions", ("id",)),
    Step("view_counts", ("article_id", "observed_at")),
    Step("near_duplicates", ("article_id", "duplicate_of")),
    Step("minhash_bands", ("band_key", "article_id")),
    Step("frontier", ("id",)),
)
#: ``archive_meta`` keys that belong to the destination, never copied over it.
_OWN_META = ("migrate:", "migrated_from", "fold_probe", "minhash_probe", "content_probe")


def _columns(database: Database, table: str) -> list[str]:
    if database.engine == "postgresql":
        rows = database.conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]
    return [row[1] for row in database.conn.execute(f"PRAGMA table_info({table})")]


def _batches(source: Database, step: Step, columns: list[str], after: Any) -> Iterator[list[Any]]:
    keys = ", ".join(step.key)
    order = f" ORDER BY {keys}"
    while True:
        if after is None:
            where, params = "", ()
        elif len(step.key) == 1:
            where, params = f" WHERE {step.key[0]} > ?", (after,)
        else:
            where = f" WHERE ({keys}) > ({', '.join('?' * len(step.key))})"
            params = tuple(after)
        with source.reading(f"reading {step.table}") as conn:
            rows = conn.execute(
                f"SELECT {', '.join(columns)} FROM {step.table}{where}{order} LIMIT {BATCH}",
                params,
            ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][: len(step.key)]
        after = last[0] if len(step.key) == 1 else list(last)


def _progress(writer: Any, name: str) -> Any:
    row = writer.cur.execute("SELECT value FROM archive_meta WHERE key = ?", (name,)).fetchone()
    if row is None:
        return None
    import json

    return json.loads(row[0])


def _save_progress(writer: Any, name: str, value: Any) -> None:
    import json

    writer.cur.execute(
        "INSERT OR REPLACE INTO archive_meta(key, value) VALUES (?, ?)", (name, json.dumps(value))
    )


def _claim_destination(source: Database, destination: Database) -> None:
    """Refuse a destination holding another archive; mark it as this source's copy."""
    with destination.transaction("checking the destination") as writer:
        mark = _progress(writer, "migrated_from")
        if mark is None:
            filled = writer.cur.execute("SELECT count(*) FROM fetches").fetchone()[0]
            if filled:
                raise StoreError(
                    f"{destination.path} already holds an archive ({filled:,} fetches); "
                    "migrate into an empty one"
                )
            _save_progress(writer, "migrated_from", source.path)
        elif mark != source.path:
            raise StoreError(
                f"{destination.path} holds a migration from {mark}, not from {source.path}"
            )


def _write_rows(
    writer: Any, step: Step, columns: list[str], rows: list[Any], destination: Database
) -> None:
    if step.link:
        keyed = [(row[-1], row[0]) for row in rows if row[-1] is not None]
        writer.cur.executemany("UPDATE fetches SET article_id = ? WHERE id = ?", keyed)
        return
    values = [
        tuple(
            None if name in step.deferred else value
            for name, value in zip(columns, row, strict=True)
        )
        for row in rows
    ]
    if step.table == "archive_meta":
        values = [v for v in values if not str(v[0]).startswith(_OWN_META)]
    marks = ", ".join("?" * len(columns))
    writer.cur.executemany(
        f"INSERT OR IGNORE INTO {step.table}({', '.join(columns)}) VALUES ({marks})", values
    )
    if step.table == "articles":
        positions = [columns.index(name) for name in FTS_COLUMNS]
        for row in rows:
            texts = [index_text(row[i]) for i in positions]
            writer.fts_insert(writer.cur, row[columns.index("id")], *texts)


def copy_archive(
    source: Database, destination: Database, *, report: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every row of ``source`` into ``destination``; rows copied per table.

    Resumable: run it again after an interruption and it goes on from the last batch.
    """
    _claim_destination(source, destination)
    copied: dict[str, int] = {}
    for number, step in enumerate(STEPS):
        name = f"migrate:{number}:{step.table}"
        theirs = set(_columns(destination, step.table))
        columns = [c for c in _columns(source, step.table) if c in theirs]
        # Keys first, so a batch's last row gives the resume point.
        columns = [*step.key, *(c for c in columns if c not in step.key)]
        if step.link:
            columns = [*step.key, "article_id"]
        with destination.transaction("reading the migration's progress") as writer:
            after = _progress(writer, name)
            if after == "done":
                continue
        for rows in _batches(source, step, columns, after):
            with destination.transaction(f"copying {step.table}") as writer:
                _write_rows(writer, step, columns, rows, destination)
                last = rows[-1][: len(step.key)]
                _save_progress(writer, name, last[0] if len(step.key) == 1 else list(last))
            copied[step.table] = copied.get(step.table, 0) + (0 if step.link else len(rows))
            if report is not None:
                report(step.table, copied[step.table])
        with destination.transaction("recording the migration's progress") as writer:
            _save_progress(writer, name, "done")
            if destination.engine == "postgresql" and step.key == ("id",):
                writer.cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{step.table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {step.table}), 0) + 1, false)"
                )
    return copied
