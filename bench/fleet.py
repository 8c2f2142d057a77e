"""A fleet on one PostgreSQL archive: crawl pages/s with 1, 2 and 4 crawler processes, and
``save_many`` articles/s on PostgreSQL beside SQLite, in one run.

    python bench/fleet.py                                  # the server of ARCHIVER_BENCH_PG
    python bench/fleet.py --hosts 20 --articles 30 --crawlers 1 2 4
    ARCHIVER_BENCH_PG=postgresql://postgres@127.0.0.1:5432/test python bench/fleet.py

- crawl (each setup ``--repeat`` times, the fastest kept: other load on the machine only
  ever slows a run down): ``bench/benchsite.py`` serves ``--hosts`` synthetic news sites,
  each on its own loopback address (127.0.0.2, 127.0.0.3, …), ``--articles`` article pages
  each, every answer ``--latency`` seconds late; N ``archiver crawl`` processes
  (``--workers 0``: each parses in its own process) share a fresh PostgreSQL archive.
  Pages/s is the pages the archive recorded over the wall time until the last crawler
  exits; the same crawl with one process on a SQLite file is the reference. On a 2-core
  machine the ratio matters, not the figure.
- ingest: ``Archive.save_many`` of the store benchmark's articles (3 KB raw pages) into a
  SQLite file and into PostgreSQL, batches of 500.

A database of its own is created on the server and dropped at the end. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
# The scratch database on the server: the tests' own helper (a database, a schema per use).
sys.path.insert(0, str(ROOT / "tests"))

from archiver.store import Archive  # noqa: E402
from pg_support import PostgresServer  # noqa: E402

SERVER = os.environ.get("ARCHIVER_BENCH_PG") or "postgresql://postgres@127.0.0.1:5432/test"


def start_site(args: argparse.Namespace) -> tuple[subprocess.Popen, dict]:
    options = {
        "--hosts": args.hosts,
        "--articles": args.articles,
        "--latency": args.latency,
        "--size": args.size,
        "--per-page": args.articles,
    }
    site = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "benchsite.py"),
            "--loopback",
            *(str(item) for pair in options.items() for item in pair),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert site.stdout is not None
    return site, json.loads(site.stdout.readline())


def crawl(db: str, config: Path, crawlers: int) -> tuple[float, int]:
    """Wall seconds of ``crawlers`` processes on a fresh archive ``db``, and the pages
    recorded."""
    command = [
        sys.executable, "-m", "archiver", "crawl",
        "--config", str(config), "--db", db, "--workers", "0", "--quiet",
    ]  # fmt: skip
    Archive(db).close()  # the schema first, not raced for by the crawlers
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(crawlers)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise SystemExit(f"a crawler failed ({process.returncode}): {errors[-500:]}")
    elapsed = time.perf_counter() - started
    with Archive(db, readonly=True) as archive:
        pages = archive.stats().totals["fetches"]
    return elapsed, pages


def crawl_section(args: argparse.Namespace, database: PostgresServer, work: Path) -> None:
    site, info = start_site(args)
    try:
        config = work / "sites.toml"
        entries = "".join(f'[[site]]\nurl = "http://{h}:{info["port"]}/"\n' for h in info["hosts"])
        config.write_text(f"delay = 0.0\nper_host = 1\n{entries}", encoding="utf-8")
        print(
            f"crawl: {args.hosts} loopback hosts x {args.articles} articles, "
            f"{args.latency * 1000:.0f} ms latency, {args.size // 1000} KB pages, "
            "--workers 0 per crawler"
        )
        runs = [crawl(str(work / f"reference{n}.db"), config, 1) for n in range(args.repeat)]
        seconds, pages = min(runs)
        reference = pages / seconds
        print(f"  SQLite, 1 crawler:      {pages:5d} pages in {seconds:6.1f} s = {reference:.1f}/s")
        base = None
        for count in args.crawlers:
            seconds, pages = min(
                crawl(database.new_schema("run")[0], config, count) for _ in range(args.repeat)
            )
            rate = pages / seconds
            base = base or rate
            print(
                f"  PostgreSQL, {count} crawler{'s' if count > 1 else ' '}: {pages:5d} pages in "
                f"{seconds:6.1f} s = {rate:6.1f}/s  ({rate / base:.2f}x one crawler, "
                f"{rate / reference:.2f}x SQLite)"
            )
    finally:
        assert site.stdin is not None
        site.stdin.close()
        site.wait(10)


def ingest_section(args: argparse.Namespace, database: PostgresServer, work: Path) -> None:
    from store import items

    batch = items(args.ingest, seed=5, page=3000)
    print(f"ingest: save_many of {args.ingest} articles (3 KB raw pages), batches of 500")
    rates = {}
    targets = (("SQLite", str(work / "ingest.db")), ("PostgreSQL", database.new_schema("run")[0]))
    for name, target in targets:
        with Archive(target) as archive:
            started = time.perf_counter()
            archive.save_many(batch, batch_size=500)
            seconds = time.perf_counter() - started
        rates[name] = args.ingest / seconds
        print(f"  {name:<11} {rates[name]:8.0f} articles/s")
    print(f"  PostgreSQL / SQLite: {rates['PostgreSQL'] / rates['SQLite']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--articles", type=int, default=30, help="articles per host")
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--size", type=int, default=30_000, help="bytes per article page")
    parser.add_argument("--crawlers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--ingest", type=int, default=3000, help="articles for save_many")
    parser.add_argument("--repeat", type=int, default=2, help="crawls per setup (best kept)")
    parser.add_argument("--skip-crawl", action="store_true")
    args = parser.parse_args()
    database = PostgresServer(SERVER, prefix="archiver_bench")
    try:
        with tempfile.TemporaryDirectory(prefix="archiver-fleet-") as folder:
            work = Path(folder)
            ingest_section(args, database, work)
            if not args.skip_crawl:
                crawl_section(args, database, work)
    finally:
        database.drop()


if __name__ == "__main__":
    main()
