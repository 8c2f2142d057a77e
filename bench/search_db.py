"""A search benchmark's archive built fast: the articles and their index, nothing else.

    python bench/search_db.py base out/base.db --articles 500000    # articles and sites rows
    cp out/base.db out/am8.db
    python bench/search_db.py index out/am8.db --automerge 8          # the full-text index
    python bench/search_db.py index out/am8.db --optimize             # one segment after it
    python bench/search_db.py structure out/am8.db                    # segments per level
    python bench/store.py --search --articles 500000 --db out/am8.db  # bench/store.py's queries

``bench/store.py``'s search database is built by ``Archive.save_many`` (dedup, raw pages,
fetches, signatures, buckets): at 500,000 articles that takes hours on a loaded machine,
and building it once per FTS5 setting is out of reach. Search reads the ``articles`` rows
(with their index on ``(site, published_at)``) and the full-text index only, so this
builds those: the same pages as ``bench/store.py``'s build (``Corpus(5)``, the same
``item``), their article rows as the writer stores them (``article_records``), an exact
copy of a stored text left out as the writer would keep it as an alias. The index is
filled apart, from the rows in id order, ``--batch`` articles a transaction as
``save_many`` writes them: FTS5's segments depend only on the index's own inserts and
the transactions that commit them, so each setting (``automerge``, ``crisismerge``, a
final ``optimize``) gets the segments a crawl with it would have left (checked at 20,000
articles against ``save_many``'s archive: the same ``articles_fts_data`` rows).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from archiver.store import Archive  # noqa: E402
from archiver.store.fts import FTS_COLUMNS, index_text  # noqa: E402
from archiver.store.prepare import article_records  # noqa: E402
from archiver.store.schema import FTS_TABLE  # noqa: E402
from archiver.store.writer import ARTICLE_COLUMNS  # noqa: E402
from store import item  # noqa: E402
from vi_corpus import Corpus  # noqa: E402


def _pages(seed: int, count: int, batch: int, part: int, parts: int, out: Any) -> None:
    """Worker ``part`` of ``parts``: the article rows (without id) of every ``parts``-th chunk of
    ``batch`` pages, its own ``Corpus(seed)`` writing them; a page's number (its URL and
    time) is its place in the whole run."""
    stream = Corpus(seed).stream(count)
    number = part * batch
    while True:
        chunk = [
            item(number + i, site, story)
            for i, (site, story) in zip(range(batch), stream, strict=False)
        ]
        if not chunk:
            break
        records = article_records(
            [(article, exchange.final_url, exchange.url, ()) for exchange, article in chunk]
        )
        rows = []
        for (exchange, _), record in zip(chunk, records, strict=True):
            seen = exchange.fetched_at.isoformat(timespec="seconds")
            values = {
                "url": record.canonical,
                "site": record.site,
                **record.fields,
                "view_count": record.view_count,
                "content_hash": record.content_hash,
                "minhash": record.signature,
                "first_seen_at": seen,
                "last_seen_at": seen,
                "content_since": seen,
                "extractor_version": "bench",
            }
            rows.append(values)
        out.put(rows)
        number += parts * batch
    out.put(None)


def base(path: Path, count: int, batch: int, parts: int) -> None:
    """``count`` article rows (and their sites) as ``bench/store.py``'s build stores them;
    with ``parts`` > 1, written by that many corpora (seeds 5, 105, ...) in turn."""
    with Archive(path):
        pass  # the schema, as the archive creates it
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    share = [count // parts + (part < count % parts) for part in range(parts)]
    queues = [multiprocessing.Queue(4) for _ in range(parts)]
    workers = [
        multiprocessing.Process(
            target=_pages, args=(5 + 100 * part, share[part], batch, part, parts, queues[part])
        )
        for part in range(parts)
    ]
    for worker in workers:
        worker.start()
    urls: set[str] = set()
    hashes: set[str] = set()
    sites: set[str] = set()
    next_id, done, start = 1, 0, time.perf_counter()
    columns = [c for c in ARTICLE_COLUMNS if c != "fetch_id"]
    insert = f"INSERT INTO articles({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    live = list(queues)
    while live:
        for queue in list(live):
            chunk = queue.get()
            if chunk is None:
                live.remove(queue)
                continue
            done += len(chunk)
            rows = []
            for values in chunk:
                if values["url"] in urls or values["content_hash"] in hashes:
                    continue  # the writer would keep it as the stored article's alias
                urls.add(values["url"])
                hashes.add(values["content_hash"])
                values.update(id=next_id, story_id=next_id)
                rows.append(tuple(values[c] for c in columns))
                next_id += 1
            conn.execute("BEGIN")
            for site in {row[columns.index("site")] for row in rows} - sites:
                conn.execute(
                    "INSERT INTO sites(name, base_url, first_seen_at) VALUES (?, ?, ?)",
                    (site, f"https://{site}.example.vn/", "2024-01-01T00:00:00+07:00"),
                )
                sites.add(site)
            conn.executemany(insert, rows)
            conn.execute("COMMIT")
            rate = done / (time.perf_counter() - start)
            print(
                f"  {done:,} pages, {next_id - 1:,} articles, {rate:,.0f}/s", end="\r", flush=True
            )
    for worker in workers:
        worker.join()
    print()
    conn.close()


def index(path: Path, batch: int, settings: dict[str, int], optimize: bool) -> None:
    """Fill the full-text index from the rows, ``batch`` articles a transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    for name, value in settings.items():
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES (?, ?)", (name, value))
    start = time.perf_counter()
    if not optimize:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        names = ", ".join(FTS_COLUMNS)
        marks = ", ".join("?" * len(FTS_COLUMNS))
        insert = f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (?, {marks})"
        cursor = conn.cursor()
        cursor.execute(f"SELECT id, {names} FROM articles ORDER BY id")
        done = 0
        while rows := cursor.fetchmany(batch):
            conn.execute("BEGIN")
            conn.executemany(insert, [(rowid, *map(index_text, texts)) for rowid, *texts in rows])
            conn.execute("COMMIT")
            done += len(rows)
            rate = done / (time.perf_counter() - start)
            print(f"  {done:,} articles indexed, {rate:,.0f}/s", end="\r", flush=True)
        print()
    else:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        print(f"optimized in {time.perf_counter() - start:.0f} s")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def follow(source: Path, path: Path, batch: int, settings: dict[str, int], idle: float) -> None:
    """Copy ``source``'s article rows (and sites) into a new archive at ``path`` as they are
    written there, with their index entries, ``batch`` articles a transaction; stops when
    no new row came for ``idle`` seconds."""
    with Archive(path):
        pass
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
    for name, value in settings.items():
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES (?, ?)", (name, value))
    names = ", ".join(FTS_COLUMNS)
    insert = (
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (?, {', '.join('?' * len(FTS_COLUMNS))})"
    )
    columns = ", ".join(c for c in ARTICLE_COLUMNS if c != "fetch_id")
    done, start, last = 0, time.perf_counter(), time.monotonic()
    while True:
        have = conn.execute("SELECT max(id) FROM src.articles").fetchone()[0] or 0
        if have - done < batch:
            if time.monotonic() - last > idle and have == done:
                break
            if time.monotonic() - last <= idle:
                time.sleep(2)
                continue
        upto = min(done + batch, have)
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO sites SELECT * FROM src.sites")
        conn.execute(
            f"INSERT INTO articles({columns}) SELECT {columns} FROM src.articles "
            "WHERE id > ? AND id <= ? ORDER BY id",
            (done, upto),
        )
        rows = conn.execute(
            f"SELECT id, {names} FROM articles WHERE id > ? ORDER BY id", (done,)
        ).fetchall()
        conn.executemany(insert, [(rowid, *map(index_text, texts)) for rowid, *texts in rows])
        conn.execute("COMMIT")
        done, last = upto, time.monotonic()
        rate = done / (time.perf_counter() - start)
        print(f"  {done:,} articles copied and indexed, {rate:,.0f}/s", end="\r", flush=True)
    print()
    conn.execute("DETACH DATABASE src")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def structure(path: Path) -> None:
    """The index's segments per level (FTS5's structure record, via fts5_structure if built in,
    else counted from the segment rows' ids)."""
    conn = sqlite3.connect(path)
    config = dict(conn.execute(f"SELECT k, v FROM {FTS_TABLE}_config").fetchall())
    segments = conn.execute(
        f"SELECT count(DISTINCT id >> 37) FROM {FTS_TABLE}_data WHERE id >> 37 > 0"
    ).fetchone()[0]
    pages = conn.execute(f"SELECT count(*) FROM {FTS_TABLE}_data").fetchone()[0]
    print(f"{path.name}: config {config}, {segments} segments, {pages:,} data rows")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("base", "index", "follow", "structure"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--source", type=Path, help="follow: the base archive copied")
    parser.add_argument("--idle", type=float, default=180, help="follow: seconds without new rows")
    parser.add_argument("--articles", type=int, default=500_000)
    parser.add_argument("--parts", type=int, default=1, help="corpora writing pages in turn")
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--automerge", type=int)
    parser.add_argument("--crisismerge", type=int)
    parser.add_argument("--optimize", action="store_true", help="merge the index into one segment")
    args = parser.parse_args()
    if args.mode == "base":
        base(args.path, args.articles, args.batch, args.parts)
    elif args.mode in ("index", "follow"):
        settings = {
            name: value
            for name, value in (("automerge", args.automerge), ("crisismerge", args.crisismerge))
            if value is not None
        }
        if args.mode == "index":
            index(args.path, args.batch, settings, args.optimize)
        else:
            follow(args.source, args.path, args.batch, settings, args.idle)
    else:
        structure(args.path)


if __name__ == "__main__":
    main()
