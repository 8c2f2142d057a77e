"""Pages to the parsing workers in batches while the workers are behind.

Each task of a process pool costs the crawl's process, whatever its size: the submit
wakes the pool's manager thread, which hands the task to the queue's feeder thread,
which pickles it and writes it to a pipe; the result comes back through the manager
thread, which unpickles it and wakes the event loop (``call_soon_threadsafe``). Three
threads take the GIL in turn for every page: about 0.75 ms of CPU a page on the bench
crawl, beside the workers' own share of the queues.

A crawl is CPU-bound: while the workers are busy, fetched pages wait for them anyway.
:class:`Handoff` keeps at most ``workers + 1`` tasks in the pool (one waiting for each
worker to finish, so none goes idle between two) and gathers the pages fetched
meanwhile into the next task, up to ``max_batch`` of them: one pickle, one pipe
write each way and one round of the pool's threads for the lot. When the workers keep
up, every page goes alone at once, as before. A page's failure stays the page's (its
turn gets the exception, as from the pool); a broken pool fails every page it held.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

__all__ = ["MAX_BATCH", "Handoff"]

#: Pages in one task at most (the results of a batch come back together).
MAX_BATCH = 8

_Call = Callable[[], Any]


def run_batch(calls: list[_Call]) -> list[tuple[bool, Any]]:
    """In a worker: each call's result, or the exception it raised, in order."""
    results: list[tuple[bool, Any]] = []
    for call in calls:
        try:
            results.append((True, call()))
        except Exception as error:  # the page's own failure, given back to its turn
            results.append((False, error))
    return results


class Handoff:
    """Runs calls in ``executor``'s processes, batched while its ``workers`` are behind."""

    def __init__(self, executor: Executor, workers: int, *, max_batch: int = MAX_BATCH) -> None:
        self.executor = executor
        #: Tasks in the pool at most: one running in each worker, one waiting.
        self.limit = max(workers, 1) + 1
        self.max_batch = max(max_batch, 1)
        self._pending: list[tuple[_Call, asyncio.Future[Any]]] = []
        self._in_pool = 0

    async def run(self, call: _Call, *, alone: bool = False) -> Any:
        """``call()`` in a worker process; ``alone``: in a task of its own (a sitemap,
        whose result is big)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if alone:
            self._submit(loop, [(call, future)])
        else:
            self._pending.append((call, future))
            self._dispatch(loop)
        return await future

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._pending and self._in_pool < self.limit:
            batch = [(c, f) for c, f in self._pending[: self.max_batch] if not f.done()]
            del self._pending[: self.max_batch]
            if batch:
                self._submit(loop, batch)

    def _submit(
        self, loop: asyncio.AbstractEventLoop, batch: list[tuple[_Call, asyncio.Future[Any]]]
    ) -> None:
        futures = [f for _, f in batch]
        try:
            if len(batch) == 1:  # as the pool always had it: the call itself
                task = self.executor.submit(batch[0][0])
            else:
                task = self.executor.submit(partial(run_batch, [c for c, _ in batch]))
        except BaseException as error:  # a pool shut down or broken: the pages fail
            for future in futures:
                if not future.done():
                    future.set_exception(error)
            return
        self._in_pool += 1

        def arrived(task: concurrent.futures.Future[Any]) -> None:  # in the pool's thread
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._arrived, loop, task, futures)

        task.add_done_callback(arrived)

    def _arrived(
        self,
        loop: asyncio.AbstractEventLoop,
        task: concurrent.futures.Future[Any],
        futures: list[asyncio.Future[Any]],
    ) -> None:
        self._in_pool -= 1
        if task.cancelled():
            for future in futures:
                future.cancel()
        elif (error := task.exception()) is not None:
            for future in futures:
                if not future.done():
                    future.set_exception(error)
        elif len(futures) == 1:
            if not futures[0].done():
                futures[0].set_result(task.result())
        else:
            for future, (ok, value) in zip(futures, task.result(), strict=True):
                if future.done():
                    continue  # its turn was cancelled meanwhile
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        self._dispatch(loop)
