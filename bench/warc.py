"""WARC figures: import throughput, and what writing WARCs costs a crawl.

    python bench/warc.py                 # 25 copies of the demo articles, best of 3
    python bench/warc.py --copies 60 --runs 5 --workers 4

Import: a WARC is generated with :class:`archiver.warc.WarcWriter` from the demo
website's pages (``archiver.demo``): every demo article ``--copies`` times under new
ids and titles (so each copy is a distinct article), plus the listings, feeds and
robots.txt once, each exchange as a response and a request record. It is imported into
a fresh archive with ``archiver.warc.import_warcs``; records/s counts every record
read, articles/s the new articles stored (extraction and dedup included).

Crawl overhead: the same crawl of the demo website (``build_site()`` without its
robots.txt Crawl-delay, in-process ``ReplayTransport``, no delay, parsing inline) into
a fresh archive, with and without ``warc=DIR``, best of ``--runs``; wall and CPU time.

No assertions: the script prints figures.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver.crawl import run_crawl
from archiver.crawl.config import make_plan
from archiver.demo import build_site, demo_articles, site_pages
from archiver.fetch.exchange import Exchange
from archiver.replay import Entry, ReplaySite, ReplayTransport, ResponseSpec
from archiver.store import Archive
from archiver.warc import WarcWriter, import_warcs, read_records

_DELAY = re.compile(r"(?im)^crawl-delay:.*\n")


def _exchange(
    url: str, status: int, headers: tuple[tuple[str, str], ...], body: bytes, moment: datetime
) -> Exchange:
    host = url.split("/")[2]
    return Exchange(
        url=url,
        final_url=url,
        status=status,
        fetched_at=moment,
        request_headers=(("Host", host), ("User-Agent", "archiver-bench/1.0")),
        response_headers=(*headers, ("Content-Length", str(len(body)))),
        body=body,
        http_version="HTTP/1.1",
        ip_address="127.0.0.1",
    )


def generate(directory: Path, copies: int) -> tuple[Path, int]:
    """A WARC of the demo site with every article ``copies`` times; (file, records)."""
    articles = {a.url: a for a in demo_articles()}
    moment = datetime(2024, 3, 5, tzinfo=UTC)
    with WarcWriter(directory, max_size=10**12) as writer:
        for page in site_pages():
            reply = page.replies[-1]
            body = (reply.body or "").encode()
            article = articles.get(page.url)
            if article is None:
                writer.write_exchange(
                    _exchange(page.url, reply.status, reply.headers, body, moment)
                )
                continue
            for copy in range(copies):
                new_id = f"{article.id}{copy:03d}"
                url = page.url.replace(str(article.id), new_id)
                variant = body.replace(str(article.id).encode(), new_id.encode()).replace(
                    article.title.encode(), f"{article.title} ({copy})".encode()
                )
                moment += timedelta(seconds=1)
                writer.write_exchange(_exchange(url, reply.status, reply.headers, variant, moment))
    (path,) = writer.files
    return path, sum(1 for _ in read_records(path))


def bench_import(copies: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path, records = generate(root / "warcs", copies)
        size = path.stat().st_size / 1e6
        print(f"generated {path.name}: {records:,} records, {size:.1f} MB")
        for count in sorted({0, workers}):
            with Archive(root / f"import-{count}.db") as archive:
                started = time.perf_counter()
                summary = import_warcs(archive, [path], workers=count)
                elapsed = time.perf_counter() - started
            new = summary.articles.get("new", 0)
            print(
                f"import, {count} worker processes: {elapsed:.2f} s, "
                f"{summary.records / elapsed:,.0f} records/s, {new / elapsed:,.1f} articles/s "
                f"({new:,} new articles, {summary.pages:,} HTML pages)"
            )


def unhurried_site() -> ReplaySite:
    """``build_site()`` without the portal's robots.txt Crawl-delay (0.1 s), which would
    make the crawl wait-bound and hide any CPU cost."""
    site = build_site()
    entries = [
        Entry(
            page.url,
            tuple(
                ResponseSpec(
                    status=r.status,
                    headers=r.headers,
                    text=_DELAY.sub("", r.body) if r.body else r.body,
                )
                for r in page.replies
            ),
        )
        for page in site_pages()
    ]
    assert len(entries) == len(site.urls)
    return ReplaySite(entries=entries)


def crawl_once(root: Path, warc: bool) -> tuple[float, float, int]:
    site = unhurried_site()
    today = datetime.now(UTC).date()
    plan = make_plan(
        ["tamky", "http://tinsonghan.example/"],
        overrides={"delay": 0.0, "retry_backoff": 0.01},
        since=today - timedelta(days=21),
    )
    started, cpu = time.perf_counter(), time.process_time()
    _, stats = run_crawl(
        plan,
        db=str(root / "archive.db"),
        transport=ReplayTransport(site),
        workers=0,
        live=False,
        quiet=True,
        warc=root / "warcs" if warc else None,
    )
    return time.perf_counter() - started, time.process_time() - cpu, stats.pages


def bench_crawl(runs: int) -> None:
    best: dict[bool, tuple[float, float, int]] = {}
    for _ in range(runs):
        for warc in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                elapsed, cpu, pages = crawl_once(Path(tmp), warc)
            if warc not in best or elapsed < best[warc][0]:
                best[warc] = (elapsed, cpu, pages)
    for warc in (False, True):
        elapsed, cpu, pages = best[warc]
        label = "with --warc   " if warc else "without --warc"
        print(
            f"demo crawl {label}: {pages} pages in {elapsed:.2f} s ({cpu:.2f} s CPU), "
            f"{pages / elapsed:,.0f} pages/s (best of {runs})"
        )
    print(
        f"WARC writing overhead: {best[True][0] / best[False][0] - 1:+.1%} crawl time, "
        f"{best[True][1] / best[False][1] - 1:+.1%} CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=25, help="copies of each demo article")
    parser.add_argument("--runs", type=int, default=3, help="crawl runs per variant (best of)")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes to compare")
    args = parser.parse_args()
    bench_import(args.copies, args.workers)
    bench_crawl(args.runs)


if __name__ == "__main__":
    main()
