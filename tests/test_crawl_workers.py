"""Parsing workers: what they inherit from the crawl that forks them, how pages reach them."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal

import pytest

from archiver.crawl.workers import BrokenWorker, start_workers, stop_workers


def test_workers_fork_with_the_crawls_objects_out_of_the_collectors_reach_until_they_stop():
    workers = start_workers(1)
    try:
        assert gc.get_freeze_count() > 0
        # The worker's collector never walks (and so never copies) what it inherited.
        assert asyncio.run(workers.run(gc.get_freeze_count)) > 0
    finally:
        stop_workers(workers, wait=True)
    assert gc.get_freeze_count() == 0


def test_the_crawl_and_its_workers_collect_young_objects_less_often_until_they_stop():
    from archiver.crawl.workers import GC_THRESHOLD

    before = gc.get_threshold()
    workers = start_workers(2)
    try:
        assert gc.get_threshold() == (GC_THRESHOLD, *before[1:])
        answers = asyncio.run(_each_worker(workers, gc.get_threshold))
        assert answers == [(GC_THRESHOLD, *before[1:])] * 2
    finally:
        stop_workers(workers, wait=True)
    assert gc.get_threshold() == before
    stop_workers(workers, wait=True)  # (the crawl stops them, then its caller again)
    assert gc.get_threshold() == before


async def _each_worker(workers, fn):
    """``fn()`` in each worker: two jobs at once go to the two idle workers."""
    return await asyncio.gather(workers.run(fn), workers.run(fn))


def test_workers_are_forked_when_the_pool_starts_not_at_its_first_page():
    before = {p.pid for p in multiprocessing.active_children()}
    workers = start_workers(2)
    try:
        # Forked now, they are copies of the process as it is before the crawl opens its
        # archive and builds its frontier.
        forked = {p.pid for p in multiprocessing.active_children()} - before
        assert len(forked) == 2
    finally:
        stop_workers(workers, wait=True)


def test_pages_larger_than_a_pipe_go_and_come_back_whole_and_in_their_own_jobs():
    # 3 MB pages, more than a pipe holds, many at once on two workers: each answer is its
    # own job's, whichever worker ran it.
    workers = start_workers(2)

    async def crawl():
        pages = [bytes([n]) * (3_000_000 + n) for n in range(12)]
        return pages, await asyncio.gather(*(workers.run(_reverse, page) for page in pages))

    try:
        pages, answers = asyncio.run(crawl())
        assert answers == [page[::-1] for page in pages]
        assert len({pid for _, pid in asyncio.run(_pids(workers, 8))}) == 2
    finally:
        stop_workers(workers, wait=True)


def test_small_and_large_answers_mixed_come_back_whole_each_to_its_own_job(monkeypatch):
    # Many small answers in one read, large ones over several reads, a small one right
    # after a large one's last piece: all read into the one buffer the crawl keeps.
    from archiver.crawl import workers as pool

    buffers = []
    readv = os.readv

    def recording(fd, views):
        buffers.append(views[0])
        return readv(fd, views)

    monkeypatch.setattr(pool.os, "readv", recording)
    workers = start_workers(2)

    async def crawl():
        pages = [bytes([n % 256]) * (5 if n % 7 else 2_500_000 + n) for n in range(60)]
        return pages, await asyncio.gather(*(workers.run(_reverse, page) for page in pages))

    try:
        pages, answers = asyncio.run(crawl())
        assert answers == [page[::-1] for page in pages]
    finally:
        stop_workers(workers, wait=True)
    # (The workers' own readv, in their processes, is not recorded here.)
    assert len(buffers) > 1
    assert all(b.obj is buffers[0].obj for b in buffers)
    assert len(buffers[0]) == pool.PIPE_BYTES


def test_a_failing_job_raises_its_error_in_the_crawl_and_the_worker_goes_on():
    workers = start_workers(1)
    try:
        with pytest.raises(ValueError, match="not a page"):
            asyncio.run(workers.run(_fail, "not a page"))
        assert asyncio.run(workers.run(_reverse, b"ab")) == b"ba"
    finally:
        stop_workers(workers, wait=True)


def test_a_dead_worker_fails_the_pages_it_held_and_the_others_parse_the_rest():
    # A ProcessPoolExecutor breaks for good when one worker dies: every later page of
    # the crawl would fail. Here only the dead worker's page does.
    workers = start_workers(2)

    async def crawl():
        victim = workers.processes[0].pid
        held = asyncio.ensure_future(workers.run(_sleep_then_pid, 5.0))
        await asyncio.sleep(0.2)  # the first job goes to the first (least busy) worker
        os.kill(victim, signal.SIGKILL)
        with pytest.raises(BrokenWorker):
            await held
        return victim, [await workers.run(os.getpid) for _ in range(3)]

    try:
        victim, pids = asyncio.run(crawl())
        assert victim not in pids and len(set(pids)) == 1
    finally:
        stop_workers(workers, wait=False)


def test_stopping_without_waiting_kills_a_worker_busy_with_a_page():
    workers = start_workers(1)

    async def busy():
        job = asyncio.ensure_future(workers.run(_sleep_then_pid, 30.0))
        await asyncio.sleep(0.2)
        stop_workers(workers, wait=False)
        with pytest.raises(BrokenWorker):
            await job

    asyncio.run(busy())
    assert not workers.processes[0].is_alive()


def _reverse(data: bytes) -> bytes:
    return data[::-1]


def _fail(message: str) -> None:
    raise ValueError(message)


def _sleep_then_pid(seconds: float) -> int:
    import time

    time.sleep(seconds)
    return os.getpid()


def _pid_after(seconds: float) -> tuple[float, int]:
    import time

    time.sleep(seconds)
    return seconds, os.getpid()


async def _pids(workers, count):
    return await asyncio.gather(*(workers.run(_pid_after, 0.05) for _ in range(count)))
