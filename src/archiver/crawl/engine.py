"""The crawl loop: take due URLs from the frontier, fetch them politely, analyse, commit.

One asyncio loop runs the whole crawl. For every host it keeps a short in-memory
queue claimed from the frontier (so a 100,000-URL frontier costs little memory),
starts a turn whenever :class:`~archiver.crawl.politeness.Politeness` lets the
host take one, and commits finished turns in small batches, each batch one
transaction with the frontier changes it implies. Parsing (the CPU-heavy part)
runs in worker processes when ``workers > 0``, so fetching never waits for it.

A turn (:mod:`archiver.crawl.turns`) is: robots.txt check, fetch (retries, redirects and
limits live in :mod:`archiver.fetch`), analysis (:mod:`archiver.crawl.analyze`),
and an :class:`~archiver.crawl.outcome.TurnOutcome` saying what to record.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import Counter, deque
from datetime import datetime
from typing import Any

from archiver.crawl.budget import MAX_PAGES, Budget
from archiver.crawl.config import CrawlPlan
from archiver.crawl.eta import ProgressMeter
from archiver.crawl.outcome import TurnOutcome
from archiver.crawl.report import CrawlStats, Reporter, backlog_line, stop_line
from archiver.crawl.seeds import seed_urls
from archiver.crawl.turns import Turns, now
from archiver.crawl.workers import start_workers, stop_workers
from archiver.dates.stored import now_iso
from archiver.fetch.fetcher import Fetcher
from archiver.fetch.robots import robots_url
from archiver.store.frontier import Claimed, NewURL

#: Claimed URLs kept in memory per host; more stay in the frontier table.
QUEUE_WINDOW = 32
#: Fetched pages allowed to wait for parsing, per worker process.
ANALYSIS_BACKLOG = 16
#: A host whose frontier had nothing due is asked again after this many seconds.
REFILL_PAUSE = 0.25
#: Commit finished turns when this many are waiting, or after FLUSH_SECONDS. (Each commit
#: writes a segment of the full-text index that later commits merge, and wakes the loop:
#: fewer, larger transactions cost less. 2 s rather than 0.5 s took the commit from about
#: 1.0 to 0.8 ms of CPU a page on the bench crawl. A kill loses at most these turns; their
#: URLs are fetched again by the next run, as a page in flight is.)
FLUSH_BATCH = 256
FLUSH_SECONDS = 2.0
#: ... or when they hold this many discovered URLs (a sitemap's turn alone may hold
#: 50,000): the rows wait in memory until their commit.
FLUSH_URLS = 16_384
#: A run waits for URLs that come due within this many seconds (Retry-After, retries);
#: later ones (a host paused for longer, view-count revisits in hours or days) are left
#: to the next scheduled run.
MAX_IDLE_WAIT = 120.0
#: A run expected to take this long at the hosts' pace is announced before it starts.
LONG_RUN_SECONDS = 600.0


class Crawl:
    """One crawl run over a :class:`CrawlPlan`, writing through a store frontier."""

    def __init__(
        self,
        plan: CrawlPlan,
        frontier: Any,
        *,
        run_id: int,
        reporter: Reporter,
        fetcher: Fetcher | None = None,
        workers: int = 0,
        recorder: Any = None,
        warc: Any = None,
        max_pages: int = 0,
        fetcher_options: dict[str, Any] | None = None,
        close_in_workers: tuple[int, ...] = (),
        host_slots: Any = None,
        executor: Any = None,
    ) -> None:
        self.plan = plan
        #: Descriptors the worker processes must not keep (the run lock's).
        self.close_in_workers = close_in_workers
        self.frontier = frontier
        self.run_id = run_id
        self.reporter = reporter
        self.workers = workers
        #: A pool started by the caller (:func:`~archiver.crawl.workers.start_workers`)
        #: before it opened the archive; the crawl stops it when it ends.
        self.executor = executor
        #: A :class:`~archiver.warc.WarcWriter` when the crawl also writes WARC files.
        self.warc = warc
        self.max_pages = max_pages or plan.settings.max_pages
        self.stats = CrawlStats()
        self.fetcher = fetcher or Fetcher(plan.settings, **(fetcher_options or {}))
        self.turns = Turns(
            plan,
            fetcher=self.fetcher,
            reporter=reporter,
            stats=self.stats,
            recorder=recorder,
            host_slots=host_slots,
        )
        self.politeness = self.turns.politeness
        self.robots = self.turns.robots
        self.queues: dict[str, deque[Claimed]] = {}
        #: URLs claimed per host at most (a shared frontier keeps it short: see its window).
        self._window: int = getattr(frontier, "claim_window", None) or QUEUE_WINDOW
        #: Hosts with a robots.txt turn running: their pages wait for it.
        self._robots_in_flight: set[str] = set()
        self._checked: dict[str, float] = {}
        self.tasks: dict[asyncio.Task[TurnOutcome], Claimed] = {}
        #: Rows of turns cancelled by a stop: given back to the frontier unfetched.
        self._abandoned: list[int] = []
        self._finished: deque[TurnOutcome] = deque()
        #: Something happened since the loop last looked (see :meth:`_wake`).
        self._woken = False
        self._waiter: asyncio.Future[None] | None = None
        self.pending: list[TurnOutcome] = []
        #: Discovered URLs (found, next pages, refreshed) in the pending turns.
        self._pending_urls = 0
        self.stopping = False
        #: Why the run stopped early: "signal", "max_time" or "max_pages" (None: it did not).
        self.stopped_by: str | None = None
        #: A second signal: stop at once, without the grace for pages in flight.
        self.forced = False
        self._grace_until = 0.0
        self.budget = Budget(plan, run_pages=self.max_pages)
        self.meter = ProgressMeter(
            self._count_due, self.politeness, concurrency=plan.settings.concurrency
        )
        #: URLs finished this run, per host (the progress bar's "done").
        self.done: Counter[str] = Counter()
        self._site_of_host: dict[str, str | None] = {}
        self._last_flush = time.monotonic()
        self._last_tick = 0.0
        #: The last start of turns stopped at the parsers' backlog.
        self._parsers_behind = False
        #: Hosts whose next page waits for a robots.txt turn in flight (at the last start).
        self._awaiting_robots: set[str] = set()

    # --- the loop ---------------------------------------------------------------------

    async def run(self) -> CrawlStats:
        loop = asyncio.get_running_loop()
        self._install_signals(loop)
        if self.executor is not None:
            self.turns.executor = self.executor
        elif self.workers > 0:
            self.turns.executor = start_workers(self.workers, close_fds=self.close_in_workers)
        try:
            seeds = seed_urls(self.plan, now().date())
            seeded = self.frontier.start(
                seeds.urls,
                hosts=sorted(self.turns.hosts),
                now=now_iso(),
                refresh=seeds.refresh,
                periods=[(t.name, *t.period.bounds()) for t in self.plan.targets],
            )
            self.reporter.note(
                f"Crawling {', '.join(t.name for t in self.plan.targets)}: "
                f"{seeded['queued']} URLs due, "
                f"{seeded['recovered']} recovered from an interrupted run"
            )
            # The time budgets count from here: starting the workers and seeding the
            # frontier are not crawling, and a loaded machine may take seconds over them.
            self.budget.restart()
            self._announce_long_run(self.budget.time_left())
            await self._loop()
        finally:
            self._cancel_turns()
            if self.tasks:
                await asyncio.wait(list(self.tasks))
            while self._finished:  # turns that ended while the others were cancelled
                self._record(self._finished.popleft())
            self._flush(force=True)
            unfetched = [item.id for q in self.queues.values() for item in q]
            self.frontier.release(unfetched + self._abandoned)
            # A budget that ended the run, or one site's share of it (a signal is not one).
            self.stats.stopped_by = self.budget.reason(self.stopped_by)
            if self.stats.stopped_by:
                self.stats.left = sum(self._count_due(sorted(self.turns.hosts)).values())
            await self.fetcher.aclose()
            if self.turns.executor is not None:
                # A stopped crawl does not wait for a page being parsed.
                stop_workers(self.turns.executor, wait=not self.stopping)
            self._remove_signals(loop)
        return self.stats

    async def _loop(self) -> None:
        while True:
            if not self.stopping and (reason := self.budget.run_spent()):
                self.stop(reason)
            if not self.stopping:
                self._refill()
                self._start_turns()
            elif self.tasks and (self.forced or time.monotonic() >= self._grace_until):
                self._cancel_turns()
            if not self.tasks and not self._finished:
                if self.stopping:
                    return  # paused hosts and queued URLs wait for the next run
                wait = self._idle_wait()
                if wait is None:
                    return
                await self._sleep(wait)  # a stop wakes it
                continue
            if not self._finished:
                # Sleep until a turn ends or a host's pause is over. (asyncio.wait over the
                # task set costs time in proportion to the number of turns in flight.) While
                # the parsers hold turns back, only a turn's end can let one start: hosts
                # ready meanwhile are not polled for.
                timeout = FLUSH_SECONDS if self._parsers_behind else self._next_ready_in()
                timeout = min(timeout, FLUSH_SECONDS)
                if self.stopping:
                    timeout = min(timeout, self._grace_until - time.monotonic())
                await self._sleep(max(timeout, 0.001))
            self._woken = False
            while self._finished:
                self._record(self._finished.popleft())
            self._flush()
            self._tick()

    async def _sleep(self, seconds: float) -> None:
        """Sleep until a turn ends, a stop is asked for, or ``seconds`` have passed.

        A bare future and a timer: ``asyncio.wait_for`` over ``Event.wait`` would make a
        task, a future and a cancellation on each of the loop's turns."""
        if self._woken:
            return
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(seconds, _resolve, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    def _wake(self) -> None:
        """End the loop's sleep (a turn ended, a stop was asked for)."""
        self._woken = True
        if self._waiter is not None:
            _resolve(self._waiter)

    def _turn_done(self, task: asyncio.Task[TurnOutcome]) -> None:
        item = self.tasks.pop(task)
        # Turns catch their own errors; a cancelled one (a stop) gives nothing to record,
        # and its URL goes back to the frontier as it was.
        if task.cancelled():
            self._abandoned.append(item.id)
        else:
            self._finished.append(task.result())
        self._wake()

    def _cancel_turns(self) -> None:
        for task in self.tasks:
            task.cancel()

    def _refill(self) -> None:
        """Claim due URLs for hosts whose in-memory queue runs low (each host at most 4 times/s)."""
        clock = time.monotonic()
        stamp: str | None = None
        for host in self.turns.hosts:
            queue = self.queues.get(host)
            if queue is not None and len(queue) >= self._window // 4:
                continue
            if self._spent(host):
                continue  # its site's budget is spent: what is due waits for the next run
            if self._checked.get(host, 0.0) > clock:
                continue
            if self.politeness.wait_time(host) > 1.0:
                continue  # paused or busy for a while: claim closer to its turn
            stamp = stamp or now_iso()
            if queue is None:
                queue = self.queues.setdefault(host, deque())
            claimed = self.frontier.claim(host, self._window - len(queue), stamp, self.run_id)
            queue.extend(claimed)
            self._checked[host] = clock + (0.0 if claimed else REFILL_PAUSE)

    def _start_turns(self) -> None:
        backlog = ANALYSIS_BACKLOG * max(self.workers, 1)
        self._parsers_behind = False
        self._awaiting_robots.clear()
        # Over a copy: a host that starts a turn moves to the back, so when the crawl-wide
        # host limit or the parsers hold turns back, every host gets its turn in rotation.
        for host, queue in list(self.queues.items()):
            if queue and self._spent(host):
                continue
            while queue and self.politeness.can_start(host):
                if self.turns.analysing >= backlog:
                    # The parsers are behind: fetch more when they catch up (a turn ends).
                    self._parsers_behind = True
                    return
                if self.budget.run_spent() == MAX_PAGES:
                    self.stop(MAX_PAGES)
                    return
                item = queue[0]
                try:
                    if not self._start_turn(host, queue, item):
                        # The robots.txt turn is in flight or not due: wait for it, and let
                        # a fleet's other crawlers have the host meanwhile.
                        self.politeness.cancel(host)
                        self._awaiting_robots.add(host)
                        break
                except Exception as error:  # a failure tied to one URL stays with that URL
                    if queue and queue[0] is item:
                        queue.popleft()
                    self._record(
                        TurnOutcome(
                            item,
                            "failed",
                            error=f"{type(error).__name__}: {error}",
                            label="crash",
                            site=item.site,
                        )
                    )

    def _start_turn(self, host: str, queue: deque[Claimed], item: Claimed) -> bool:
        """Start the turn of ``item`` (the head of ``queue``), or of the robots.txt it needs
        first; False when that robots.txt is still to come."""
        # One cache lookup for the page: what its origin's robots.txt says, when current.
        verdict = self.robots.verdict(item.url) if item.kind != "robots" else None
        if item.kind != "robots" and verdict is None:
            robots_item = self._robots_turn_for(item, queue)
            if robots_item is None:
                return False
            item = robots_item
        else:
            queue.popleft()
            if verdict is False:
                # No request is made, so the host's pace is not spent on it.
                self._record(
                    TurnOutcome(item, "done", label="disallowed", site=self.turns.site_of(item))
                )
                return True
        if item.kind == "robots":
            self._robots_in_flight.add(host)
        self.politeness.started(host)
        self.queues[host] = self.queues.pop(host)
        self.budget.started_page(self._site(host))
        task = asyncio.create_task(self.turns.run(item))
        task.add_done_callback(self._turn_done)
        self.tasks[task] = item
        return True

    def _robots_turn_for(self, item: Claimed, queue: deque[Claimed]) -> Claimed | None:
        """The robots.txt turn that must come before ``item``; None while one is in flight.

        Usually the host's robots.txt row is already in the queue. It is not when the
        cached policy ran out in a run longer than its lifetime, or when a page of the
        host links to another scheme or port (robots.txt is per origin): then that
        origin's robots.txt is claimed from the frontier, added if new.
        """
        queued = next((i for i in queue if i.kind == "robots"), None)
        if queued is not None:
            queue.remove(queued)
            return queued
        if item.host in self._robots_in_flight:
            return None
        self._flush(force=True)  # the row of an earlier robots.txt turn may await its commit
        robots = NewURL(robots_url(item.url), item.host, item.site, "robots")
        return self.frontier.claim_url(robots, now_iso(), self.run_id)

    def _queued_waits(self) -> list[float]:
        """Seconds until each host with claimed URLs may start one (inf: its slots are busy)."""
        return [
            self.politeness.wait_time(h) for h, q in self.queues.items() if q and not self._spent(h)
        ]

    def _next_ready_in(self) -> float:
        # A host waiting for its robots.txt turn is woken by that turn's end.
        waiting = self._awaiting_robots
        soonest = self.politeness.soonest(
            h for h, q in self.queues.items() if q and h not in waiting and not self._spent(h)
        )
        return FLUSH_SECONDS if soonest is None else soonest

    def _idle_wait(self) -> float | None:
        """How long to sleep with nothing in flight; None when the run is over.

        The soonest of: a host with claimed URLs may start one; a URL of a host with
        nothing claimed comes due in the frontier (found by the last turns, or a retry).
        A paused host never hides the others' work.
        """
        waits = self._queued_waits()
        self._flush(force=True)
        clock = time.monotonic()
        idle = sorted(h for h in self.turns.hosts if not self.queues.get(h) and not self._spent(h))
        # A host in a pause is claimed from only when the pause ends: its due URLs wait.
        pauses = {h: self.politeness.wait_time(h) for h in idle}
        ready = [h for h in idle if pauses[h] <= 1.0]
        due = self.frontier.next_due(ready) if ready else None
        if due is not None:
            # Not before the host is asked again (REFILL_PAUSE after an empty claim).
            soonest = min(max(self._checked.get(h, 0.0) - clock, 0.0) for h in ready)
            waits.append(max(_seconds_until(due), soonest))
        for host in idle:
            if pauses[host] > 1.0 and (paused_due := self.frontier.next_due([host])):
                waits.append(max(_seconds_until(paused_due), pauses[host]))
        wait = min(waits, default=None)
        if wait is None or wait > MAX_IDLE_WAIT:
            return None  # later work (a long pause, revisits) is the next run's
        deadline = self.budget.next_deadline_in()
        if deadline is not None:
            wait = min(wait, deadline)  # wake to stop when a time budget ends
        return max(wait, 0.01)

    # --- bookkeeping --------------------------------------------------------------------

    def _record(self, outcome: TurnOutcome) -> None:
        stats = self.stats
        if self.warc is not None and outcome.exchanges:
            # Written as the turn ends; the pointers reach the fetch rows in its commit.
            outcome.warc = self.warc.write(outcome.exchanges)
        if outcome.exchanges:
            stats.pages += 1
            status = outcome.exchanges[-1].status or 0
            if outcome.item.kind != "robots" and (200 <= status < 300 or status == 304):
                stats.pages_ok += 1
            stats.hosts[outcome.item.host] += 1
            stats.bytes += sum(len(e.body) for e in outcome.exchanges)
            if outcome.prepared is not None and outcome.exchanges[-1].body:
                # The page waits for its commit compressed in ``prepared``: its raw body
                # is not needed again (WARC and replay records are written above).
                outcome.exchanges[-1] = outcome.exchanges[-1].replaced(body=b"")
        if outcome.item.kind == "robots":
            self._robots_in_flight.discard(outcome.item.host)
        self.done[outcome.item.host] += 1
        stats.outcomes[outcome.label] += 1
        if outcome.label == "not_modified":
            stats.not_modified += 1
        if outcome.error and outcome.state == "failed":
            stats.errors += 1
            stats.failures.append((outcome.item.url, outcome.error))
        self.reporter.page(
            outcome.item.url,
            outcome.label,
            outcome.status,
            outcome.error if outcome.state == "failed" else None,
        )
        self.pending.append(outcome)
        self._pending_urls += len(outcome.found) + len(outcome.next_pages) + len(outcome.refresh)
        if outcome.redirected is not None and outcome.article is not None:
            self._drop_claimed(outcome.redirected.url, outcome.redirected.host)

    def _drop_claimed(self, url: str, host: str) -> None:
        """A turn's redirects led to ``url``: a claim of that page waiting in memory is not
        fetched again, its row is done (the commit records a queued one as done too)."""
        queue = self.queues.get(host)
        item = next((i for i in queue if i.url == url), None) if queue else None
        if queue is None or item is None or item.kind not in ("article", "page"):
            return
        queue.remove(item)
        self._record(TurnOutcome(item, "done", label="redirected", site=item.site))

    def _flush(self, force: bool = False) -> None:
        if not self.pending:
            return
        if (
            not force
            and len(self.pending) < FLUSH_BATCH
            and self._pending_urls < FLUSH_URLS
            and time.monotonic() - self._last_flush < FLUSH_SECONDS
        ):
            return
        batch, self.pending = self.pending, []
        self._pending_urls = 0
        if self.warc is not None:
            self.warc.flush()  # no fetch row may point at bytes still in a buffer
        results = self.frontier.commit(batch, run_id=self.run_id, now=now_iso())
        self._last_flush = time.monotonic()
        for result in results:
            if result is None:
                continue
            name = {
                "new": "articles_new",
                "updated": "articles_updated",
                "unchanged": "articles_unchanged",
                "alias": "aliases",
            }.get(result.outcome)
            if name:
                setattr(self.stats, name, getattr(self.stats, name) + 1)
        self.stats.view_counts += sum(
            1 for o in batch if o.article is not None and o.article.view_count is not None
        )

    def _tick(self) -> None:
        clock = time.monotonic()
        if clock - self._last_tick >= 1.0:
            self._last_tick = clock
            progress = None
            if getattr(self.reporter, "shows_progress", True):
                progress = self.meter.progress(
                    self._working_hosts(),
                    done=self.done,
                    elapsed=self.stats.elapsed,
                    budget_left=self.budget.time_left(),
                )
            self.reporter.tick(self.stats, {h: len(q) for h, q in self.queues.items()}, progress)

    # --- budgets and progress --------------------------------------------------------------

    def _site(self, host: str) -> str | None:
        """The plan's site (target name) ``host`` belongs to."""
        try:
            return self._site_of_host[host]
        except KeyError:
            target = self.turns.targets_by_host.get(host) or self.plan.target_for_host(host)
            site = self._site_of_host[host] = target.name if target else None
            return site

    def _spent(self, host: str) -> bool:
        if not self.budget.per_site:
            return False  # only the run's budget, checked apart
        site = self._site(host)
        return site is not None and self.budget.check(site) is not None

    def _working_hosts(self) -> list[str]:
        """The hosts this run may still fetch from (their site's budget not spent)."""
        return [h for h in self.turns.hosts if not self._spent(h)]

    def _count_due(self, hosts: list[str]) -> dict[str, int]:
        return self.frontier.due_by_host(hosts, now_iso())

    def _announce_long_run(self, budget: float | None) -> None:
        """Say so before a long run starts (a first backfill), and how to cap it; ``budget``
        is the run's time budget (None: none)."""
        due = self.meter.due(self._working_hosts(), self.done, fresh=True)
        seconds = self.meter.estimate(due)
        if seconds >= LONG_RUN_SECONDS:
            pace = {h: self.politeness.slot(h).delay for h, n in due.items() if n}
            self.reporter.note(
                backlog_line(sum(due.values()), seconds, pace, budget),
                due=sum(due.values()),
                seconds=round(seconds),
            )

    # --- setup ----------------------------------------------------------------------------

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not on every platform, nor outside the main thread: then Ctrl-C just interrupts.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.stop)

    def _remove_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)

    def stop(self, reason: str = "signal") -> None:
        """End the run soon (SIGINT, SIGTERM, a spent budget): the turns in flight get
        ``stop_grace`` seconds to finish and be committed, the others go back to the
        frontier. A second call cancels them at once."""
        if self.stopping:
            if not self.forced and reason == "signal":
                self.forced = True
                self.reporter.note("Stopping now; pages in flight go back to the queue")
                self._wake()
            return
        self.stopping = True
        self.stopped_by = reason
        grace = self.plan.settings.stop_grace
        self._grace_until = time.monotonic() + grace
        self.reporter.note(stop_line(reason, len(self.tasks), grace, self.plan.settings.max_time))
        self._wake()


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _seconds_until(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - now()).total_seconds()


def make_reporter(*, quiet: bool, verbose: bool, log_json: bool, live: bool) -> Reporter:
    from archiver.crawl.report import LiveReporter, LogReporter

    if live and not (quiet or verbose or log_json):
        return LiveReporter()
    return LogReporter(verbosity=0 if quiet else 2 if verbose else 1, as_json=log_json)
