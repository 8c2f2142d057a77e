"""Did two crawls of the bench leave the same archive? Every row, keyed by URL, times aside.

    python bench/main_count.py --pages 1500 --results R.pkl --keep A.db    # old code
    python bench/main_count.py --pages 1500 --results R.pkl --keep B.db    # new code
    python bench/same_crawl.py A.db B.db [--warc A-warc B-warc]

``bench/same_archive.py`` compares archives built from one fixed input, row ids and all.
A crawl's archive depends on timing too (which turn ended first: row ids, the order of
commits), so here rows are matched by what names them — a fetch by its URL and the
fetch's number among that URL's, an article, an alias and a frontier row by URL, a body
by its SHA-256 — and row ids are replaced by the URL they stand for. Columns set from the
clock (``fetched_at``, ``elapsed``, ``first_seen_at``, ``next_fetch_at``...), the run's id
and the bench network's ``Date`` header are left out. With ``--warc``, the WARC records
of both crawls (``crawl --warc``) are compared the same way: headers but the record's id
and date, and the payload.

Two crawls stopped by a page budget end on different pages (the few their timing let them
reach first: two runs of the same code differ by about ten of 1,500): the URLs only one of
them fetched are named, and every row naming one of them is counted apart. Prints, per
table, the other rows only one archive holds and the rows that differ (the first few of
each); exit status 0 when none do.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

#: Columns of the clock, or of the run, never compared.
SKIPPED = {
    "id",
    "run_id",
    "fetched_at",
    "elapsed",
    "first_seen_at",
    "last_seen_at",
    "content_since",
    "next_fetch_at",
    "discovered_at",
    "last_fetch_at",
    "observed_at",
    "found_at",
    "seen_from",
    "seen_until",
    "lease_until",
    # Where a fetch's WARC record is: the order of the records (compared with --warc).
    "warc_file",
    "warc_offset",
    "warc_length",
}
#: Columns holding a row id of another table, compared as the URL that row stands for.
REFERENCES = {
    "fetch_id": "fetch",
    "article_id": "article",
    "duplicate_of": "article",
    "story_id": "article",
}
SHOWN = 5


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


class Archive:
    """One crawl's archive, its rows keyed by URL."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.fetch_url = dict(self.conn.execute("SELECT id, url FROM fetches"))
        self.article_url = dict(self.conn.execute("SELECT id, url FROM articles"))

    def _value(self, column: str, value: Any) -> Any:
        kind = REFERENCES.get(column)
        if kind == "fetch":
            return self.fetch_url.get(value, value)
        if kind == "article":
            return self.article_url.get(value, value)
        if column == "response_headers" and isinstance(value, str):
            headers = json.loads(value)
            return json.dumps([h for h in headers if str(h[0]).lower() != "date"])
        return value

    def rows(self, table: str, key: tuple[str, ...]) -> dict[Any, tuple]:
        """``table``'s rows by ``key`` (columns, after references became URLs); a key
        met again gets its rank among its rows (``#2``...) in id order."""
        columns = [c for c in _columns(self.conn, table) if c not in SKIPPED or c in key]
        order = "id" if "id" in _columns(self.conn, table) else "1"
        found: dict[Any, tuple] = {}
        seen: dict[Any, int] = defaultdict(int)
        for row in self.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"):
            values = {c: self._value(c, v) for c, v in zip(columns, row, strict=True)}
            name = tuple(values[c] for c in key)
            seen[name] += 1
            found[(*name, seen[name])] = tuple((c, values[c]) for c in columns if c not in key)
        return found


#: Tables and the columns that name a row.
TABLES = {
    "articles": ("url",),
    "article_urls": ("url",),
    "article_versions": ("article_id", "content_hash"),
    "fetches": ("url",),
    "bodies": ("sha256",),
    "frontier": ("url",),
    "view_counts": ("article_id",),
    "near_duplicates": ("article_id", "duplicate_of"),
    "minhash_bands": ("band_key", "article_id"),
    "sites": ("name",),
}


def edge_urls(a: Archive, b: Archive) -> set[str]:
    """URLs only one crawl fetched: a crawl stopped by its page budget ends on the pages its
    timing let it reach first, so two runs of the same code differ by a few (and by what
    those pages led to)."""
    fetched = [set(a.fetch_url.values()), set(b.fetch_url.values())]
    return fetched[0] ^ fetched[1]


def _at_edge(name: tuple, edge: set[str]) -> bool:
    return any(part in edge for part in name if isinstance(part, str))


def compare_rows(a: Archive, b: Archive) -> int:
    problems = 0
    edge = edge_urls(a, b)
    print(f"{len(edge)} URLs fetched by one crawl only: their rows are counted apart")
    for table, key in TABLES.items():
        left, right = a.rows(table, key), b.rows(table, key)
        at_edge = {k for k in set(left) | set(right) if _at_edge(k, edge)}
        if table == "bodies":  # an edge page's body, by its hash
            at_edge |= set(left) ^ set(right)
        only_a = sorted(set(left) - set(right) - at_edge, key=repr)
        only_b = sorted(set(right) - set(left) - at_edge, key=repr)
        common = set(left) & set(right) - at_edge
        differ = sorted((k for k in common if left[k] != right[k]), key=repr)
        print(
            f"{table}: {len(left)} and {len(right)} rows, {len(at_edge)} of edge URLs; of the "
            f"rest {len(only_a)} only in the first, {len(only_b)} only in the second, "
            f"{len(differ)} of {len(common)} differ"
        )
        for name in only_a[:SHOWN]:
            print(f"  only in the first: {name}")
        for name in only_b[:SHOWN]:
            print(f"  only in the second: {name}")
        for name in differ[:SHOWN]:
            changed = [
                (x[0], x[1], y[1]) for x, y in zip(left[name], right[name], strict=True) if x != y
            ]
            print(f"  differs: {name}: {str(changed)[:300]}")
        problems += len(only_a) + len(only_b) + len(differ)
    return problems


#: WARC headers that hold the record's own identity or the clock.
WARC_SKIPPED = {
    "warc-record-id",
    "warc-date",
    "warc-concurrent-to",
    "warc-refers-to",
    "warc-filename",
}


def warc_records(directory: Path) -> dict[Any, tuple]:
    """Every record of the WARC files in ``directory`` by (type, target URI, rank)."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[Any, tuple] = {}
    seen: dict[Any, int] = defaultdict(int)
    for path in sorted(directory.rglob("*.warc*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                headers = [
                    (k.lower(), v)
                    for k, v in record.rec_headers.headers
                    if k.lower() not in WARC_SKIPPED
                ]
                http = record.http_headers.headers if record.http_headers else []
                http = [(k.lower(), v) for k, v in http if k.lower() != "date"]
                payload = record.content_stream().read()
                name = (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"))
                seen[name] += 1
                found[(*name, seen[name])] = (tuple(sorted(headers)), tuple(http), payload)
    return found


def compare_warcs(a: Path, b: Path, edge: set[str]) -> int:
    left, right = warc_records(a), warc_records(b)
    at_edge = {k for k in set(left) | set(right) if _at_edge(k, edge)}
    only = (set(left) ^ set(right)) - at_edge
    common = set(left) & set(right) - at_edge
    differ = [k for k in common if left[k] != right[k]]
    print(
        f"WARC records: {len(left)} and {len(right)}, {len(at_edge)} of edge URLs; of the rest "
        f"{len(only)} in one only, {len(differ)} of {len(common)} differ"
    )
    for name in sorted(only, key=repr)[:SHOWN]:
        print(f"  in one only: {name}")
    for name in sorted(differ, key=repr)[:SHOWN]:
        print(f"  differs: {name}")
    return len(only) + len(differ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--warc", nargs=2, type=Path, metavar=("FIRST", "SECOND"))
    args = parser.parse_args(argv)
    first, second = Archive(args.first), Archive(args.second)
    problems = compare_rows(first, second)
    if args.warc:
        problems += compare_warcs(*args.warc, edge_urls(first, second))
    print("same archive" if not problems else f"{problems} rows differ")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
