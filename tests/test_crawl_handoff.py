"""Pages handed to the parsing workers in batches while the workers are behind."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

import pytest

from archiver.crawl.handoff import Handoff, run_batch


class Recording(ThreadPoolExecutor):
    """A pool whose tasks wait for ``gate``; it records how many calls each task held."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.gate = threading.Event()
        self.sizes: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        calls = fn.args[0] if getattr(fn, "func", None) is run_batch else [fn]
        self.sizes.append(len(calls))

        def gated():
            self.gate.wait(5)
            return fn(*args, **kwargs)

        return super().submit(gated)


def _page(n: int) -> str:
    if n == 5:
        raise ValueError(f"page {n} is broken")
    return f"analysis of {n}"


def test_pages_fetched_while_the_workers_are_busy_go_together_and_come_back_to_their_turns():
    async def main():
        pool = Recording(1)
        handoff = Handoff(pool, 1, max_batch=4)
        turns = [asyncio.ensure_future(handoff.run(partial(_page, n))) for n in range(10)]
        await asyncio.sleep(0.05)
        # One task per worker, one waiting: the rest wait in the handoff, to go together.
        assert pool.sizes == [1, 1]
        pool.gate.set()
        results = await asyncio.gather(*turns, return_exceptions=True)
        pool.shutdown()
        return pool.sizes, results

    sizes, results = asyncio.run(main())
    assert sizes == [1, 1, 4, 4]
    assert results[:5] == [f"analysis of {n}" for n in range(5)]
    # A page's failure is its own turn's, with the exception the page raised.
    assert isinstance(results[5], ValueError) and str(results[5]) == "page 5 is broken"
    assert results[6:] == [f"analysis of {n}" for n in range(6, 10)]


def test_when_the_workers_keep_up_every_page_goes_at_once_and_alone():
    async def main():
        pool = Recording(2)
        pool.gate.set()
        handoff = Handoff(pool, 2)
        results = [await handoff.run(partial(_page, n)) for n in range(4)]
        pool.shutdown()
        return pool.sizes, results

    sizes, results = asyncio.run(main())
    assert sizes == [1, 1, 1, 1]
    assert results == [f"analysis of {n}" for n in range(4)]


def test_a_page_asked_alone_skips_the_batch_and_a_cancelled_turn_is_left_out():
    async def main():
        pool = Recording(1)
        handoff = Handoff(pool, 1, max_batch=8)
        first = [asyncio.ensure_future(handoff.run(partial(_page, n))) for n in range(4)]
        await asyncio.sleep(0.01)
        first[2].cancel()  # a stopped crawl cancels the turn waiting for its page
        sitemap = asyncio.ensure_future(handoff.run(partial(_page, 9), alone=True))
        await asyncio.sleep(0.01)
        pool.gate.set()
        results = await asyncio.gather(*first, sitemap, return_exceptions=True)
        pool.shutdown()
        return pool.sizes, results

    sizes, results = asyncio.run(main())
    # Pages 0 and 1 go as the pool takes them; page 2's turn is cancelled before its
    # batch leaves, so only page 3 goes with it; the sitemap goes alone past the limit.
    assert sizes == [1, 1, 1, 1]
    assert results[0] == "analysis of 0" and results[1] == "analysis of 1"
    assert isinstance(results[2], asyncio.CancelledError)
    assert results[3] == "analysis of 3" and results[4] == "analysis of 9"


def test_a_pool_that_cannot_take_the_pages_fails_them():
    async def main():
        pool = ThreadPoolExecutor(1)
        pool.shutdown()
        handoff = Handoff(pool, 1)
        with pytest.raises(RuntimeError):
            await handoff.run(partial(_page, 1))

    asyncio.run(main())


def test_batches_cross_into_worker_processes():
    async def main():
        pool = ProcessPoolExecutor(1)
        try:
            handoff = Handoff(pool, 1, max_batch=3)
            return await asyncio.gather(
                *(handoff.run(partial(_page, n)) for n in range(8)), return_exceptions=True
            )
        finally:
            pool.shutdown()

    results = asyncio.run(main())
    assert [r if isinstance(r, str) else type(r).__name__ for r in results] == [
        *(f"analysis of {n}" for n in range(5)),
        "ValueError",
        "analysis of 6",
        "analysis of 7",
    ]
