"""Parsing workers: what they inherit from the crawl that forks them."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from archiver.crawl.workers import start_workers, stop_workers


def test_workers_fork_with_the_crawls_objects_out_of_the_collectors_reach_until_they_stop():
    executor = start_workers(1)
    try:
        assert gc.get_freeze_count() > 0
        # The worker's collector never walks (and so never copies) what it inherited.
        assert executor.call(gc.get_freeze_count) > 0
    finally:
        stop_workers(executor, wait=True)
    assert gc.get_freeze_count() == 0


def test_workers_are_forked_when_the_pool_starts_not_at_its_first_page():
    before = {p.pid for p in multiprocessing.active_children()}
    executor = start_workers(2)
    try:
        # Forked now, they are copies of the process as it is before the crawl opens its
        # archive and builds its frontier.
        forked = {p.pid for p in multiprocessing.active_children()} - before
        assert len(forked) == 2
    finally:
        stop_workers(executor, wait=True)


def _echo(value):
    return value


def _fail(message):
    raise ValueError(message)


def test_the_loop_feeds_and_reads_the_workers_large_results_and_errors_included():
    pool = start_workers(2)
    try:

        async def crawl():
            big = b"x" * (3 << 20)  # far over a pipe's buffer, both ways
            results = await asyncio.gather(*(pool.run(_echo, (n, big)) for n in range(20)))
            assert [n for n, _ in results] == list(range(20))
            assert all(body == big for _, body in results)
            with pytest.raises(ValueError, match="trang hỏng"):
                await pool.run(_fail, "trang hỏng")
            return await pool.run(os.getpid)

        first = asyncio.run(crawl())
        # A pool outlives one event loop (a crawl that failed to start, a second run).
        assert asyncio.run(crawl()) in {w.process.pid for w in pool.workers} and first
    finally:
        stop_workers(pool, wait=True)


def test_a_worker_that_dies_fails_its_pages_and_the_next_ones_without_hanging():
    pool = start_workers(1)
    try:

        async def crawl():
            dying = asyncio.ensure_future(pool.run(os._exit, 3))
            waiting = asyncio.ensure_future(pool.run(_echo, 1))
            for turn in (dying, waiting):
                with pytest.raises(BrokenProcessPool):
                    await asyncio.wait_for(turn, 10)
            with pytest.raises(BrokenProcessPool):
                await pool.run(_echo, 2)

        asyncio.run(crawl())
    finally:
        stop_workers(pool, wait=False)
