"""Parsing worker processes that never outlive the crawl that started them.

The crawl hands each page to a worker and gets its analysis back through two pipes per
worker, written and read by the event loop itself (:class:`Workers`): a job is one
``os.writev`` of a length and its pickle, a result one read the loop is woken for, like a
socket's. A ``ProcessPoolExecutor`` did the same through a feeder thread, a manager
thread, a shared queue with its lock and a wake-up of the loop per result: about 0.5 ms
of CPU a page between the crawl and its workers, where this takes a tenth of that.

A forked worker inherits every descriptor of the crawl, the run lock's among them, and
blocks on a pipe the crawl itself keeps open: after a ``kill -9`` of the crawl it would
live on, holding the lock. So each worker, as it starts,

- closes its copy of the run lock's descriptor, and the crawl's ends of every pipe;
- asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
- runs a watchdog thread that exits the process once its parent is gone (the portable
  fallback: where ``prctl`` is missing, or the parent died before it took effect);
- ignores SIGINT and SIGTERM, so Ctrl-C at a terminal (sent to the whole process
  group) reaches only the crawl, which stops its workers itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import fcntl
import gc
import multiprocessing
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any

__all__ = ["WATCHDOG_SECONDS", "BrokenWorker", "Workers", "start_workers", "stop_workers"]

#: How often a worker checks that its parent is still there.
WATCHDOG_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1
#: A frame: the pickle's length, then the pickle.
_HEADER = struct.Struct("<Q")
#: Bytes a pipe holds before its writer must wait (Linux lets any process ask for up to
#: 1 MiB): about ten 100 KB pages queued for a worker while the loop is busy elsewhere
#: (a commit), in one write each. 64 KiB, the default, takes two writes and a wait per page.
PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031
_PROTOCOL = pickle.HIGHEST_PROTOCOL
#: The garbage collector's first threshold in the crawl and its workers while they run
#: (Python's is 700): objects allocated and not yet freed before a young collection. A page
#: makes thousands of short-lived objects (httpx's and the frontier's in the crawl, the
#: extractor's in a worker), which set off a young collection every few pages, each walking
#: the live young objects again: 0.08 ms a page in the crawl's process and 0.05 in a
#: worker's on the bench's pages, against under 0.01 at 10,000. The pages make no garbage
#: cycles to speak of, and what cycles there are still count towards the threshold: the
#: memory they may hold stays bounded.
GC_THRESHOLD = 10_000


class BrokenWorker(RuntimeError):
    """A worker process died (killed, out of memory, a crash in C) with pages in hand."""


class _Worker:
    """The crawl's side of one worker: its process, its pipes, the jobs it holds."""

    def __init__(self, process: Any, jobs: int, results: int) -> None:
        self.process = process
        self.jobs = jobs
        self.results = results
        #: Futures of the jobs sent, in order (a worker answers them in that order).
        self.waiting: deque[asyncio.Future[Any]] = deque()
        #: What is still to be written to the jobs pipe (it was full).
        self.unsent: deque[memoryview] = deque()
        self.received = bytearray()
        #: The loop watches the jobs pipe for room (``unsent`` is not empty).
        self.writing = False
        self.alive = True


class Workers:
    """Worker processes forked now, each fed through a pipe of its own.

    ``await workers.run(fn, *args)`` runs ``fn(*args)`` in the worker with the fewest
    jobs in hand and returns what it returns (or raises what it raised); the function,
    its arguments and its result are pickled. A worker that dies fails the jobs it held
    with :class:`BrokenWorker`; the others go on.
    """

    def __init__(self, count: int, *, close_fds: Iterable[int] = ()) -> None:
        context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        #: Where results are read (see :meth:`_receive`), made at the first one.
        self._scratch: memoryview | None = None
        #: The collector's thresholds before :func:`start_workers` raised them (restored
        #: by :func:`stop_workers`).
        self.gc_threshold: tuple[int, ...] | None = None
        parent = os.getpid()
        for _ in range(count):
            jobs_out, jobs_in = os.pipe()
            results_out, results_in = os.pipe()
            for fd in (jobs_in, results_in):
                with contextlib.suppress(OSError):  # a smaller pipe only costs more writes
                    fcntl.fcntl(fd, _F_SETPIPE_SZ, PIPE_BYTES)
            # The crawl's ends of every pipe (this worker's and the earlier ones'), which
            # the worker must not keep: a worker would never see its jobs pipe close.
            theirs = [jobs_in, results_out]
            theirs += [fd for w in self._workers for fd in (w.jobs, w.results)]
            process = context.Process(
                target=_serve,
                args=(jobs_out, results_in, parent, (*close_fds, *theirs)),
                name="archiver-parser",
                daemon=True,
            )
            process.start()
            os.close(jobs_out)
            os.close(results_in)
            os.set_blocking(jobs_in, False)
            os.set_blocking(results_out, False)
            self._workers.append(_Worker(process, jobs_in, results_out))

    @property
    def processes(self) -> list[Any]:
        return [w.process for w in self._workers]

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker process."""
        if self._closed:
            raise RuntimeError("the parsing workers are stopped")
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._attach(loop)
        live = [w for w in self._workers if w.alive]
        if not live:
            raise BrokenWorker("every parsing worker died")
        worker = min(live, key=lambda w: len(w.waiting))
        payload = pickle.dumps((fn, args), _PROTOCOL)
        future = loop.create_future()
        worker.waiting.append(future)
        self._send(worker, [_HEADER.pack(len(payload)), payload])
        return await future

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read results in ``loop`` (the crawl's; one at a time)."""
        if self._loop is not None:
            for worker in self._workers:
                if worker.alive:
                    with contextlib.suppress(RuntimeError, AttributeError, ValueError):
                        self._loop.remove_reader(worker.results)
        self._loop = loop
        for worker in self._workers:
            if worker.alive:
                loop.add_reader(worker.results, self._receive, worker)

    def _send(self, worker: _Worker, parts: list[bytes]) -> None:
        queued = bool(worker.unsent)  # behind a frame the pipe had no room for
        worker.unsent.extend(memoryview(part) for part in parts)
        if not queued:
            self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        """Write what waits for the jobs pipe; what it has no room for, once it has."""
        unsent = worker.unsent
        while unsent:
            written = self._io(worker, os.writev, worker.jobs, list(unsent))
            if written is None:
                break
            while unsent and written >= len(unsent[0]):
                written -= len(unsent.popleft())
            if written:
                unsent[0] = unsent[0][written:]
        waiting = bool(unsent) and worker.alive
        if waiting != worker.writing and self._loop is not None:
            worker.writing = waiting
            if waiting:
                self._loop.add_writer(worker.jobs, self._flush, worker)
            else:
                self._loop.remove_writer(worker.jobs)

    def _io(self, worker: _Worker, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)`` on a pipe of ``worker``; None when it would block or the
        worker is gone (then it is marked so)."""
        try:
            return call(*args)
        except BlockingIOError:
            return None
        except OSError as error:
            self._lost(worker, error)
            return None

    def _receive(self, worker: _Worker) -> None:
        """Results arrived (or the worker's end of the pipe closed).

        They are read into one buffer kept for the crawl (``os.read`` of up to a pipe's
        1 MiB would allocate that much and shrink it on every call), and unpickled from
        there: only the part of a frame the pipe has not delivered yet waits in
        ``worker.received``.
        """
        scratch = self._scratch
        if scratch is None:
            scratch = self._scratch = memoryview(bytearray(PIPE_BYTES))
        got = self._io(worker, os.readv, worker.results, [scratch])
        if got is None:
            return
        if not got:
            self._lost(worker, None)
            return
        buffer = worker.received
        if buffer:  # a frame begun in an earlier read: it goes on there
            buffer += scratch[:got]
            with memoryview(buffer) as view:
                start = self._results(worker, view)
            del buffer[:start]
        else:
            start = self._results(worker, scratch[:got])
            buffer += scratch[start:got]

    def _results(self, worker: _Worker, data: memoryview) -> int:
        """Settle the futures of the whole frames at the start of ``data``; the length of
        those frames."""
        start = 0
        size = _HEADER.size
        while len(data) - start >= size:
            (length,) = _HEADER.unpack_from(data, start)
            end = start + size + length
            if len(data) < end:
                break
            ok, value = pickle.loads(data[start + size : end])
            start = end
            future = worker.waiting.popleft()
            if future.done():  # cancelled (a stopping crawl)
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        return start

    def _lost(self, worker: _Worker, error: OSError | None) -> None:
        if not worker.alive:
            return
        worker.alive = False
        if self._loop is not None:
            # (The loop may be closed already: a crawl stops its workers as it ends.)
            with contextlib.suppress(RuntimeError, AttributeError, ValueError):
                self._loop.remove_reader(worker.results)
                self._loop.remove_writer(worker.jobs)
        worker.writing = False
        worker.unsent.clear()
        code = worker.process.exitcode
        why = f"exit code {code}" if code is not None else (str(error) or "its pipe closed")
        while worker.waiting:
            future = worker.waiting.popleft()
            if not future.done():
                future.set_exception(
                    BrokenWorker(f"parsing worker {worker.process.pid} died ({why})")
                )

    def stop(self, *, wait: bool) -> None:
        """End the workers: at once, or (``wait``) once the page each one holds is done."""
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            if not wait:
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    worker.process.kill()
            self._lost(worker, None)
            # Closing its jobs pipe tells a worker to end; closing its results pipe ends
            # one that would still be writing a result.
            for fd in (worker.jobs, worker.results):
                with contextlib.suppress(OSError):
                    os.close(fd)
        for worker in self._workers:
            worker.process.join(timeout=10 if wait else 1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=1)


def start_workers(count: int, *, close_fds: Iterable[int] = ()) -> Workers:
    """``count`` worker processes bound to this process's life, forked at once.

    Start them before the crawl opens its archive and builds its frontier: each worker
    is a copy of this process as it is then, and RSS counts every page of that copy once
    per process.

    The objects this process holds when the workers fork (modules, site profiles, the
    plan) are moved out of the garbage collector's reach until :func:`stop_workers`
    (``gc.freeze``): the workers inherit them, and a collection there would walk them
    all and write to every page they share with this process. It saves each worker
    about 0.2 ms of CPU a page, and the memory those copied pages would take. The young
    generation's threshold is raised to :data:`GC_THRESHOLD` here and in the workers.
    """
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, before[0]), *before[1:])  # the workers inherit it
    try:
        workers = Workers(count, close_fds=close_fds)
    except BaseException:
        gc.set_threshold(*before)
        raise
    workers.gc_threshold = before
    return workers


def stop_workers(workers: Workers | Executor, *, wait: bool) -> None:
    """Stop the workers; without ``wait``, kill workers busy with a page at once.

    (An ``Executor`` stands in for them in tests: it is shut down.)"""
    if isinstance(workers, Workers):
        workers.stop(wait=wait)
        if workers.gc_threshold is not None:
            gc.set_threshold(*workers.gc_threshold)
            workers.gc_threshold = None
    else:
        workers.shutdown(wait=wait, cancel_futures=True)
    gc.unfreeze()


def _serve(jobs: int, results: int, parent: int, close_fds: tuple[int, ...]) -> None:
    """A worker's life: read a job, run it, write its result, until the jobs pipe closes."""
    _bind_to_parent(parent, close_fds)
    while (job := _next_job(jobs)) is not None:
        try:
            fn, args = job
            del job
            answer: tuple[bool, Any] = (True, fn(*args))
        except BaseException as error:  # the crawl decides what a failed job means
            answer = (False, error)
        if not _answer(results, answer):
            return


def _next_job(jobs: int) -> Any:
    """The next job of the crawl; None once it closed the pipe (time to stop)."""
    header = _read(jobs, _HEADER.size)
    if header is None:
        return None
    payload = _read(jobs, _HEADER.unpack(header)[0])
    return None if payload is None else pickle.loads(payload)


def _answer(results: int, answer: tuple[bool, Any]) -> bool:
    """Send a job's result (or error) back; False once the crawl stopped reading."""
    try:
        data = pickle.dumps(answer, _PROTOCOL)
    except Exception as error:  # a result or error that cannot travel
        data = pickle.dumps((False, RuntimeError(f"{answer[1]!r}: {error}")), _PROTOCOL)
    try:
        _write(results, _HEADER.pack(len(data)), data)
    except BrokenPipeError:
        return False
    return True


def _read(fd: int, size: int) -> bytearray | None:
    """Exactly ``size`` bytes of ``fd``; None at its end."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            return None
        got += n
    view.release()
    return buffer


def _write(fd: int, header: bytes, data: bytes) -> None:
    parts = [memoryview(header), memoryview(data)]
    while parts:
        written = os.writev(fd, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts[0])
            parts.pop(0)
        if parts and written:
            parts[0] = parts[0][written:]


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
