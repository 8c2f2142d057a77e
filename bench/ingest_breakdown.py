"""Where an article's CPU goes in ``Archive.save_many``: each preparing step, each statement.

    python bench/ingest_breakdown.py                 # 5,000 articles with 3 KB pages
    python bench/ingest_breakdown.py --page 50000    # with 50 KB pages

The articles are bench/store.py's (synthetic Vietnamese news, 5 % near-copies). Each
preparing step is timed alone over the whole batch (CPU time, µs per article); then the
batch is saved (500 per transaction) through a cursor that times every statement, and the
COMMITs. The parts are measured apart, so their sum is near, not equal to, the whole
``save_many`` it prints last.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from archiver.store import Archive  # noqa: E402
from archiver.store.dedup import band_keys_many, minhash_many, url_identity  # noqa: E402
from archiver.store.folding import fold_many, hash_keys  # noqa: E402
from archiver.store.fts import index_text  # noqa: E402
from archiver.store.rows import compress, headers_json  # noqa: E402
from store import clean, items  # noqa: E402


def timed(name: str, count: int, work: Callable[[], Any]) -> Any:
    start = time.process_time()
    result = work()
    print(f"  {name:<44}{(time.process_time() - start) / count * 1e6:>8.1f} µs")
    return result


class TimingCursor:
    """A cursor that adds each statement's CPU time to ``spent`` (by its first 60 chars)."""

    def __init__(self, cursor: Any, spent: dict[str, list[float]]) -> None:
        self.cursor = cursor
        self.spent = spent

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)

    def _run(self, method: str, sql: str, *args: Any) -> Any:
        start = time.process_time()
        result = getattr(self.cursor, method)(sql, *args)
        rows = result.fetchall() if sql.lstrip().upper().startswith("SELECT") else None
        entry = self.spent.setdefault(" ".join(sql.split())[:60], [0, 0.0])
        entry[0] += 1
        entry[1] += time.process_time() - start
        return _Rows(rows) if rows is not None else result

    def execute(self, sql: str, *args: Any) -> Any:
        return self._run("execute", sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._run("executemany", sql, *args)


class _Rows(list):
    def __init__(self, rows: list) -> None:
        super().__init__(rows)

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list:
        return list(self)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--page", type=int, default=3000, help="raw page size in bytes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    batch = items(args.articles, seed=3, page=args.page)
    count = len(batch)
    articles = [article for _, article in batch]
    print(f"{count:,} articles, {args.page:,}-byte pages: CPU µs per article")
    print("preparing")
    timed(
        "URL identity (canonical URL, aliases)",
        count,
        lambda: [
            url_identity(a.canonical_url, a.url, e.final_url, e.url, e.redirects) for e, a in batch
        ],
    )
    texts = [
        text
        for a in articles
        for text in (a.title, a.lead, a.body, json.dumps(list(a.captions), ensure_ascii=False))
    ]
    folds = timed(
        "fold + content key + đ-words: all texts (batch)",
        count,
        lambda: [
            fold
            for start in range(0, len(texts), 2000)
            for fold in fold_many(texts[start : start + 2000], [True, False, True, False] * 500)
        ],
    )
    titles, bodies = folds[0::4], folds[2::4]
    timed(
        "content hash",
        count,
        lambda: [hash_keys(t[1], b[1]) for t, b in zip(titles, bodies, strict=True)],
    )
    signatures = timed(
        "MinHash of the batch (word ids, shingles, sort)",
        count,
        lambda: minhash_many([b[0] for b in bodies]),
    )
    timed("LSH band keys (batch)", count, lambda: band_keys_many(signatures))
    timed(
        "index text: title and body (folded + đ-words)",
        count,
        lambda: [
            (index_text(a.title, t[0], t[2]), index_text(a.body, b[0], b[2]))
            for a, t, b in zip(articles, titles, bodies, strict=True)
        ],
    )
    timed(
        "index text: lead and captions",
        count,
        lambda: [
            (index_text(a.lead, lead[0], lead[2]), index_text(c, captions[0], captions[2]))
            for a, lead, captions in zip(articles, folds[1::4], folds[3::4], strict=True)
            for c in [json.dumps(list(a.captions), ensure_ascii=False)]
        ],
    )
    timed(
        "SHA-256 of the raw page",
        count,
        lambda: [hashlib.sha256(e.body).hexdigest() for e, _ in batch],
    )
    timed("zstd 3 of the raw page", count, lambda: [compress(e.body, 3) for e, _ in batch])
    timed(
        "headers and redirects as JSON",
        count,
        lambda: [
            (headers_json(e.request_headers), headers_json(e.response_headers)) for e, _ in batch
        ],
    )
    path = args.out / "bench-breakdown.db"
    args.out.mkdir(parents=True, exist_ok=True)
    clean(path)
    with Archive(path) as archive:
        database = archive.database
        prepared = timed(
            "prepare_many, whole (the steps above and the rest)",
            count,
            lambda: [
                p
                for start in range(0, count, 500)
                for p in database.prepare_many(
                    [(e, a, None) for e, a in batch[start : start + 500]]
                )
            ],
        )
        spent: dict[str, list[float]] = {}
        writer = database._writer
        writer.cur = TimingCursor(writer.cur, spent)
        from archiver.store.archive import _save_all

        commits = 0.0
        start_all = time.process_time()
        for start in range(0, count, 500):
            chunk = prepared[start : start + 500]
            database.begin_write()
            writer.begin()
            _save_all(writer, chunk, None, "bench")
            writer.flush()  # the rows the batch held back (Writer.batch_rows): timed above
            begun = time.process_time()
            database.conn.execute("COMMIT")
            commits += time.process_time() - begun
        writing = time.process_time() - start_all
    print("writing")
    for sql, (calls, seconds) in sorted(spent.items(), key=lambda kv: -kv[1][1]):
        if seconds / count * 1e6 >= 0.5:
            print(f"  {seconds / count * 1e6:>6.1f} µs {calls:>6} × {sql}")
    print(f"  {commits / count * 1e6:>6.1f} µs COMMIT (the FTS segment, pages to the WAL)")
    print(f"  {writing / count * 1e6:>6.1f} µs writing, whole")
    clean(path)
    with Archive(path) as archive:
        timed("save_many, whole", count, lambda: archive.save_many(batch, batch_size=500))
    clean(path)


if __name__ == "__main__":
    main()
