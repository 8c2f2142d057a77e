"""Benchmark: one shared httpx connection pool vs one small pool per host (encode/httpx#3215).

The loopback server (bench/loopserver.py, in a child process) simulates HOSTS hosts, one
port each, answering a ~100 KB page after 50 ms. HOSTS workers, one per host (politeness:
1 in flight per host), fetch for SECONDS each way:

- shared:   one httpx.AsyncClient for every host (max_connections = HOSTS)
- per-host: one httpx.AsyncClient per host (max_connections = 2), as archiver.fetch does
- fetcher:  archiver's Fetcher (per-host clients + raw streaming, limits, Exchange records)

The ideal is HOSTS / 0.05 s requests/s; the gap is client CPU. Figures go to stdout.

    .venv/bin/python bench/fetch_pool.py [--hosts 50 [100 200]] [--seconds 5]

For callgrind, a fixed number of fetches per host instead of a time (the difference of two
counts is the cost of the fetches between them, start-up aside):

    PYTHONHASHSEED=0 valgrind --tool=callgrind \
        .venv/bin/python bench/fetch_pool.py --ways fetcher --fetches 30   # and --fetches 6
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archiver.fetch import Fetcher
from archiver.settings import Settings
from loopserver import LoopServerProcess

DELAY = 0.05
SIZE = 100_000
Get = Callable[[str], Awaitable[int]]


Run = tuple[int, int, float, float]  # (pages, errors, wall seconds, CPU seconds)


#: Fetches per host instead of a time (``--fetches``): for instruction counts.
FETCHES = 0


async def _drive(urls: list[str], get: Get, seconds: float) -> Run:
    """Each URL's worker fetches in a loop until the deadline (or FETCHES times)."""
    await asyncio.gather(*(get(url) for url in urls))  # connections up, caches warm
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(url: str) -> None:
        nonlocal done, errors
        left = FETCHES
        while (left := left - 1) >= 0 if FETCHES else time.perf_counter() < deadline:
            try:
                size = await get(url)
            except (httpx.TransportError, FetchFailed):
                errors += 1
                continue
            assert size >= SIZE, size
            done += 1

    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(url) for url in urls))
    return done, errors, time.perf_counter() - wall, time.process_time() - cpu


class FetchFailed(Exception):
    """The fetcher reported a failure (it records errors instead of raising)."""


async def shared(urls: list[str], seconds: float) -> Run:
    limits = httpx.Limits(max_connections=len(urls), max_keepalive_connections=len(urls))
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def get(url: str) -> int:
            return len((await client.get(url)).content)

        return await _drive(urls, get, seconds)


async def per_host(urls: list[str], seconds: float) -> Run:
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    clients = {url: httpx.AsyncClient(limits=limits, trust_env=False) for url in urls}
    try:

        async def get(url: str) -> int:
            return len((await clients[url].get(url)).content)

        return await _drive(urls, get, seconds)
    finally:
        for client in clients.values():
            await client.aclose()


async def fetcher(urls: list[str], seconds: float) -> Run:
    async with Fetcher(Settings(retries=1)) as fetch:

        async def get(url: str) -> int:
            result = await fetch.fetch(url)
            if result.kind != "ok":
                raise FetchFailed(result.detail)
            return len(result.body)

        return await _drive(urls, get, seconds)


WAYS = {"shared": shared, "per-host": per_host, "fetcher": fetcher}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[50])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--ways", nargs="+", choices=list(WAYS), default=list(WAYS))
    parser.add_argument("--fetches", type=int, default=0, help="per host, instead of --seconds")
    args = parser.parse_args()
    global FETCHES
    FETCHES = args.fetches
    print(
        f"{SIZE // 1000} KB pages, {DELAY * 1000:.0f} ms latency, 1 request in flight per host, "
        f"{args.seconds:g} s per run"
    )
    print(f"{'hosts':>5} {'way':<9} {'req/s':>7} {'of ideal':>8} {'CPU ms/req':>10} {'errors':>6}")
    for hosts in args.hosts:
        with LoopServerProcess(hosts=hosts, delay=DELAY, size=SIZE) as ports:
            urls = [f"http://127.0.0.1:{port}/" for port in ports]
            ideal = hosts / DELAY
            for way in args.ways:
                done, errors, wall, cpu = asyncio.run(WAYS[way](urls, args.seconds))
                rate = done / wall
                print(
                    f"{hosts:>5} {way:<9} {rate:>7.0f} {rate / ideal:>8.0%} "
                    f"{cpu / max(done, 1) * 1000:>10.2f} {errors:>6}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
