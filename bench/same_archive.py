"""Build an archive from a fixed, deterministic input, or compare two archives row by row.

    python bench/same_archive.py build OUT.db [--src DIR]   # save_many with the code in DIR
    python bench/same_archive.py compare A.db B.db          # every table, every column

To check that a change to the ingest path stores the same bytes, build once with the
old code (``--src /path/to/main/src``) and once with the new, then compare. The input
covers what dedup decides: new articles (a third of them redirected: new aliases),
near-copies on other sites, exact copies under other URLs (content aliases), redirects and
tracking-parameter aliases, refetches with new text (versions, re-indexing), refetches with
new metadata or view counts, older copies arriving late, syndicated copies naming another
site's page as canonical, text outside the fast folding path, and fetches that gave no
article. Columns holding the wall-clock
time of the run (``sites.first_seen_at``) are left out of the comparison.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Columns set from the clock at save time, not from the input.
CLOCK_COLUMNS = {("sites", "first_seen_at")}


def build(out: Path, src: Path, count: int, batch: int) -> None:
    sys.path.insert(0, str(src))
    from archiver.store import Archive  # first: bench/store.py puts this tree's src on the path

    sys.path.insert(1, str(ROOT / "bench"))
    from store import clean, items  # the benchmark's pages

    clean(out)
    first = items(count, seed=21, page=3_000, aliased=30)
    later = []
    for n, (exchange, article) in enumerate(first[: count // 2]):
        when = exchange.fetched_at + timedelta(days=1 + n % 3)
        body = article.body or ""
        kind = n % 10
        if kind == 0:  # the same article, text edited: a new version
            article = replace(article, body=body.replace(" và ", " cùng ", 2) + " Cập nhật.")
        elif kind == 1:  # the same text under another URL on the same site: a content alias
            url = article.url.replace(".html", "-copy.html")
            article = replace(article, url=url, canonical_url=url)
            exchange = replace(exchange, url=url, final_url=url)
        elif kind == 2:  # redirected, with tracking parameters
            exchange = replace(
                exchange,
                url=article.url.replace("bai-viet", "r") + "?utm_source=x",
                final_url=article.url + "?utm_medium=y#top",
                redirects=(article.url + "?utm_medium=y",),
            )
        elif kind == 3:  # new view count and author
            article = replace(article, view_count=(article.view_count or 0) + 7, author="Minh")
        elif kind == 4:  # a syndicated copy on another site naming the original
            url = article.url.replace(article.site or "", "baokhac")
            article = replace(
                article, url=url, canonical_url=article.url, site="baokhac", title=article.title
            )
            exchange = replace(exchange, url=url, final_url=url)
        elif kind == 5:  # an older copy arriving late, with other text
            when = exchange.fetched_at - timedelta(days=2)
            article = replace(article, body=body[: len(body) // 2] + " Bản cũ.")
        elif kind == 6:  # text outside the fast folding path, and decomposed (NFD) marks
            article = replace(
                article,
                title=(article.title or "") + " 中文 Ελλάδα",
                body="Cafe\u0301 Đà Nẵng ﬁ İstanbul. " + body,
            )
        elif kind == 7:  # not an article
            article = replace(article, title=None, body=None)
        elif kind == 8:  # captions and a lead found this time
            article = replace(article, captions=("Ảnh: Đà Nẵng về đêm",), lead="Đầu tiên, đó là")
        later.append((replace(exchange, fetched_at=when), article))
    with Archive(out) as archive:
        archive.save_many(first, batch_size=batch)
        archive.save_many(later, batch_size=batch)
        archive.save_many(later[::7], batch_size=batch)  # seen again: unchanged


def rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple]]:
    columns = [
        row[1]
        for row in conn.execute(f"PRAGMA table_info({table})")
        if (table, row[1]) not in CLOCK_COLUMNS
    ]
    order = ", ".join(str(i + 1) for i in range(len(columns)))
    data = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    return columns, data


def compare(a: Path, b: Path) -> int:
    one, two = sqlite3.connect(a), sqlite3.connect(b)
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'articles_fts_%' ORDER BY name"
    )
    tables = [row[0] for row in one.execute(listing)]
    if tables != [row[0] for row in two.execute(listing)]:
        print("the two archives have different tables")
        return 1
    differences = 0
    for table in tables:
        if table == "articles_fts":  # compared through its index below
            continue
        columns, left = rows(one, table)
        right = rows(two, table)[1]
        same = left == right
        differences += not same
        print(f"{table:<18}{len(left):>8} rows  {'same' if same else 'DIFFERENT'}")
        if not same:
            for x, y in zip(left, right, strict=False):
                if x != y:
                    print(
                        "   first difference:",
                        [(c, p, q) for c, p, q in zip(columns, x, y, strict=True) if p != q],
                    )
                    break
    # The full-text index itself: every (term, column, document, position) it holds.
    for conn in (one, two):
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
            "USING fts5vocab(main, articles_fts, instance)"
        )
    query = "SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY 1, 2, 3, 4"
    left, right = one.execute(query).fetchall(), two.execute(query).fetchall()
    same = left == right
    differences += not same
    print(f"{'articles_fts':<18}{len(left):>8} term instances  {'same' if same else 'DIFFERENT'}")
    print("identical" if not differences else f"{differences} tables differ")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    making = sub.add_parser("build")
    making.add_argument("out", type=Path)
    making.add_argument("--src", type=Path, default=ROOT / "src")
    making.add_argument("--articles", type=int, default=3000)
    making.add_argument("--batch", type=int, default=500)
    checking = sub.add_parser("compare")
    checking.add_argument("a", type=Path)
    checking.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        build(args.out, args.src.resolve(), args.articles, args.batch)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
