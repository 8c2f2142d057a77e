"""Crawl throughput end to end (fetch, extract, store) beside Scrapy; memory with a big frontier.

    python bench/crawl.py                        # 50 hosts, 50 ms latency, ~100 KB pages
    python bench/crawl.py --pages 3000 --no-scrapy
    python bench/crawl.py --frontier 100000      # peak RSS with a 100,000-URL frontier

A synthetic network (``bench/benchsite.py``) runs in its own process on 127.0.0.1 and
both crawlers use it as their HTTP proxy, so each of the ``--hosts`` host names is its
own politeness slot. Settings are the same on both sides: robots.txt obeyed, one
request in flight per host, no delay, no AutoThrottle, retries on. archiver runs as
the real command (``archiver crawl --config``), extracting every article with its full
extractor and storing it with dedup, full-text index and compressed raw pages; the
Scrapy spider is what a hand-made one looks like: CSS selectors for title, date and
paragraphs, every link followed, items written to SQLite in batches. Peak RSS is the
whole process tree (archiver's parsing workers included), sampled every 20 ms.

No assertions: the script prints figures and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsite import host_name  # noqa: E402


class Site:
    """The synthetic network in a child process."""

    def __init__(self, hosts: int, articles: int, latency: float, size: int, per_page: int) -> None:
        self.args = [
            sys.executable,
            str(ROOT / "bench" / "benchsite.py"),
            "--hosts",
            str(hosts),
            "--articles",
            str(articles),
            "--latency",
            str(latency),
            "--size",
            str(size),
            "--per-page",
            str(per_page),
        ]

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        port = json.loads(self.process.stdout.readline())["port"]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


CPU: dict[int, float] = {}
RSS: dict[int, int] = {}


def peak_rss(process: subprocess.Popen) -> tuple[int, float]:
    """Wait for ``process``; return (peak RSS of its tree in bytes, wall seconds).

    The CPU seconds each process of the tree used are left in :data:`CPU` (pid → seconds).
    """
    import psutil

    started = time.perf_counter()
    peak = 0
    root = psutil.Process(process.pid)
    CPU.clear()
    RSS.clear()
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            sizes = {p.pid: p.memory_info().rss for p in tree if p.is_running()}
            peak = max(peak, sum(sizes.values()))
            for pid, size in sizes.items():
                RSS[pid] = max(RSS.get(pid, 0), size)
            for p in tree:
                times = p.cpu_times()
                CPU[p.pid] = times.user + times.system
        except psutil.Error:
            pass
        time.sleep(0.02)
    return peak, time.perf_counter() - started


def run_archiver(proxy: str, hosts: int, pages: int, workers: int, workdir: Path) -> dict:
    config = workdir / "bench.toml"
    sites = "\n".join(f'[[site]]\nurl = "http://{host_name(i)}/"\n' for i in range(hosts))
    config.write_text(
        # Every host at once, as Scrapy's CONCURRENT_REQUESTS below allows it.
        f"delay = 0.0\nper_host = 1\nconcurrency = {hosts}\nautothrottle = false\n"
        f"max_pages = {pages}\n"
        f'user_agent = "archiver-bench/1.0"\n\n{sites}',
        encoding="utf-8",
    )
    db = workdir / "archiver.db"
    command = [
        sys.executable,
        "-c",
        "from archiver.cli import main; main()",
        "crawl",
        "--config",
        str(config),
        "--proxy",
        proxy,
        "--db",
        str(db),
        "--quiet",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))
    reader.start()
    rss, wall = peak_rss(process)
    reader.join()
    conn = sqlite3.connect(db)
    stats = json.loads(conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC").fetchone()[0])
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    frontier = conn.execute("SELECT count(*) FROM frontier").fetchone()[0]
    conn.close()
    cpu = sorted(CPU.values(), reverse=True)
    return {
        "cpu": cpu,
        "pages": stats["pages"],
        "seconds": stats["seconds"],
        "rate": stats["pages_per_second"],
        "articles": articles,
        "frontier": frontier,
        "rss": rss,
        "wall": wall,
        "exit": process.returncode,
        "stderr": errors[0][-2000:] if errors else "",
    }


SPIDER = '''
import json, sqlite3, time
import scrapy

class Store:
    """Items into SQLite, 100 per transaction (what a hand-made spider does)."""
    @classmethod
    def from_crawler(cls, crawler):
        store = cls()
        store.path = crawler.settings["DB"]
        return store
    def open_spider(self):
        self.conn = sqlite3.connect(self.path)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS items (url TEXT PRIMARY KEY, title, date, body)"
        )
        self.batch = []
    def process_item(self, item):
        self.batch.append((item["url"], item["title"], item["date"], item["body"]))
        if len(self.batch) >= 100:
            self.flush()
        return item
    def flush(self):
        self.conn.executemany("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?)", self.batch)
        self.conn.commit()
        self.batch = []
    def close_spider(self):
        self.flush()
        self.conn.close()

class Bench(scrapy.Spider):
    name = "bench"
    async def start(self):
        for url in self.settings.get("SEEDS").split(","):
            yield scrapy.Request(url)
    def parse(self, response):
        if "/tin-tuc/" in response.url:
            yield {
                "url": response.url,
                "title": (response.css("h1::text").get() or "").strip(),
                "date": (response.css("div.date::text").get() or "").strip(),
                "body": "\\n\\n".join(
                    t.strip() for t in response.css("div.content p::text").getall()
                ),
            }
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse)
    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        seconds = (now - stats["start_time"]).total_seconds()
        print(json.dumps({"pages": stats.get("response_received_count", 0), "seconds": seconds,
                          "items": stats.get("item_scraped_count", 0)}), flush=True)
'''


def run_scrapy(proxy: str, hosts: int, pages: int, workdir: Path) -> dict | None:
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return None
    spider = workdir / "spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    seeds = ",".join(f"http://{host_name(i)}/" for i in range(hosts))
    settings = {
        "ROBOTSTXT_OBEY": "True",
        "CONCURRENT_REQUESTS": str(hosts * 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "CLOSESPIDER_PAGECOUNT": str(pages),
        "LOG_LEVEL": os.environ.get("SCRAPY_LOG_LEVEL", "ERROR"),
        "TELNETCONSOLE_ENABLED": "False",
        "COOKIES_ENABLED": "False",
        "ITEM_PIPELINES": json.dumps({"spider.Store": 300}),
        "DB": str(workdir / "scrapy.db"),
        "SEEDS": seeds,
        "REACTOR_THREADPOOL_MAXSIZE": "4",
    }
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider)]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "http_proxy": proxy, "PYTHONPATH": str(workdir)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir
    )
    out: list[str] = []
    err: list[str] = []
    threads = [
        threading.Thread(target=lambda: out.append(process.stdout.read())),
        threading.Thread(target=lambda: err.append(process.stderr.read())),
    ]
    for t in threads:
        t.start()
    rss, wall = peak_rss(process)
    for t in threads:
        t.join()
    lines = [line for line in (out[0] if out else "").splitlines() if line.startswith("{")]
    if not lines:
        print("scrapy failed:", (err[0] if err else "")[-2000:], file=sys.stderr)
        return None
    result = json.loads(lines[-1])
    result.update(rss=rss, wall=wall, rate=result["pages"] / result["seconds"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=3000, help="pages per crawler")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="archiver parsing processes")
    parser.add_argument("--no-scrapy", action="store_true")
    parser.add_argument(
        "--frontier",
        type=int,
        default=0,
        help="instead: measure peak RSS with this many URLs in the frontier",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.frontier:
            per_host = args.frontier // args.hosts
            # Listings of 500 links: the frontier fills within the first pages of each host.
            with Site(args.hosts, per_host, args.latency, args.size, 500) as proxy:
                result = run_archiver(proxy, args.hosts, args.pages, args.workers, workdir)
            each = ", ".join(f"{size / 2**20:.0f}" for size in sorted(RSS.values(), reverse=True))
            print(
                f"archiver with a {result['frontier']:,}-URL frontier: {result['pages']} pages, "
                f"peak RSS {result['rss'] / 2**20:.0f} MB in all (per process: {each} MB; "
                "target <= 300 MB)"
            )
            return 0
        per_host = max(args.pages // args.hosts + 20, 40)
        print(
            f"{args.hosts} hosts, {args.latency * 1000:.0f} ms latency, "
            f"~{args.size // 1000} KB pages, "
            f"{args.pages} pages per crawler; 1 request in flight per host, no delay\n"
        )
        with Site(args.hosts, per_host, args.latency, args.size, 50) as proxy:
            mine = run_archiver(proxy, args.hosts, args.pages, args.workers, workdir)
        if mine["exit"] != 0:
            print("archiver failed:", mine["stderr"], file=sys.stderr)
        print(
            f"archiver  {mine['pages']:6d} pages in {mine['seconds']:6.1f} s = "
            f"{mine['rate']:6.1f} pages/s, "
            f"{mine['articles']} articles stored, peak RSS {mine['rss'] / 2**20:.0f} MB, "
            f"CPU s per process {', '.join(f'{c:.1f}' for c in mine['cpu'])}"
        )
        if not args.no_scrapy:
            with Site(args.hosts, per_host, args.latency, args.size, 50) as proxy:
                theirs = run_scrapy(proxy, args.hosts, args.pages, workdir)
            if theirs is None:
                print("scrapy    did not run (not installed? pip install -e '.[bench]')")
            else:
                print(
                    f"scrapy    {theirs['pages']:6d} pages in {theirs['seconds']:6.1f} s = "
                    f"{theirs['rate']:6.1f} pages/s, {theirs['items']} items, "
                    f"peak RSS {theirs['rss'] / 2**20:.0f} MB"
                )
                print(f"\nthroughput ratio archiver / scrapy: {mine['rate'] / theirs['rate']:.2f}x")
        print(
            "Targets (issue 4): >= 300 pages/s, >= 1.5x Scrapy, "
            "<= 300 MB with a 100,000-URL frontier."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
