"""The crawl loop: take due URLs from the frontier, fetch them politely, analyse, commit.

One asyncio loop runs the whole crawl. For every host it keeps a short in-memory
queue claimed from the frontier (so a 100,000-URL frontier costs little memory),
starts a turn whenever :class:`~archiver.crawl.politeness.Politeness` lets the
host take one, and commits finished turns in small batches, each batch one
transaction with the frontier changes it implies. Parsing (the CPU-heavy part)
runs in worker processes when ``workers > 0``, so fetching never waits for it.

A turn (:meth:`Crawl._turn`) is: robots.txt check, fetch (retries, redirects and
limits live in :mod:`archiver.fetch`), analysis (:mod:`archiver.crawl.analyze`),
and an :class:`~archiver.crawl.outcome.Outcome` saying what to record.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from archiver.crawl.analyze import Analysis, analyze
from archiver.crawl.config import CrawlPlan, Target
from archiver.crawl.outcome import Outcome, next_revisit
from archiver.crawl.politeness import Politeness
from archiver.crawl.report import Reporter, Stats
from archiver.crawl.seeds import seed_urls
from archiver.dates import VN_TZ, parse_iso
from archiver.fetch.fetcher import Fetcher
from archiver.fetch.robots import RobotsCache
from archiver.store.frontier import PRIORITY, Claimed, NewURL
from archiver.urls import host_of, normalize_url

#: Claimed URLs kept in memory per host; more stay in the frontier table.
QUEUE_WINDOW = 32
#: A host whose frontier had nothing due is asked again after this many seconds.
REFILL_PAUSE = 0.25
#: Commit finished turns when this many are waiting, or after FLUSH_SECONDS.
FLUSH_BATCH = 64
FLUSH_SECONDS = 0.25
#: A run waits for URLs that come due within this many seconds (Retry-After, retries);
#: later ones (view-count revisits in hours or days) are left to the next scheduled run.
MAX_IDLE_WAIT = 120.0
#: Pages beyond this many links from a seed are not followed (kind "page" only).
MAX_PAGE_DEPTH = 6
#: A failed URL is tried again in later runs, this many times in all.
MAX_ATTEMPTS = 5


def _now() -> datetime:
    return datetime.now(UTC).astimezone(VN_TZ)


def _iso(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


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
        max_pages: int = 0,
        fetcher_options: dict[str, Any] | None = None,
    ) -> None:
        self.plan = plan
        self.frontier = frontier
        self.run_id = run_id
        self.reporter = reporter
        self.settings = plan.settings
        self.fetcher = fetcher or Fetcher(plan.settings, **(fetcher_options or {}))
        self.robots = RobotsCache(self.fetcher, plan.settings.user_agent)
        self.workers = workers
        self.recorder = recorder
        self.max_pages = max_pages or plan.settings.max_pages
        self.stats = Stats()
        self.politeness = Politeness(
            delay=plan.settings.delay,
            per_host=plan.settings.per_host,
            max_delay=plan.settings.max_delay,
            autothrottle=plan.settings.autothrottle,
        )
        self.targets_by_host: dict[str, Target] = {}
        #: Every host this run may fetch from: the targets' hosts and in-scope hosts found since.
        self.hosts: set[str] = set()
        for target in plan.targets:
            for host in target.hosts:
                self.targets_by_host[host] = target
                self._add_host(host, target)
        self.queues: dict[str, deque[Claimed]] = {}
        self._checked: dict[str, float] = {}
        self._released: set[int] = set()
        self._new_robots: list[NewURL] = []
        self.tasks: set[asyncio.Task[Outcome]] = set()
        self.pending: list[Outcome] = []
        self.stopping = False
        self.max_pages_reached = False
        self.started_pages = 0
        self._executor: Executor | None = None
        self._last_flush = time.monotonic()
        self._last_tick = 0.0

    # --- the loop ---------------------------------------------------------------------

    async def run(self) -> Stats:
        loop = asyncio.get_running_loop()
        self._install_signals(loop)
        if self.workers > 0:
            self._executor = ProcessPoolExecutor(max_workers=self.workers)
        try:
            seeds = seed_urls(self.plan, _now().date())
            seeded = self.frontier.start(
                seeds.urls, hosts=self._all_hosts(), now=_iso(_now()), refresh=seeds.refresh
            )
            self.reporter.note(
                f"Crawling {', '.join(t.name for t in self.plan.targets)}: "
                f"{seeded['queued']} URLs due, "
                f"{seeded['recovered']} recovered from an interrupted run"
            )
            await self._loop()
        finally:
            self._flush(force=True)
            self.frontier.release([item.id for q in self.queues.values() for item in q])
            await self.fetcher.aclose()
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
            self._remove_signals(loop)
        return self.stats

    async def _loop(self) -> None:
        while True:
            if not self.stopping:
                self._refill()
                self._start_turns()
            if not self.tasks:
                if self.stopping:
                    return
                wait = self._idle_wait()
                if wait is None:
                    return
                await asyncio.sleep(wait)
                continue
            timeout = min(self._next_ready_in(), FLUSH_SECONDS)
            done, _ = await asyncio.wait(
                self.tasks, timeout=max(timeout, 0.001), return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                self.tasks.discard(task)
                self._record(task.result())
            self._flush()
            self._tick()

    def _refill(self) -> None:
        """Claim due URLs for hosts whose in-memory queue runs low (each host at most 4 times/s)."""
        clock = time.monotonic()
        now = None
        for host in self.hosts:
            queue = self.queues.get(host)
            if queue is not None and len(queue) >= QUEUE_WINDOW // 4:
                continue
            if self._checked.get(host, 0.0) > clock:
                continue
            if self.politeness.wait_time(host) > 1.0:
                continue  # paused or busy for a while: claim closer to its turn
            now = now or _iso(_now())
            if queue is None:
                queue = self.queues.setdefault(host, deque())
            claimed = self.frontier.claim(host, QUEUE_WINDOW - len(queue), now, self.run_id)
            queue.extend(claimed)
            self._checked[host] = clock + (0.0 if claimed else REFILL_PAUSE)

    def _start_turns(self) -> None:
        for host, queue in self.queues.items():
            while queue and self.politeness.can_start(host):
                if self.max_pages and self.started_pages >= self.max_pages:
                    self.stopping = self.max_pages_reached = True
                    return
                item = queue[0]
                if item.kind != "robots" and not self.robots.known(item.url):
                    robots_item = next((i for i in queue if i.kind == "robots"), None)
                    if robots_item is None:
                        break  # the robots.txt turn is in flight: wait for it
                    queue.remove(robots_item)
                    item = robots_item
                else:
                    queue.popleft()
                    if item.kind != "robots" and not self.robots.allowed(item.url):
                        # No request is made, so the host's pace is not spent on it.
                        self._record(
                            Outcome(item, "done", label="disallowed", site=self._site(item))
                        )
                        continue
                self.politeness.started(host)
                self.started_pages += 1
                self.tasks.add(asyncio.create_task(self._turn(item)))

    def _next_ready_in(self) -> float:
        waits = [self.politeness.wait_time(h) for h, q in self.queues.items() if q]
        finite = [w for w in waits if w != float("inf")]
        return min(finite, default=FLUSH_SECONDS)

    def _idle_wait(self) -> float | None:
        """How long to sleep with nothing in flight; None when the run is over."""
        waits = [self.politeness.wait_time(h) for h, q in self.queues.items() if q]
        if waits:
            return max(min(waits), 0.001)
        self._flush(force=True)
        due = self.frontier.next_due(self._all_hosts())
        if due is None:
            return None
        seconds = (datetime.fromisoformat(due) - _now()).total_seconds()
        if seconds > MAX_IDLE_WAIT:
            return None
        return max(seconds, 0.01)

    # --- one URL's turn -----------------------------------------------------------------

    async def _turn(self, item: Claimed) -> Outcome:
        try:
            if item.kind == "robots":
                return await self._robots_turn(item)
            return await self._page_turn(item)
        except Exception as error:  # a turn never kills the crawl: the URL fails, the run goes on
            self._release(item, [], error=True)
            return Outcome(item, "failed", error=f"{type(error).__name__}: {error}", label="crash")
        finally:
            self._released.discard(item.id)

    def _release(
        self, item: Claimed, exchanges: list[Any], *, error: bool, retry_at: datetime | None = None
    ) -> None:
        """The network part of a turn is over: free the host's slot and adapt its pace.

        Called before parsing, so a host's next request does not wait for the parser.
        """
        if item.id in self._released:
            return
        self._released.add(item.id)
        latency = sum(e.elapsed or 0.0 for e in exchanges) or None
        retry_after = (retry_at - _now()).total_seconds() if retry_at is not None else None
        self.politeness.finished(item.host, latency=latency, error=error, retry_after=retry_after)

    async def _robots_turn(self, item: Claimed) -> Outcome:
        policy, exchanges = await self.robots.load(item.url)
        host = item.host
        if not policy.unreachable:
            self.politeness.set_floor(host, policy.crawl_delay(self.settings.user_agent))
        self._release(item, exchanges, error=policy.unreachable)
        target = self.targets_by_host.get(host)
        if policy.unreachable:
            wait = policy.retry_after or 600.0
            self.politeness.pause(host, wait)
            self.reporter.note(f"robots.txt of {host} unreachable; trying again in {wait:.0f} s")
            return Outcome(
                item,
                "queued",
                exchanges=exchanges,
                next_fetch_at=_now() + timedelta(seconds=wait),
                label="robots",
                error="robots.txt unreachable",
                site=target.name if target else None,
            )
        found = [
            self._new(url, "sitemap", item, target)
            for url in policy.sitemaps
            if target and target.in_scope(url)
        ]
        status = exchanges[-1].status if exchanges else None
        return Outcome(
            item,
            "done",
            exchanges=exchanges,
            found=[f for f in found if f],
            status=status,
            label="robots",
            site=target.name if target else None,
            reset_attempts=True,
        )

    async def _page_turn(self, item: Claimed) -> Outcome:
        target = self.targets_by_host.get(item.host) or self.plan.target_for(item.url)
        site = target.name if target else None
        revisit = item.kind == "article" and item.revisits > 0

        async def allow(url: str) -> bool:
            """A redirect hop must be in scope and allowed by its host's robots.txt."""
            return bool(target and target.in_scope(url)) and await self.robots.can_fetch(url)

        def gap(url: str) -> float:
            """Retries and redirect hops keep the host's pace too."""
            return self.politeness.slot(host_of(url)).delay

        result = await self.fetcher.fetch(
            item.url,
            etag=None if revisit else item.etag,
            last_modified=None if revisit else item.last_modified,
            allow=allow,
            gap=gap,
        )
        exchanges = list(result.exchanges)
        failed = result.kind in ("server_error", "network_error", "retry_later")
        self._release(item, exchanges, error=failed, retry_at=result.retry_at)
        if self.recorder is not None:
            for exchange in exchanges:
                self.recorder.record(exchange)
        final = exchanges[-1] if exchanges else None
        outcome = Outcome(item, "done", exchanges=exchanges, site=site, label=result.kind)
        if final is not None:
            outcome.status = final.status
            outcome.etag = final.header("etag")
            outcome.last_modified = final.header("last-modified")
        self.stats.retries += max(0, result.attempts - 1)
        if result.kind == "not_modified":
            outcome.reset_attempts = True
            self._schedule_revisit(outcome, item, None)
            return outcome
        if result.kind in ("ok", "not_html") and final is not None:
            outcome.reset_attempts = True
            await self._analyse(outcome, item, target, final)
            return outcome
        return self._failure(outcome, item, result)

    def _failure(self, outcome: Outcome, item: Claimed, result: Any) -> Outcome:
        kind = result.kind
        final = result.exchanges[-1] if result.exchanges else None
        outcome.error = (
            final.error if final is not None and final.error else None
        ) or kind.replace("_", " ")
        if final is not None and final.status and kind == "client_error":
            outcome.error = f"HTTP {final.status}"
        if kind == "retry_later" and result.retry_at is not None:
            outcome.state, outcome.next_fetch_at = "queued", result.retry_at
        elif kind in ("server_error", "network_error") and item.attempts < MAX_ATTEMPTS:
            # Try again in a later turn (and later runs), backing off: 10 min, 20, 40...
            outcome.state = "queued"
            outcome.next_fetch_at = result.retry_at or _now() + timedelta(
                minutes=10 * 2 ** (item.attempts - 1)
            )
        else:
            outcome.state = "failed"
        return outcome

    async def _analyse(
        self, outcome: Outcome, item: Claimed, target: Target | None, final: Any
    ) -> None:
        profile = target.profile.name if target and target.profile else None
        call = partial(
            analyze,
            final.body,
            final.final_url or item.url,
            content_type=final.content_type,
            kind=item.kind,
            profile=profile,
            fetched_at=final.fetched_at,
        )
        if self._executor is not None:
            analysis: Analysis = await asyncio.get_running_loop().run_in_executor(
                self._executor, call
            )
        else:
            analysis = call()
        outcome.label = "article" if analysis.article else analysis.content
        outcome.article = analysis.article
        for note in analysis.notes:
            self.reporter.note(f"{item.url}: {note}")
        since = target.since if target else None
        for found in analysis.found:
            if since and found.lastmod and found.lastmod.date() < since:
                continue
            new = self._new(found.url, found.kind, item, target)
            if new is not None:
                outcome.found.append(new)
                if found.lastmod is not None and found.kind == "article":
                    outcome.refresh.append((new.url, _iso(found.lastmod)))
        for url in analysis.next_pages:
            new = self._new(url, "listing", item, target, depth=item.depth + 1)
            if new is not None:
                outcome.next_pages.append(new)
        if analysis.article is not None:
            self._schedule_revisit(outcome, item, analysis.article)
        outcome.found.extend(self._new_robots)
        self._new_robots.clear()

    def _schedule_revisit(self, outcome: Outcome, item: Claimed, article: Any) -> None:
        """Queue the next view-count visit of a page that gave an article (whatever its kind)."""
        if article is None and item.article_id is None:
            return
        if item.kind in ("seed", "listing", "archive", "sitemap", "feed", "robots"):
            return
        published = (
            parse_iso(article.published_at).value if article and article.published_at else None
        )
        seen = _now()
        due = next_revisit(published, seen, seen, self.settings.revisit_after)
        if due is not None:
            outcome.state, outcome.next_fetch_at, outcome.revisits = "queued", due[0], due[1]

    def _new(
        self, url: str, kind: str, parent: Claimed, target: Target | None, depth: int | None = None
    ) -> NewURL | None:
        url = normalize_url(url)
        owner = self.plan.target_for(url)
        if owner is None or not owner.in_scope(url):
            return None
        if owner.profile is not None and owner.profile.url_kind(url) == "ignore":
            return None
        host = host_of(url)
        if host not in self.hosts:
            # A new in-scope host (a subdomain): it gets its own pace and robots.txt first.
            self._add_host(host, owner)
            scheme = url.split("://", 1)[0]
            self._new_robots.append(
                NewURL(f"{scheme}://{host}/robots.txt", host, owner.name, "robots")
            )
        depth = parent.depth + 1 if depth is None else depth
        if kind == "page" and depth > MAX_PAGE_DEPTH:
            return None
        if owner.profile is not None:
            kind = {"article": "article", "listing": "listing"}.get(
                owner.profile.url_kind(url) or "", kind
            )
        return NewURL(
            url, host_of(url), owner.name, kind, depth, parent.url, None, None, PRIORITY[kind]
        )

    # --- bookkeeping --------------------------------------------------------------------

    def _record(self, outcome: Outcome) -> None:
        stats = self.stats
        if outcome.exchanges:
            stats.pages += 1
            stats.hosts[outcome.item.host] += 1
            stats.bytes += sum(len(e.body) for e in outcome.exchanges)
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

    def _flush(self, force: bool = False) -> None:
        if not self.pending:
            return
        if (
            not force
            and len(self.pending) < FLUSH_BATCH
            and time.monotonic() - self._last_flush < FLUSH_SECONDS
        ):
            return
        batch, self.pending = self.pending, []
        results = self.frontier.commit(batch, run_id=self.run_id, now=_iso(_now()))
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
        now = time.monotonic()
        if now - self._last_tick >= 1.0:
            self._last_tick = now
            self.reporter.tick(self.stats, {h: len(q) for h, q in self.queues.items()})

    # --- setup ----------------------------------------------------------------------------

    def _site(self, item: Claimed) -> str | None:
        target = self.targets_by_host.get(item.host) or self.plan.target_for(item.url)
        return target.name if target else item.site

    def _all_hosts(self) -> list[str]:
        return sorted(self.hosts)

    def _add_host(self, host: str, target: Target) -> None:
        self.hosts.add(host)
        slot = self.politeness.slot(host)
        slot.base_delay = slot.delay = target.settings.delay
        slot.per_host = target.settings.per_host

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not on every platform, nor outside the main thread: then Ctrl-C just interrupts.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.stop)

    def _remove_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)

    def stop(self) -> None:
        """Finish the turns in flight, commit, and end the run (SIGINT, SIGTERM)."""
        if not self.stopping:
            self.stopping = True
            self.reporter.note("Stopping: finishing the pages in flight...")


def make_reporter(*, quiet: bool, verbose: bool, log_json: bool, live: bool) -> Reporter:
    from archiver.crawl.report import LiveReporter, LogReporter

    if live and not (quiet or verbose or log_json):
        return LiveReporter()
    return LogReporter(verbosity=0 if quiet else 2 if verbose else 1, as_json=log_json)
