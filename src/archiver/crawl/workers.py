"""Parsing worker processes that never outlive the crawl that started them.

A forked worker inherits every descriptor of the crawl, the run lock's among them, and
blocks on a pipe the crawl itself keeps open: after a ``kill -9`` of the crawl it would
live on, holding the lock. So each worker, as it starts,

- closes its copy of the run lock's descriptor;
- asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
- runs a watchdog thread that exits the process once its parent is gone (the portable
  fallback: where ``prctl`` is missing, or the parent died before it took effect);
- ignores SIGINT and SIGTERM, so Ctrl-C at a terminal (sent to the whole process
  group) reaches only the crawl, which stops its workers itself.

Pages go to the workers and analyses come back over a pair of pipes per worker that the
crawl's event loop reads and writes itself (:class:`WorkerPool`). A process pool's
executor would move each page through two threads of the crawl (its manager thread and
its queue's feeder) and a wake-up of the loop from a third, with a shared queue whose
lock every worker takes: the thread hops cost the crawl's process about 0.3-0.4 ms of
CPU a page.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["WATCHDOG_SECONDS", "WorkerPool", "start_workers", "stop_workers"]

#: How often a worker checks that its parent is still there.
WATCHDOG_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1
#: Jobs handed to one worker at a time: the one it runs and the next, waiting in its pipe
#: (it never waits for the crawl's loop between two pages); the rest wait in the pool.
JOBS_PER_WORKER = 2
#: Bytes read from a worker's result pipe at once (at least: a long result is read whole).
READ_CHUNK = 256 * 1024
_HEADER = 8  # a frame's length, little-endian, then the pickled frame


class _Worker:
    """One worker process and the crawl's ends of its two pipes."""

    def __init__(self, process: Any, jobs: int, results: int) -> None:
        self.process = process
        self.jobs = jobs  # the crawl writes pages here
        self.results = results  # ... and reads analyses here
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.writing = False


class WorkerPool:
    """Worker processes fed and read by the running event loop, with no thread between.

    :meth:`run` sends a call (a picklable function and its arguments) to the worker with
    the fewest jobs and gives its result, or raises its exception. A worker that dies
    breaks the pool, as a process pool's executor is broken: its jobs and every later
    one raise :class:`~concurrent.futures.process.BrokenProcessPool`.
    """

    def __init__(self, count: int, *, close_fds: Iterable[int] = ()) -> None:
        context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self._pending: deque[tuple[bytes, asyncio.Future[Any]]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.broken: str | None = None
        parent, close = os.getpid(), tuple(close_fds)
        for _ in range(count):
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            # The child keeps only its own ends: the crawl's ends of every pipe (its own
            # and the workers' forked before it) are closed there.
            theirs = [fd for w in self.workers for fd in (w.jobs, w.results)]
            process = context.Process(
                target=_serve,
                args=(job_read, result_write, parent, (*close, *theirs, job_write, result_read)),
                name="archiver-parser",
                daemon=True,
            )
            process.start()
            os.close(job_read)
            os.close(result_write)
            self.workers.append(_Worker(process, job_write, result_read))

    # -- from the crawl's event loop -----------------------------------------------------

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker process."""
        if self.broken:
            raise BrokenProcessPool(self.broken)
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._attach(loop)
        future: asyncio.Future[Any] = loop.create_future()
        payload = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        self._pending.append((len(payload).to_bytes(_HEADER, "little") + payload, future))
        self._dispatch()
        return await future

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._detach()
        self._loop = loop
        for worker in self.workers:
            os.set_blocking(worker.jobs, False)
            os.set_blocking(worker.results, False)
            loop.add_reader(worker.results, self._readable, worker)
            loop.add_reader(worker.process.sentinel, self._died, worker)

    def _detach(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None or loop.is_closed():
            return
        for worker in self.workers:
            loop.remove_reader(worker.results)
            loop.remove_reader(worker.process.sentinel)
            if worker.writing:
                loop.remove_writer(worker.jobs)
                worker.writing = False

    def _dispatch(self) -> None:
        while self._pending:
            worker = min(self.workers, key=lambda w: len(w.waiting))
            if len(worker.waiting) >= JOBS_PER_WORKER:
                return
            frame, future = self._pending.popleft()
            if future.done():
                continue  # its turn was cancelled while it waited
            worker.waiting.append(future)
            worker.outbox += frame
            self._write(worker)

    def _write(self, worker: _Worker) -> None:
        try:
            while worker.outbox:
                sent = os.write(worker.jobs, worker.outbox)
                del worker.outbox[:sent]
        except BlockingIOError:
            pass
        except OSError as error:
            self._break(f"a parsing worker's pipe failed: {error}")
            return
        if worker.outbox and not worker.writing and self._loop is not None:
            worker.writing = True
            self._loop.add_writer(worker.jobs, self._write, worker)
        elif not worker.outbox and worker.writing and self._loop is not None:
            worker.writing = False
            self._loop.remove_writer(worker.jobs)

    def _readable(self, worker: _Worker) -> None:
        inbox = worker.inbox
        wanted = READ_CHUNK
        if len(inbox) >= _HEADER:
            wanted = max(wanted, int.from_bytes(inbox[:_HEADER], "little") + _HEADER - len(inbox))
        try:
            chunk = os.read(worker.results, wanted)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._died(worker)
            return
        inbox += chunk
        while len(inbox) >= _HEADER:
            size = int.from_bytes(inbox[:_HEADER], "little")
            if len(inbox) < _HEADER + size:
                break
            with memoryview(inbox) as view, view[_HEADER : _HEADER + size] as body:
                ok, value = pickle.loads(body)
            del inbox[: _HEADER + size]
            future = worker.waiting.popleft()
            if not future.done():
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        self._dispatch()

    def _died(self, worker: _Worker) -> None:
        code = worker.process.exitcode
        self._break(f"a parsing worker died (exit code {code})")

    def _break(self, reason: str) -> None:
        if self.broken:
            return
        self.broken = reason
        self._detach()
        waiting = [f for w in self.workers for f in w.waiting] + [f for _, f in self._pending]
        self._pending.clear()
        for future in waiting:
            if not future.done():
                future.set_exception(BrokenProcessPool(reason))

    # -- outside an event loop -----------------------------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the first worker, waiting for it (before the crawl's loop runs)."""
        if self._loop is not None or self.broken:
            raise RuntimeError("the pool is in use by an event loop, or broken")
        worker = self.workers[0]
        payload = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        _write_all(worker.jobs, len(payload).to_bytes(_HEADER, "little") + payload)
        frame = _read_frame(worker.results)
        if frame is None:
            raise BrokenProcessPool("a parsing worker died")
        ok, value = pickle.loads(frame)
        if not ok:
            raise value
        return value

    def shutdown(self, *, wait: bool) -> None:
        """End the workers: after their current page (``wait``), or at once."""
        self._break("the pool was shut down")
        for worker in self.workers:
            if not wait:
                with contextlib.suppress(OSError, ValueError):
                    worker.process.kill()
            with contextlib.suppress(OSError):
                os.close(worker.jobs)  # the end of its work: it exits when it reads that
        for worker in self.workers:
            worker.process.join()
            with contextlib.suppress(OSError):
                os.close(worker.results)
        self.workers = []


def _serve(jobs: int, results: int, parent: int, close_fds: tuple[int, ...]) -> None:
    """A worker's life: calls in, results (or the exception raised) out, until the end
    of the job pipe."""
    _bind_to_parent(parent, close_fds)
    while (frame := _read_frame(jobs)) is not None:
        fn, args = pickle.loads(frame)
        try:
            reply = (True, fn(*args))
        except BaseException as error:  # the crawl's turn reports it
            reply = (False, error)
        try:
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an unpicklable result or exception
            data = pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))
        _write_all(results, len(data).to_bytes(_HEADER, "little") + data)


def _read_frame(fd: int) -> bytes | None:
    """One frame from a blocking pipe; None at its end."""
    header = _read_exactly(fd, _HEADER)
    if header is None:
        return None
    return _read_exactly(fd, int.from_bytes(header, "little"))


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def start_workers(count: int, *, close_fds: Iterable[int] = ()) -> WorkerPool:
    """A pool of ``count`` worker processes bound to this process's life, forked at once.

    Start it before the crawl opens its archive and builds its frontier: each worker is
    a copy of this process as it is then, and RSS counts every page of that copy once
    per process.

    The objects this process holds when the workers fork (modules, site profiles, the
    plan) are moved out of the garbage collector's reach until :func:`stop_workers`
    (``gc.freeze``): the workers inherit them, and a collection there would walk them
    all and write to every page they share with this process. It saves each worker
    about 0.2 ms of CPU a page, and the memory those copied pages would take.
    """
    gc.freeze()
    # Forked now, they share only what this process holds now, not what it holds once the
    # crawl has begun (the archive's cache, the frontier, robots.txt files, pages in flight).
    return WorkerPool(count, close_fds=close_fds)


def stop_workers(executor: Any, *, wait: bool) -> None:
    """Shut the pool down; without ``wait``, kill workers busy with a page at once (a
    worker killed mid-page loses nothing: pages in flight are released to the frontier)."""
    if isinstance(executor, WorkerPool):
        executor.shutdown(wait=wait)
    else:  # another executor (tests hand the crawl thread pools)
        executor.shutdown(wait=wait, cancel_futures=True)
    gc.unfreeze()


def _bind_to_parent(parent: int, close_fds: tuple[int, ...]) -> None:
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before we could ask to die with it
    threading.Thread(target=_watchdog, args=(parent,), name="parent-watchdog", daemon=True).start()


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watchdog(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)
