"""Crawl throughput end to end (fetch, extract, store) beside Scrapy; CPU and memory per page.

    python bench/crawl.py                        # 50 hosts at 127.0.0.2-51, real pages
    python bench/crawl.py --rounds 2             # archiver, Scrapy, archiver, Scrapy
    python bench/crawl.py --proxy-mode           # the hosts behind one loopback proxy
    python bench/crawl.py --synthetic            # synthetic pages instead of real ones
    python bench/crawl.py --frontier 100000      # peak RSS with a 100,000-URL frontier

One bench network (``bench/benchsite.py``) runs in its own process for the whole run and
both crawlers crawl it, one after the other. By default every host is its own loopback
address (``http://127.0.0.2:PORT/`` ... ``http://127.0.0.51:PORT/``, one port, no proxy:
the crawlers connect to each host as on the internet); ``--proxy-mode`` puts the hosts
behind one proxy port instead. Pages are built from the real pages of ../shared/realpages
(``bench/realsite.py``: nine real article layouts and four real home pages, their text
varied per page), or synthetic ones when ../shared is absent or ``--synthetic`` is given.

Settings are the same on both sides: robots.txt obeyed, one request in flight per host,
no delay, no AutoThrottle, retries on, ``--pages`` pages each. archiver runs as the real
command (``archiver crawl --config``, every host a ``http://127.0.0.N:PORT/`` seed with the
profile a user would name for that site) and extracts every page with its full extractor,
storing articles with dedup, full-text index and compressed raw pages. The Scrapy spider
is what a hand-made one looks like: CSS selectors per site for title, date and paragraphs,
the links Scrapy's ``LinkExtractor`` finds followed (each once a page, http(s) only, as a
CrawlSpider's rules take them), items written to SQLite in batches.

Measured for each crawler: pages/s (its own count over its own clock), CPU seconds of
the whole process tree (exact: ``wait4`` gives user+system of the process and every
child it reaped, archiver's parsing workers included; per process from psutil samples),
CPU per page with and without start-up (imports, worker spawn: the CPU used before the
server saw the first request), peak RSS of the tree (sum over its processes, sampled every
20 ms). The server's own CPU is measured apart and excluded. No assertions: the script
prints figures and the archiver/Scrapy ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

#: A hand-made spider's selectors per site: (title, date, paragraphs). "ld+json" reads
#: datePublished from the JSON-LD block (Dân trí shows no date line on this page).
SELECTORS = {
    "vnexpress.net": (
        "h1.title-detail ::text",
        "span.date::text",
        "p.description ::text, article.fck_detail p ::text",
    ),
    "dantri.com.vn": (
        "h1.title-page ::text",
        "ld+json",
        "h2.singular-sapo ::text, div.singular-content p ::text",
    ),
    "vietnamnet.vn": (
        "h1.content-detail-title ::text, h1.title ::text",
        "div.bread-crumb-detail__time ::text, span.ArticleDate ::text",
        "h2.content-detail-sapo ::text, div.maincontent p ::text, div#ArticleContent p ::text",
    ),
    "cafef.vn": (
        "h1.title ::text",
        "span.pdate ::text",
        "h2.sapo ::text, div.detail-content p ::text",
    ),
    "sotttt.hanoi.gov.vn": (
        "div.asset-full-content-title ::text",
        "div.assetPublishDate ::text",
        "div.journal-content-article p ::text",
    ),
    "synthetic": ("h1::text", "div.date::text", "div.content p::text"),
}


class Server:
    """The bench network in a child process, for the whole run."""

    def __init__(self, args: argparse.Namespace, sitemap: int = 0) -> None:
        self.args = [
            sys.executable,
            str(ROOT / "bench" / "benchsite.py"),
            *("--hosts", str(args.hosts), "--latency", str(args.latency)),
            *("--size", str(args.size), "--sitemap", str(sitemap), "--port", str(args.port)),
            # Synthetic sites: listings of 500 links fill a big frontier within a few pages.
            *("--articles", str(args.synthetic_articles), "--per-page", str(args.per_page)),
        ]
        self.loopback = not args.proxy_mode
        if self.loopback:
            self.args.append("--loopback")
        if not args.synthetic:
            self.args.append("--real")

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        info = json.loads(self.process.stdout.readline())
        self.port: int = info["port"]
        self.note: str = info["note"]
        self.profiles: list[str | None] = info["profiles"] or [None] * len(info["hosts"])
        self.sites: list[str] = info["sites"] or ["synthetic"] * len(info["hosts"])
        if self.loopback:
            port = "" if self.port == 80 else f":{self.port}"
            self.seeds = [f"http://{h}{port}/" for h in info["hosts"]]
            self.proxy = None
        else:
            self.seeds = [f"http://{h}/" for h in info["hosts"]]
            self.proxy = f"http://127.0.0.1:{self.port}"
        import psutil

        self.ps = psutil.Process(self.process.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def requests(self) -> int:
        """Requests served so far (asked on the first host's address)."""
        host = self.seeds[0].split("/")[2].split(":")[0] if self.loopback else "127.0.0.1"
        conn = http.client.HTTPConnection(host, self.port, timeout=5)
        try:
            conn.request("GET", "/__bench/requests")
            return json.loads(conn.getresponse().read())["requests"]
        finally:
            conn.close()


@dataclass
class Measured:
    """What one crawler process (and its children) used."""

    wall: float = 0.0
    cpu: float = 0.0  # user+system of the tree, from wait4
    startup: float = 0.0  # tree CPU before the server saw the first request
    rss: int = 0  # peak of the tree's summed RSS
    #: Peak of the summed PSS (sampled every 0.5 s): forked workers share pages with the
    #: main process, which RSS counts once per process and PSS divides among them.
    pss: int = 0
    server_cpu: float = 0.0
    exit: int = 0
    timed_out: bool = False
    processes: dict[int, list] = field(default_factory=dict)  # pid → [name, cpu, peak rss]


def watch(process: subprocess.Popen, server: Server, timeout: float) -> Measured:
    """Wait for ``process`` (reaping it with wait4) while sampling its tree every 20 ms.

    After ``timeout`` seconds the tree is stopped (SIGTERM, then SIGKILL) and
    ``measured.timed_out`` is set.
    """
    import psutil

    measured = Measured()
    root = psutil.Process(process.pid)
    first = server.requests()
    server_before = server.cpu()
    started = time.perf_counter()
    samples = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.perf_counter() - started
        if elapsed > timeout and not measured.timed_out:
            measured.timed_out = True
            process.terminate()
        if elapsed > timeout + 15:
            for proc in [*root.children(recursive=True), root]:
                with contextlib.suppress(psutil.Error):
                    proc.kill()
        try:
            tree = [root, *root.children(recursive=True)]
            total_rss, total_cpu = 0, 0.0
            for index, proc in enumerate(tree):
                with proc.oneshot():
                    rss, times = proc.memory_info().rss, proc.cpu_times()
                entry = measured.processes.setdefault(
                    proc.pid, ["main" if index == 0 else "worker", 0.0, 0]
                )
                entry[1] = times.user + times.system
                entry[2] = max(entry[2], rss)
                total_rss += rss
                total_cpu += entry[1]
            measured.rss = max(measured.rss, total_rss)
            samples += 1
            if samples % 25 == 1:
                pss = sum(proc.memory_full_info().pss for proc in tree)
                measured.pss = max(measured.pss, pss)
            if not measured.startup and server.requests() > first:
                measured.startup = total_cpu
        except psutil.Error:
            pass  # a process ended between the listing and the reading
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    measured.wall = time.perf_counter() - started
    measured.cpu = usage.ru_utime + usage.ru_stime
    measured.server_cpu = server.cpu() - server_before
    measured.exit = process.returncode
    return measured


def write_config(server: Server, args: argparse.Namespace, config: Path) -> None:
    """archiver's crawl config: every host a seed, with the profile a user would name."""
    sites = []
    for seed, profile in zip(server.seeds, server.profiles, strict=True):
        # delay and per_host in each entry too: a profile's [crawl] table beats the file's
        # top level (see the report of issue 10).
        entry = f'[[site]]\nurl = "{seed}"\ndelay = 0.0\nper_host = 1\n'
        if profile and not args.generic:
            entry += f'profile = "{profile}"\n'
        sites.append(entry)
    config.write_text(
        # Every host at once, as Scrapy's CONCURRENT_REQUESTS below allows it.
        f"delay = 0.0\nper_host = 1\nconcurrency = {len(server.seeds)}\nautothrottle = false\n"
        f"max_pages = {args.pages}\n"
        f'user_agent = "archiver-bench/1.0"\n\n' + "\n".join(sites),
        encoding="utf-8",
    )


def run_archiver(server: Server, args: argparse.Namespace, workdir: Path) -> dict:
    config = workdir / "bench.toml"
    write_config(server, args, config)
    db = workdir / "archiver.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [sys.executable, "-c", "from archiver.cli import main; main()", "crawl"]
    command += ["--config", str(config), "--db", str(db), "--quiet"]
    command += ["--workers", str(args.workers)]
    if server.proxy:
        command += ["--proxy", server.proxy]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))
    reader.start()
    measured = watch(process, server, args.timeout)
    reader.join()
    if args.keep:  # the archive of the last run, to look into
        conn = sqlite3.connect(db)
        conn.execute("VACUUM INTO ?", (str(args.keep.with_suffix(".tmp")),))
        conn.close()
        args.keep.with_suffix(".tmp").replace(args.keep)
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC").fetchone()
    stats = json.loads(row[0]) if row and row[0] else {}
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    frontier = conn.execute("SELECT count(*) FROM frontier").fetchone()[0]
    kinds = dict(conn.execute("SELECT kind, count(*) FROM frontier GROUP BY kind").fetchall())
    unreachable = conn.execute(
        "SELECT url FROM frontier WHERE kind = 'robots' AND last_error = 'robots.txt unreachable'"
    ).fetchall()
    conn.close()
    return {
        "measured": measured,
        "pages": stats.get("pages", 0),
        "seconds": stats.get("seconds", 0.0),
        "rate": stats.get("pages_per_second", 0.0),
        "items": articles,
        "frontier": frontier,
        "kinds": kinds,
        "outcomes": stats.get("outcomes", {}),
        "robots_unreachable": [u for (u,) in unreachable],
        "stderr": errors[0][-3000:] if errors else "",
    }


SPIDER = '''
import json, os, sqlite3
import scrapy
from scrapy.linkextractors import LinkExtractor

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
    # Only the bench hosts: real pages link to CDNs and social networks, which must never
    # be requested (no traffic leaves loopback).
    allowed_domains = os.environ["BENCH_HOSTS"].split(",")
    links = LinkExtractor()
    async def start(self):
        for url in self.settings.get("SEEDS").split(","):
            yield scrapy.Request(url)
    def parse(self, response):
        host = response.url.split("/")[2]
        title_css, date_css, body_css = self.settings.getdict("SELECTORS")[host]
        title = " ".join(t.strip() for t in response.css(title_css).getall()).strip()
        if title and response.css(body_css):
            if date_css == "ld+json":
                date = response.css('script[type="application/ld+json"]::text').re_first(
                    r'"datePublished"\\s*:\\s*"([^"]+)"'
                )
            else:
                date = " ".join(t.strip() for t in response.css(date_css).getall()).strip()
            yield {
                "url": response.url,
                "title": title,
                "date": date or "",
                "body": "\\n\\n".join(
                    t.strip() for t in response.css(body_css).getall() if t.strip()
                ),
            }
        # Scrapy's own link extractor, as a CrawlSpider's rules use it: each page's links
        # once (a page names its related articles several times), http(s) only.
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url, self.parse)
    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        seconds = (now - stats["start_time"]).total_seconds()
        print(json.dumps({"pages": stats.get("response_received_count", 0), "seconds": seconds,
                          "items": stats.get("item_scraped_count", 0),
                          "offsite": stats.get("offsite/filtered", 0),
                          "errors": stats.get("downloader/exception_count", 0)}), flush=True)
'''


def run_scrapy(server: Server, args: argparse.Namespace, workdir: Path) -> dict | None:
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return None
    spider = workdir / "spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    db = workdir / "scrapy.db"
    db.unlink(missing_ok=True)
    selectors = {
        seed.split("/")[2]: SELECTORS[site]
        for seed, site in zip(server.seeds, server.sites, strict=True)
    }
    settings = {
        "ROBOTSTXT_OBEY": "True",
        "CONCURRENT_REQUESTS": str(len(server.seeds) * 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "CLOSESPIDER_PAGECOUNT": str(args.pages),
        "LOG_LEVEL": os.environ.get("SCRAPY_LOG_LEVEL", "ERROR"),
        "TELNETCONSOLE_ENABLED": "False",
        "COOKIES_ENABLED": "False",
        "ITEM_PIPELINES": json.dumps({"spider.Store": 300}),
        "DB": str(db),
        "SEEDS": ",".join(server.seeds),
        "SELECTORS": json.dumps(selectors),
        "REACTOR_THREADPOOL_MAXSIZE": "4",
        # Breadth-first, as Scrapy's broad-crawl guide advises: like archiver (listings,
        # then the articles they list), most of the pages fetched are articles.
        "DEPTH_PRIORITY": "1",
        # Scrapy's own advice for crawling many hosts at once (its broad-crawl guide): take
        # the next request from the host with the fewest in flight. Without it the FIFO hands
        # the downloader a run of one host's links, the other hosts idle and Scrapy ran at
        # 28 pages/s instead of 47 here: a weaker anchor than a user's spider would be.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    }
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider)]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(workdir)
    env["BENCH_HOSTS"] = ",".join(seed.split("/")[2].split(":")[0] for seed in server.seeds)
    if server.proxy:
        env["http_proxy"] = server.proxy
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
    measured = watch(process, server, args.timeout)
    for t in threads:
        t.join()
    lines = [line for line in (out[0] if out else "").splitlines() if line.startswith("{")]
    if not lines:
        print("scrapy failed:", (err[0] if err else "")[-2000:], file=sys.stderr)
        return None
    result = json.loads(lines[-1])
    result.update(
        measured=measured,
        rate=result["pages"] / result["seconds"],
        extra=f"; {result['offsite']} off-site links dropped, {result['errors']} download errors",
    )
    return result


def line(name: str, run: dict) -> str:
    m: Measured = run["measured"]
    pages = max(run["pages"], 1)
    workers = sorted((p for p in m.processes.values() if p[0] == "worker"), key=lambda p: -p[1])
    main = [p for p in m.processes.values() if p[0] == "main"]
    split = f"main {main[0][1]:.1f} s" if main else ""
    if workers:
        split += ", workers " + " + ".join(f"{p[1]:.1f}" for p in workers) + " s"
    peaks = [p[2] / 2**20 for p in main + workers]  # each process's own peak RSS
    split += "; RSS " + " / ".join(f"{mb:.0f}" for mb in peaks) + " MB" if peaks else ""
    warning = ""
    if m.timed_out:
        warning += "\n          STOPPED after --timeout: the figures cover part of a run"
    if run.get("robots_unreachable"):
        bad = run["robots_unreachable"]
        warning += (
            f"\n          {len(bad)} robots.txt unreachable, e.g. {bad[0]} "
            "(hosts paused 600 s each)"
        )
    return (
        f"{name:<9}{run['pages']:6d} pages {run['seconds']:6.1f} s {run['rate']:7.1f} pages/s  "
        f"CPU {m.cpu:6.1f} s = {m.cpu / pages * 1000:5.2f} ms/page "
        f"({(m.cpu - m.startup) / pages * 1000:5.2f} after start-up)  "
        f"peak RSS {m.rss / 2**20:4.0f} MB (PSS {m.pss / 2**20:.0f})  "
        f"[{split}; {run['items']} articles; "
        f"server {m.server_cpu / pages * 1000:.2f} ms/page{run.get('extra', '')}]" + warning
    )


def frontier_run(args: argparse.Namespace, workdir: Path) -> int:
    per_host = args.frontier // args.hosts
    # Real pages: each host's robots.txt names a sitemap of per_host articles (how real
    # frontiers get big). Synthetic pages: listings of 500 links.
    args.synthetic_articles, args.per_page = per_host, 500
    with Server(args, sitemap=per_host) as server:
        print(server.note)
        run = run_archiver(server, args, workdir)
    m: Measured = run["measured"]
    each = ", ".join(
        f"{p[0]} {p[2] / 2**20:.0f}" for p in sorted(m.processes.values(), key=lambda p: -p[2])
    )
    print(
        f"archiver with a {run['frontier']:,}-URL frontier: {run['pages']} pages, "
        f"peak RSS of the tree {m.rss / 2**20:.0f} MB (per process: {each} MB; "
        f"target <= 300 MB), peak PSS {m.pss / 2**20:.0f} MB; "
        f"{m.cpu / max(run['pages'], 1) * 1000:.1f} ms CPU per page"
    )
    if m.exit:
        print("archiver failed:", run["stderr"], file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=3000, help="pages per crawler")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000, help="bytes per article page")
    parser.add_argument("--workers", type=int, default=2, help="archiver parsing processes")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each crawler, alternating")
    parser.add_argument("--no-scrapy", action="store_true")
    parser.add_argument("--keep", type=Path, help="save archiver's archive of the last run here")
    parser.add_argument(
        "--port", type=int, default=0, help="the hosts' port (default: a free non-default one)"
    )
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a crawler is stopped"
    )
    parser.add_argument("--proxy-mode", action="store_true", help="hosts behind one proxy")
    parser.add_argument("--synthetic", action="store_true", help="synthetic pages, not real ones")
    parser.add_argument(
        "--generic", action="store_true", help="archiver: name no site profile (generic only)"
    )
    parser.add_argument(
        "--frontier",
        type=int,
        default=0,
        help="instead: measure peak RSS with this many URLs in the frontier",
    )
    args = parser.parse_args(argv)
    if args.hosts > 254 and not args.proxy_mode:
        parser.error("at most 254 hosts in loopback mode")
    args.synthetic_articles = max(args.pages // args.hosts + 20, 40)
    args.per_page = 50
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.frontier:
            return frontier_run(args, workdir)
        mode = "proxy" if args.proxy_mode else "loopback addresses 127.0.0.2-"
        with Server(args) as server:
            if not args.proxy_mode:
                mode += server.seeds[-1].split("/")[2]
            print(
                f"{args.hosts} hosts ({mode}), {args.latency * 1000:.0f} ms latency, "
                f"{args.pages} pages per crawler; 1 request in flight per host, no delay; "
                f"{server.note}; {os.cpu_count()} CPUs, "
                f"load average {os.getloadavg()[0]:.1f} before the run\n"
            )
            mine: list[dict] = []
            theirs: list[dict] = []
            for _ in range(args.rounds):
                run = run_archiver(server, args, workdir)
                mine.append(run)
                print(line("archiver", run), flush=True)
                if run["measured"].exit != 0:
                    print("archiver failed:", run["stderr"], file=sys.stderr)
                if args.no_scrapy:
                    continue
                other = run_scrapy(server, args, workdir)
                if other is None:
                    print("scrapy    did not run (not installed? pip install -e '.[bench]')")
                    continue
                theirs.append(other)
                print(line("scrapy", other), flush=True)
        report(mine, theirs)
    return 0


def report(mine: list[dict], theirs: list[dict]) -> None:
    def span(values: list[float], fmt: str) -> str:
        low, high = min(values), max(values)
        return format(low, fmt) if low == high else f"{low:{fmt}}-{high:{fmt}}"

    if mine and mine[-1]["kinds"]:
        print(f"\narchiver frontier at the end: {mine[-1]['frontier']:,} URLs {mine[-1]['kinds']}")
        print(f"archiver outcomes: {mine[-1]['outcomes']}")
    pairs = [(a, b) for a, b in zip(mine, theirs, strict=False) if a["pages"] and b["pages"]]
    if not pairs:
        return
    mine, theirs = [a for a, _ in pairs], [b for _, b in pairs]
    rates = [a["rate"] / b["rate"] for a, b in zip(mine, theirs, strict=False)]
    cpus = [
        (a["measured"].cpu / a["pages"]) / (b["measured"].cpu / b["pages"])
        for a, b in zip(mine, theirs, strict=False)
    ]
    print(
        f"\narchiver / scrapy, same run: throughput {span(rates, '.2f')}x "
        f"(target >= 2.5x), CPU per page {span(cpus, '.2f')}x"
    )
    cpu_ms = [a["measured"].cpu / a["pages"] * 1000 for a in mine]
    print(
        f"archiver: {span([a['rate'] for a in mine], '.0f')} pages/s (target >= 300), "
        f"{span(cpu_ms, '.1f')} ms CPU per page (target <= 4), median "
        f"{statistics.median(cpu_ms):.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
