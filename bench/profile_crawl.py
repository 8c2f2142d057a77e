"""Where a crawled page's CPU goes, stage by stage, on the pages of the crawl benchmark.

    python bench/profile_crawl.py --port 80          # 3,000 pages, real layouts, 50 hosts
    python bench/profile_crawl.py --port 80 --top 25 --pages 2000
    python bench/profile_crawl.py --no-spy --keep DIR   # keep the jobs for bench/replay_count.py

Everything runs on the network of ``bench/crawl.py`` (the same pages: real layouts of
../shared/realpages on 50 loopback hosts, synthetic ones without ../shared):

1. **The main process of a real crawl.** archiver's ``run_crawl`` (two parsing workers,
   the crawl's defaults) runs in this process against the network; its CPU is read with
   ``time.process_time`` (this process only: the workers are other processes). The store
   calls the crawl makes (``Frontier.commit`` and, inside it, ``Writer.save``, the FTS
   insert, near-duplicate links and the frontier rows of discovered links; claims) are
   wrapped with timers (CPU of the calling thread), so they are measured, not estimated.
   The parsing workers, forked from this process, time their own share the same way: the
   job (``analyze_exchange``), receiving work and sending results back (the
   workers' pipes), and the rest of their CPU.
2. **Fetching.** archiver's ``Fetcher`` alone fetches pages of the same network, one
   request in flight per host: its CPU per page is the HTTP client's share of the main
   process (httpx, h11, the event loop's socket work). The crawl's main-process CPU minus
   fetching, the store calls and unpickling is the engine and event-loop remainder.
3. **The worker's share.** ``analyze_exchange`` (what a parsing worker runs per page) on
   the pages the workers of step 1 met, in the order each worker met them, once each: the
   workers note every job (the exchange without its body, and the job's arguments), and
   the body is built again by the bench's site as it was served (checked by its CRC-32).
   Each worker's sequence is replayed in a process forked from this one, as the workers
   are, and each stage timed by wrapping the function the worker calls
   (``archiver.extract.load_page``, ``extract_page``, ``archiver.discover.link_urls``, the
   prepare steps in ``archiver.store.prepare``), so the table follows src as it changes;
   plus pickling the result (worker → main). (Until stop 23 a sample of each layout's
   pages was timed in three passes: 13 % fewer instructions a page than the pages a
   crawl meets, its listings lighter and its link verdicts cached after the first pass.)
   The job in the crawl and replayed are timed minutes apart: on a shared machine the
   load between them moves either figure by a quarter. Timed side by side (a replay in
   another process during a crawl) they agreed within 3 %.
4. **Samples of a real crawl.** ``archiver crawl --config`` runs again under py-spy
   (``--subprocesses --nonblocking``: the main process and both workers, 250 samples/s):
   every sample goes to the stage of its innermost marker frame (``fetch`` of the
   fetcher, ``Frontier.commit``, ``load_page``, ``extract_page``, ``minhash``...), which
   checks the timed table on the crawl itself, and the functions with the most samples
   are listed (own and inclusive ms per page; a C function counts in the Python function
   that called it). py-spy samples runnable threads, not CPU: on a busy machine it
   overstates, so samples of threads waiting (epoll, the executor's pipes) are left out
   and the rest of each process kind is scaled to the CPU it used (psutil).

No assertions: figures only. Stage times are CPU ms per crawled page.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from benchsite import Network, make_site  # noqa: E402
from crawl import Server, write_config  # noqa: E402


class Timers:
    """CPU seconds (of the calling thread) spent in wrapped functions, by label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: ModuleType | type, name: str, label: str) -> None:
        original = getattr(owner, name)
        seconds, calls = self.seconds, self.calls
        clock = time.thread_time

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += clock() - start
                calls[label] += 1

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


# -- the pages ----------------------------------------------------------------------------


def rebuilt_body(network: Any, url: str, proxied: bool) -> bytes:
    """The body the bench's network serves for ``url`` (built again, not fetched)."""
    if proxied:
        target, local = url, ""
    else:
        netloc, _, path = url[len("http://") :].partition("/")
        target, local = "/" + path, netloc.partition(":")[0]
    return network.respond(target, local).split(b"\r\n\r\n", 1)[1]


# -- 3. the worker's share ----------------------------------------------------------------

#: (module, function, label) wrapped in the worker's job; nesting is by label prefix.
WORKER_STAGES = (
    ("archiver.extract", "load_page", "decode + parse (load_page)"),
    ("archiver.discover", "extract_links", "links: extract_links"),
    # (The crawl reads a page's links once, Anchors, and their URLs without anchor texts.)
    ("archiver.discover", "Anchors", "links: extract_links"),
    ("archiver.discover", "link_urls", "links: extract_links"),
    ("archiver.discover", "earlier_articles_box", "links: listing boxes, pager, feeds"),
    ("archiver.discover", "next_page_links", "links: listing boxes, pager, feeds"),
    ("archiver.discover", "find_feed_links", "links: listing boxes, pager, feeds"),
    ("archiver.extract", "extract_page", "extract (extract_page)"),
    ("archiver.store.prepare", "minhash", "prepare: MinHash + LSH bands"),
    ("archiver.store.prepare", "band_keys", "prepare: MinHash + LSH bands"),
    ("archiver.store.prepare", "fold_for_index", "prepare: folding + content key"),
    ("archiver.store.prepare", "hash_keys", "prepare: folding + content key"),
    ("archiver.store.prepare", "index_text", "prepare: FTS text (index_text)"),
    ("archiver.store.prepare", "url_identity", "prepare: URL identity"),
    ("archiver.store.prepare", "compress", "prepare: compression (zstd)"),
)


ALL, PICKLE, UNPICKLE = "analyze_exchange", "pickle", "unpickle"
#: The groups of pages the table shows: article pages (by the URL's kind), the others
#: (seeds, listings, other pages), and all the pages the crawl met.
GROUPS = ("articles", "others", "crawl")

#: What step 3 replays with: the bench's site and network (set before it forks).
_REPLAY: dict[str, Any] = {}


def pages_met(path: Path) -> list[tuple[Any, dict[str, Any], int]]:
    """The jobs a worker of step 1 noted, in order: (exchange without body, arguments,
    CRC-32 of the body)."""
    met = []
    with path.open("rb") as file, contextlib.suppress(EOFError):
        while True:
            met += pickle.load(file)
    return met


def replay(path: str) -> tuple[dict[str, dict[str, float]], dict[str, int], int]:
    """Per-page CPU ms of each stage of ``analyze_exchange``, by group, over the pages one
    worker of the crawl met (run in a forked process: the state of a fresh worker).

    Returns (ms by group, pages by group, pages whose body could not be built again)."""
    import importlib
    from dataclasses import replace

    from archiver.crawl.analyze import analyze_exchange
    from archiver.crawl.workers import GC_THRESHOLD

    proxied = _REPLAY["proxied"]
    items, lost = [], 0
    for exchange, kwargs, crc in pages_met(Path(path)):
        body = rebuilt_body(_REPLAY["network"], exchange.final_url, proxied)
        if zlib.crc32(body) != crc:
            lost += 1
            continue
        group = "articles" if kwargs["kind"] == "article" else "others"
        items.append((replace(exchange, body=body), kwargs, group))
    timers = Timers()
    for module, name, label in WORKER_STAGES:
        timers.wrap(importlib.import_module(module), name, label)
    seconds: dict[str, dict[str, float]] = {g: defaultdict(float) for g in GROUPS}
    runs = dict.fromkeys(GROUPS, 0)
    gc.collect()
    gc.freeze()  # as start_workers does before the workers fork
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        for exchange, kwargs, group in items:
            timers.reset()
            start = time.thread_time()
            analysis = analyze_exchange(exchange, **kwargs)
            middle = time.thread_time()
            data = pickle.dumps(analysis, pickle.HIGHEST_PROTOCOL)
            after = time.thread_time()
            pickle.loads(data)
            spent = dict(timers.seconds)
            spent[ALL] = middle - start
            spent[PICKLE] = after - middle
            spent[UNPICKLE] = time.thread_time() - after
            for g in (group, "crawl"):
                runs[g] += 1
                for label, value in spent.items():
                    seconds[g][label] += value
    finally:
        timers.restore()
    ms = {
        g: {label: value / max(runs[g], 1) * 1000 for label, value in seconds[g].items()}
        for g in GROUPS
    }
    return ms, runs, lost


def keep_jobs(workdir: Path, keep: Path) -> None:
    """Each worker's jobs, in its order, with their bodies built again, to
    ``keep/jobs-N.pkl``: a list of (exchange, arguments of ``analyze_exchange``)."""
    from dataclasses import replace

    keep.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(sorted(workdir.glob("met-*.pkl"))):
        jobs = []
        for exchange, kwargs, crc in pages_met(path):
            body = rebuilt_body(_REPLAY["network"], exchange.final_url, _REPLAY["proxied"])
            if zlib.crc32(body) == crc:
                jobs.append((replace(exchange, body=body), kwargs))
        with (keep / f"jobs-{n}.pkl").open("wb") as file:
            pickle.dump(jobs, file, pickle.HIGHEST_PROTOCOL)
        print(f"kept {len(jobs)} jobs of worker {n} in {keep / f'jobs-{n}.pkl'}")


def worker_stages(workdir: Path) -> tuple[dict[str, dict[str, float]], dict[str, int], int]:
    """:func:`replay` of each worker's pages in a process of its own, the figures summed
    by page."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    seconds: dict[str, dict[str, float]] = {g: defaultdict(float) for g in GROUPS}
    runs = dict.fromkeys(GROUPS, 0)
    lost = 0
    for path in sorted(workdir.glob("met-*.pkl")):
        with context.Pool(1) as pool:
            ms, counts, missed = pool.apply(replay, (str(path),))
        lost += missed
        for g in GROUPS:
            runs[g] += counts[g]
            for label, value in ms[g].items():
                seconds[g][label] += value * counts[g]
    ms = {g: {k: v / max(runs[g], 1) for k, v in seconds[g].items()} for g in GROUPS}
    return ms, runs, lost


# -- 1. the main process of a real crawl --------------------------------------------------

#: Where each parsing worker of the profiled crawl writes what it measured (set per run).
_WORKER_LOG: dict[str, Any] = {
    "dir": None,
    "jobs": 0,
    "job": 0.0,
    "get": 0.0,
    "send": 0.0,
    "gc": 0.0,
    "gc_from": None,
    #: The jobs run since the last write (see _timed_analyze_exchange).
    "met": [],
}


def _collection(phase: str, info: dict[str, int]) -> None:
    """A ``gc.callbacks`` hook: CPU of the worker's garbage collections."""
    log = _WORKER_LOG
    if phase == "start":
        log["gc_from"] = time.thread_time()
    elif log["gc_from"] is not None:
        log["gc"] += time.thread_time() - log["gc_from"]


def _worker_timed(label: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``call`` in a parsing worker, adding its CPU (this thread's) to ``label``."""
    if _collection not in gc.callbacks:
        gc.callbacks.append(_collection)
    start = time.thread_time()
    try:
        return call(*args, **kwargs)
    finally:
        log = _WORKER_LOG
        log[label] += time.thread_time() - start
        if label == "job":
            log["jobs"] += 1
            if log["jobs"] % 25 == 0 and log["dir"] is not None:
                # Workers end with os._exit (no atexit): the figures are written as they go.
                figures = {k: log[k] for k in ("jobs", "job", "get", "send", "gc")}
                figures["cpu"] = time.process_time()
                path = Path(log["dir"]) / f"worker-{os.getpid()}.json"
                path.write_text(json.dumps(figures), encoding="utf-8")
                with (Path(log["dir"]) / f"met-{os.getpid()}.pkl").open("ab") as file:
                    pickle.dump(log["met"], file, pickle.HIGHEST_PROTOCOL)
                log["met"] = []


def _timed_analyze_exchange(exchange: Any, **kwargs: Any) -> Any:
    """The worker's job, timed; the job is noted too (for step 3: the pages as met)."""
    from dataclasses import replace

    from archiver.crawl import analyze

    # Noted before the job runs (the note is written with the figures, after it).
    _WORKER_LOG["met"].append((replace(exchange, body=b""), kwargs, zlib.crc32(exchange.body)))
    return _worker_timed("job", analyze.analyze_exchange, exchange, **kwargs)


def workers_in_crawl(workdir: Path) -> dict[str, float]:
    """CPU seconds the profiled crawl's workers spent: in all, in the job, receiving work
    and sending results (each worker's figures as of its last 25th page)."""
    totals = dict.fromkeys(("jobs", "job", "get", "send", "gc", "cpu"), 0.0)
    for path in workdir.glob("worker-*.json"):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            totals[key] += value
    return totals


def crawl_in_process(server: Server, args: argparse.Namespace, workdir: Path):
    """Run ``archiver crawl --config`` in this process; return (stats, CPU s, timers)."""
    from archiver.crawl import run_crawl
    from archiver.crawl.config import load_config, make_plan
    from archiver.store import frontier, writer
    from archiver.store.frontier import Frontier
    from archiver.store.writer import Writer

    config = workdir / "bench.toml"
    write_config(server, args, config)
    plan = make_plan([], config=load_config(config))
    timers = Timers()
    timers.wrap(Frontier, "commit", "SQLite: Frontier.commit, all of it")
    timers.wrap(Writer, "save", "SQLite: fetch, body, article rows (Writer.save)")
    timers.wrap(writer, "fts_insert", "SQLite: FTS insert")
    timers.wrap(writer, "link_near_duplicates", "SQLite: near-duplicate lookup + links")
    timers.wrap(frontier, "add_new", "SQLite: frontier rows of discovered links (add_new)")
    timers.wrap(Frontier, "claim", "SQLite: claims (Frontier.claim)")
    _WORKER_LOG["gc_from"] = None
    # The workers fork from this process: what they run is timed there (see _worker_timed).
    from archiver.crawl import turns
    from archiver.crawl import workers as pool

    _WORKER_LOG["dir"] = str(workdir)
    send, get = pool._answer, pool._next_job
    undo = [(turns, "analyze_exchange", turns.analyze_exchange), (pool, "_answer", send)]
    undo.append((pool, "_next_job", get))
    turns.analyze_exchange = _timed_analyze_exchange
    pool._answer = lambda *a, **k: _worker_timed("send", send, *a, **k)
    pool._next_job = lambda *a, **k: _worker_timed("get", get, *a, **k)
    gc.collect()
    cpu = time.process_time()
    try:
        _, stats = run_crawl(
            plan,
            db=str(workdir / "timed.db"),
            workers=args.workers,
            proxy=server.proxy,
            quiet=True,
            live=False,
        )
    finally:
        timers.restore()
        for owner, name, original in undo:
            setattr(owner, name, original)
    return stats, time.process_time() - cpu, timers


# -- 2. fetching --------------------------------------------------------------------------


def fetch_cost(server: Server, urls: list[str], seconds: float) -> tuple[float, int]:
    """CPU ms per page of archiver's Fetcher on the network, one request in flight per host."""
    from archiver.fetch.fetcher import Fetcher
    from archiver.settings import Settings

    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[url.split("/")[2]].append(url)

    async def run() -> int:
        done = 0
        deadline = time.perf_counter() + seconds

        async def host(queue: list[str]) -> None:
            nonlocal done
            index = 0
            while time.perf_counter() < deadline:
                result = await fetcher.fetch(queue[index % len(queue)])
                index += 1
                if result.ok:
                    done += 1

        async with Fetcher(Settings(delay=0.0, retries=1), proxy=server.proxy) as fetcher:
            await asyncio.gather(*(host(q) for q in by_host.values()))
        return done

    cpu = time.process_time()
    done = asyncio.run(run())
    return (time.process_time() - cpu) / max(done, 1) * 1000, done


# -- 4. samples of a real crawl -----------------------------------------------------------

#: (process kind, marker in a py-spy frame "function (file:line)", stage). A sample goes to
#: the stage of its innermost marker frame.
MARKERS = (
    ("main", "fetch (archiver/fetch/fetcher.py", "fetch: Fetcher.fetch (httpx, h11, sockets)"),
    ("main", "commit (archiver/store/frontier.py", "SQLite: commit (rest)"),
    ("main", "_prepare (archiver/store/frontier.py", "SQLite: commit (rest)"),
    ("main", "save (archiver/store/writer.py", "SQLite: archive rows (Writer.save)"),
    ("main", "fts_insert (archiver/store/indexes.py", "SQLite: FTS insert"),
    ("main", "link_near_duplicates (", "SQLite: near-duplicate links"),
    ("main", "add_new (archiver/store/frontier.py", "SQLite: frontier rows of found links"),
    ("main", "claim (archiver/store/frontier.py", "SQLite: claims"),
    ("main", "_receive (archiver/crawl/workers.py", "IPC: receive + unpickle results"),
    ("main", "run (archiver/crawl/workers.py", "IPC: pickle + send work"),
    ("main", "_analyse (archiver/crawl/turns.py", "engine: turn bookkeeping (_analyse)"),
    ("main", "(archiver/crawl/report.py", "engine: reporting"),
    ("worker", "_answer (archiver/crawl/workers.py", "IPC: pickle + send the result"),
    ("worker", "_next_job (archiver/crawl/workers.py", "IPC: wait for / receive work"),
    # The stages timed in step 3, by the function's name in any module of archiver.
    *(("worker", f"{name} (archiver/", label) for _, name, label in WORKER_STAGES),
)
_FRAME = re.compile(r"^(?P<name>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


#: Leaf frames of a thread that waits (the event loop's epoll, the executor's pipes and
#: locks): sampled when py-spy sees the thread runnable, they are not work.
WAITING = (
    "select (selectors.py",
    "_read (archiver/crawl/workers.py",
    "_watchdog (archiver/crawl/workers.py",
    "wait (threading.py",
    "acquire (",
    "sleep (",
)


def sampled(spy: str, server: Server, args: argparse.Namespace, workdir: Path) -> None:
    """Crawl under py-spy; print the stage each sample falls in and the hottest functions.

    py-spy samples wall-clock time of running (or runnable) threads: on a busy 2-core
    machine that overstates CPU. So the samples give shares only, and each process
    kind's shares are scaled to the CPU that kind used in this crawl (psutil).
    """
    import psutil

    config = workdir / "bench.toml"
    write_config(server, args, config)
    out = workdir / "samples.txt"
    db = workdir / "sampled.db"
    rate = 250
    command = [spy, "record", "--subprocesses", "--nonblocking", "-r", str(rate)]
    command += ["-f", "raw", "-o", str(out)]
    command += ["--", sys.executable, "-m", "archiver", "crawl", "--config", str(config)]
    command += ["--db", str(db), "--quiet", "--workers", str(args.workers)]
    if server.proxy:
        command += ["--proxy", server.proxy]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu: dict[int, list] = {}  # pid → [kind, CPU seconds]
    while recorder.poll() is None:
        with contextlib.suppress(psutil.Error):
            crawl = psutil.Process(recorder.pid).children()
            for index, proc in enumerate(
                [*crawl, *(c for p in crawl for c in p.children(recursive=True))]
            ):
                times = proc.cpu_times()
                entry = cpu.setdefault(proc.pid, ["main" if index < len(crawl) else "worker", 0])
                entry[1] = times.user + times.system
        time.sleep(0.05)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        pages = conn.execute("SELECT count(*) FROM fetches").fetchone()[0] or 1
    measured = {k: sum(c for kind, c in cpu.values() if kind == k) / pages * 1000 for k in WHO}
    stages: dict[tuple[str, str], int] = defaultdict(int)
    own: dict[tuple[str, str], int] = defaultdict(int)
    inclusive: dict[tuple[str, str], int] = defaultdict(int)
    work: dict[str, int] = defaultdict(int)
    waiting: dict[str, int] = defaultdict(int)
    for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not stack.startswith("process "):
            continue
        frames = stack.split(";")[1:]
        kind = "worker" if any("_serve (archiver/crawl/workers.py" in f for f in frames) else "main"
        n = int(count)
        if not frames or any(w in frames[-1] for w in WAITING):
            waiting[kind] += n
            continue
        work[kind] += n
        stage = "other (engine, event loop)" if kind == "main" else "other"
        for frame in frames:  # root to leaf: the innermost marker wins
            for where, marker, label in MARKERS:
                if where == kind and marker in frame:
                    stage = label
        stages[kind, stage] += n
        names = [_function(f) for f in frames]
        own[kind, names[-1]] += n
        for name in set(names):
            inclusive[kind, name] += n
    print(
        f"\nsamples of a crawl under py-spy ({pages} pages; each process kind's samples "
        "scaled to the CPU it used in that crawl):"
    )
    for kind in WHO:
        scale = measured[kind] / max(work[kind], 1)
        print(
            f"  {kind}: {measured[kind]:.2f} ms CPU per page ({work[kind]:,} samples at work, "
            f"{waiting[kind]:,} waiting left out)"
        )
        rows = sorted(((n, stage) for (k, stage), n in stages.items() if k == kind), reverse=True)
        for n, stage in rows:
            print(f"    {stage:<52}{n * scale:8.2f}")
    for kind in WHO:
        scale = measured[kind] / max(work[kind], 1)
        print(f"\n  hottest functions, {kind} (own ms per page, inclusive ms per page):")
        rows = sorted(((n, name) for (k, name), n in own.items() if k == kind), reverse=True)
        for n, name in rows[: args.top]:
            print(f"    {n * scale:7.3f} {inclusive[kind, name] * scale:7.3f}  {name}")


WHO = ("main", "worker")


def _function(frame: str) -> str:
    """``file:function`` of a py-spy frame, without the line (a frame names the current line)."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    return f"{match['file']}:{match['name']}"


# -- output -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=3000, help="pages of the real crawl")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--top", type=int, default=15, help="hottest functions listed")
    parser.add_argument("--port", type=int, default=0, help="the hosts' port (as crawl.py)")
    parser.add_argument("--proxy-mode", action="store_true")
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--generic", action="store_true", help="name no site profile")
    parser.add_argument("--spy-only", action="store_true", help="only the py-spy part")
    parser.add_argument("--no-spy", action="store_true", help="no py-spy part (step 4)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="write the jobs the workers met, bodies built again, to DIR/jobs-N.pkl "
        "(for bench/replay_count.py)",
    )
    args = parser.parse_args(argv)
    args.synthetic_articles = max(args.pages // args.hosts + 20, 40)
    args.per_page = 50
    with tempfile.TemporaryDirectory() as tmp, Server(args) as server:
        workdir = Path(tmp)
        print(
            f"{server.note}; {args.hosts} hosts; crawl of {args.pages} pages, "
            f"{args.workers} workers\n"
        )
        if args.spy_only:
            spy = shutil.which("py-spy", path=str(Path(sys.executable).parent))
            sampled(spy or "py-spy", server, args, workdir)
            return 0
        # 1. The main process of a real crawl.
        stats, main_cpu, timers = crawl_in_process(server, args, workdir)
        run = stats.to_dict()
        pages = max(run["pages"], 1)
        articles = run["outcomes"].get("article", 0)
        html = run["outcomes"].get("html", 0)
        print(
            f"crawl: {run['pages']} pages ({articles} articles, {html} other HTML pages, "
            f"{run['outcomes'].get('robots', 0)} robots.txt) in {run['seconds']:.1f} s = "
            f"{run['pages_per_second']:.0f} pages/s; main process "
            f"{main_cpu / pages * 1000:.2f} ms CPU per page"
        )
        w = workers_in_crawl(workdir)
        if w["jobs"]:
            per = {k: v / w["jobs"] * 1000 for k, v in w.items() if k != "jobs"}
            print(
                f"workers in that crawl ({w['jobs']:.0f} pages): {per['cpu']:.2f} ms CPU per page, "
                f"of which the job (analyze_exchange) {per['job']:.2f}, receiving work "
                f"{per['get']:.2f}, sending the result {per['send']:.2f}, the rest "
                f"{per['cpu'] - per['job'] - per['get'] - per['send']:.2f}; garbage collections "
                f"{per['gc']:.2f} (in all of these)"
            )
        if run["pages"] < args.pages // 2:
            print(
                "the crawl fetched too few pages to profile (see bench/crawl.py's notes on --port)",
                file=sys.stderr,
            )
            return 1
        # 2. Fetching alone, on the article pages the crawl met.
        met = [m for path in sorted(workdir.glob("met-*.pkl")) for m in pages_met(path)]
        urls = [exchange.final_url for exchange, kwargs, _ in met if kwargs["kind"] == "article"]
        fetch = fetch_cost(server, urls, seconds=10.0)
        # 3. The worker's share: each worker's pages replayed once, in its order.
        site, _ = make_site(
            not args.synthetic, args.hosts, args.synthetic_articles, args.size, args.per_page, 0
        )
        network = Network(site, args.hosts, port=server.port, loopback=server.loopback)
        _REPLAY.update(network=network, proxied=not server.loopback)
        if args.keep:
            keep_jobs(workdir, args.keep)
        ms, runs, lost = worker_stages(workdir)
        print_table(timers, pages, main_cpu, fetch, ms, runs)
        if w["jobs"]:
            print(
                f"the job in the crawl {per['job']:.2f} ms a page, replayed apart "
                f"{ms['crawl'][ALL]:.2f}"
                + (f" ({lost} pages whose body could not be built again left out)" if lost else "")
            )
        if args.no_spy:
            return 0
        # 4. Where the samples of a real crawl fall, and the hottest functions.
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which(
            "py-spy"
        )
        if spy is None:
            print("\npy-spy not installed (pip install -e '.[bench]'): no sampled profile")
            return 0
        sampled(spy, server, args, workdir)
    return 0


def print_table(
    timers: Timers,
    pages: int,
    main_cpu: float,
    fetch: tuple[float, int],
    ms: dict[str, dict[str, float]],
    runs: dict[str, int],
) -> None:
    """The stage table: main-process rows (crawl only), worker rows (articles, other
    pages, all the pages the crawl met)."""
    t = {k: v / pages * 1000 for k, v in timers.seconds.items()}
    commit = t.get("SQLite: Frontier.commit, all of it", 0.0)
    save = t.get("SQLite: fetch, body, article rows (Writer.save)", 0.0)
    indexes = t.get("SQLite: FTS insert", 0.0) + t.get("SQLite: near-duplicate lookup + links", 0)
    adds = t.get("SQLite: frontier rows of discovered links (add_new)", 0.0)
    claims = t.get("SQLite: claims (Frontier.claim)", 0.0)
    art, oth, crawl = (ms[g] for g in GROUPS)

    main_ms = main_cpu / pages * 1000
    unpickle = crawl.get(UNPICKLE, 0.0)
    engine = main_ms - fetch[0] - commit - claims - unpickle
    stages = list(dict.fromkeys(label for _, _, label in WORKER_STAGES))

    def cells(label: str) -> tuple[float, float, float]:
        return art.get(label, 0.0), oth.get(label, 0.0), crawl.get(label, 0.0)

    def job(d: dict[str, float]) -> float:
        return d.get(ALL, 0.0) + d.get(PICKLE, 0.0)

    def rest(d: dict[str, float]) -> float:
        return d.get(ALL, 0.0) - sum(d.get(label, 0.0) for label in stages)

    rows: list[tuple[str, float | None, float | None, float]] = [
        ("MAIN PROCESS (measured in the crawl)", None, None, main_ms),
        (f"  fetch: archiver's Fetcher alone ({fetch[1]} pages)", None, None, fetch[0]),
        ("  SQLite: Frontier.commit", None, None, commit),
        ("    archive rows: fetch, body, article (Writer.save)", None, None, save),
        ("      of which FTS insert + near-duplicate links", None, None, indexes),
        ("    frontier rows of discovered links (frontier.add_new)", None, None, adds),
        ("    the rest (finish, refresh, reading known bodies)", None, None, commit - save - adds),
        ("  SQLite: claims (Frontier.claim)", None, None, claims),
        ("  unpickling the workers' results", None, None, unpickle),
        ("  engine, event loop, reporting (the remainder)", None, None, engine),
        ("WORKER (analyze_exchange + pickling)", job(art), job(oth), job(crawl)),
    ]
    rows += [(f"  {label}", *cells(label)) for label in stages]
    rows.append(("  other (scope, classify, sha256, fetch row)", rest(art), rest(oth), rest(crawl)))
    rows.append(("  pickling the result", *cells(PICKLE)))
    rows.append(("TOTAL (main + worker)", None, None, main_ms + job(crawl)))
    print(f"\n{'CPU ms per crawled page':<58}{'articles':>9}{'others':>9}{'crawl':>8}")
    for label, a, b, c in rows:
        row = "".join(f"{v:9.2f}" if v is not None else " " * 9 for v in (a, b))
        print(f"{label:<58}{row}{c:8.2f}")
    print(
        f"(the worker's stages: the pages the crawl's workers met, each worker's replayed once "
        f"in its order: {runs['articles']} article pages, {runs['others']} others: seeds, "
        "listings, other pages)"
    )


if __name__ == "__main__":
    sys.exit(main())
