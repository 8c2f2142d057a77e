"""One URL's turn in a crawl: robots.txt, a polite fetch, the page's analysis, its outcome.

:class:`Turns` owns what a turn needs (fetcher, robots.txt cache, per-host pace,
the plan's scopes) and gives back an :class:`~archiver.crawl.outcome.TurnOutcome` for
the engine to commit. It never touches the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from concurrent.futures import Executor
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from archiver.crawl.analyze import Analysis, Scope, analyze_exchange, url_host
from archiver.crawl.config import CrawlPlan, Target
from archiver.crawl.fleet import FleetPoliteness
from archiver.crawl.outcome import TurnOutcome, next_revisit
from archiver.crawl.period import Period, template_pattern, url_span
from archiver.crawl.politeness import Politeness
from archiver.crawl.report import CrawlStats, Reporter
from archiver.crawl.workers import Workers
from archiver.dates import VN_TZ
from archiver.dates.stored import iso, stored_time
from archiver.fetch.fetcher import Fetcher
from archiver.fetch.result import UNREACHABLE_KINDS, FetchResult
from archiver.fetch.robots import RobotsCache, robots_url
from archiver.store.frontier import OUTSIDE_PERIOD, Claimed, NewURL
from archiver.urls import MAX_URL_LENGTH, host_of, normalize_url

#: Pages beyond this many links from a seed are not followed (kind "page" only).
MAX_PAGE_DEPTH = 6
#: URLs remembered in memory as already in the frontier (a 64-bit hash each, about
#: 50 bytes with the set's slot).
KNOWN_URLS = 400_000
#: Sitemaps analysed at once (in the workers, or waiting there for one), whatever the
#: number of workers: their results are big, and the rest of the backlog keeps the
#: workers busy meanwhile.
SITEMAPS_AT_ONCE = 2
#: A failed URL is tried again in later turns and runs, this many times in all.
MAX_ATTEMPTS = 5
#: Zstandard level of the raw pages a crawl stores. Level 1 rather than the archive's 3:
#: in a parsing worker, right after the page's extraction, it compresses a 100 KB news
#: page in 0.30 ms instead of 0.55-0.62 (its smaller tables stay in cache), for a blob
#: 6 % larger (25 % of the page instead of 23 %). Any level reads back the same way.
COMPRESS_LEVEL = 1


def now() -> datetime:
    """The time now in Vietnam (seeds and the demo want the local date)."""
    return datetime.now(VN_TZ)


class Turns:
    """Runs turns for one crawl; shared state is the pace and robots.txt of each host."""

    def __init__(
        self,
        plan: CrawlPlan,
        *,
        fetcher: Fetcher,
        reporter: Reporter,
        stats: CrawlStats,
        recorder: Any = None,
        host_slots: Any = None,
    ) -> None:
        """``host_slots``: the shared archive's host slots (a fleet's politeness), if any."""
        self.plan = plan
        self.settings = plan.settings
        self.fetcher = fetcher
        self.robots = RobotsCache(fetcher, plan.settings.user_agent)
        self.reporter = reporter
        self.stats = stats
        self.recorder = recorder
        #: The parsing workers (:class:`~archiver.crawl.workers.Workers`, or an Executor).
        self.executor: Workers | Executor | None = None
        #: Zstandard level for raw pages (workers compress them; the store writes them as
        #: they are).
        self.compress_level = COMPRESS_LEVEL
        #: Fetched pages waiting for (or in) analysis: the engine stops fetching while there
        #: are too many, so a slow parser never makes fetched pages pile up in memory.
        self.analysing = 0
        #: Sitemap analyses handed to the workers at once (created in the running loop).
        self._sitemap_slots: asyncio.Semaphore | None = None
        pace: dict[str, Any] = {
            "delay": plan.settings.delay,
            "per_host": plan.settings.per_host,
            "max_delay": plan.settings.max_delay,
            "autothrottle": plan.settings.autothrottle,
            "hosts": plan.settings.concurrency,
        }
        self.politeness = (
            FleetPoliteness(host_slots, **pace) if host_slots is not None else Politeness(**pace)
        )
        self.targets_by_host: dict[str, Target] = {}
        #: Every host this run may fetch from: the targets' hosts and in-scope hosts found since.
        self.hosts: set[str] = set()
        for target in plan.targets:
            for host in target.hosts:
                self.targets_by_host[host] = target
                self._add_host(host, target)
        self._released: set[int] = set()
        self._new_robots: list[NewURL] = []
        self.scope = Scope(
            (h for target in plan.targets for h in target.hosts),
            (o for target in plan.targets for o in target.origins),
        )
        #: Hashes of the URLs this run has already handed to the frontier (bounded; a miss
        #: only costs a lookup; two URLs of one hash, a few chances in 10^9 at the bound,
        #: would leave the second to be found again from another page or the next run).
        self.known: set[int] = set()
        #: Hashes of the URLs this run fetched (a page's own and where its redirects ended;
        #: bounded as ``known``): a redirect to one of them is not followed again.
        self.fetched: set[int] = set()
        #: Per site, the day-archive URL shapes whose date bounds what is queued.
        self._day_urls = {t.name: _day_patterns(t) for t in plan.targets}

    async def run(self, item: Claimed) -> TurnOutcome:
        try:
            if item.kind == "robots":
                return await self._robots_turn(item)
            return await self._page_turn(item)
        except Exception as error:  # a turn never kills the crawl: the URL fails, the run goes on
            self._release(item, [], error=True)
            error_line = f"{type(error).__name__}: {error}"
            return TurnOutcome(item, "failed", error=error_line, label="crash")
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
        retry_after = (retry_at - now()).total_seconds() if retry_at is not None else None
        self.politeness.finished(item.host, latency=latency, error=error, retry_after=retry_after)

    async def _robots_turn(self, item: Claimed) -> TurnOutcome:
        policy, exchanges = await self.robots.load(item.url)
        self._record_exchanges(exchanges)
        host = item.host
        if not policy.unreachable:
            self.politeness.set_floor(host, policy.crawl_delay(self.settings.user_agent))
        self._release(item, exchanges, error=policy.unreachable)
        target = self.targets_by_host.get(host)
        if policy.unreachable:
            wait = policy.retry_wait
            self.politeness.pause(host, wait)
            self.reporter.note(f"robots.txt of {host} unreachable; trying again in {wait:.0f} s")
            return TurnOutcome(
                item,
                "queued",
                exchanges=exchanges,
                next_fetch_at=now() + timedelta(seconds=wait),
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
        return TurnOutcome(
            item,
            "done",
            exchanges=exchanges,
            found=[f for f in found if f],
            status=status,
            label="robots",
            site=target.name if target else None,
            reset_attempts=True,
        )

    async def _page_turn(self, item: Claimed) -> TurnOutcome:
        target = self.targets_by_host.get(item.host) or self.plan.target_for(item.url)
        site = target.name if target else None
        revisit = item.kind == "article" and item.revisits > 0

        async def allow(url: str) -> bool:
            """A redirect hop must be in scope and allowed by its host's robots.txt, and
            lead to a page this run has not fetched already (the chain stops there)."""
            if self._fetched_before(url):
                return False
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
        failed = result.kind in UNREACHABLE_KINDS
        if result.ok:
            self._fetched_now(item.url, result.last.final_url)
        self._release(item, exchanges, error=failed, retry_at=result.retry_at)
        self._record_exchanges(exchanges)
        final = result.last  # a fetch always makes at least one exchange
        outcome = TurnOutcome(item, "done", exchanges=exchanges, site=site, label=result.kind)
        outcome.status = final.status
        outcome.etag = final.header("etag")
        outcome.last_modified = final.header("last-modified")
        self.stats.retries += max(0, result.attempts - 1)
        if result.kind == "not_modified":
            outcome.reset_attempts = True
            self._schedule_revisit(outcome, item, None)
            return outcome
        if result.ok:
            outcome.reset_attempts = True
            await self._analyse(outcome, item, target, final)
            return outcome
        if result.kind == "disallowed" and self._fetched_before(result.redirect_to or ""):
            # Redirected to a page this run fetched: this URL's turn is done with it.
            outcome.label, outcome.reset_attempts = "redirected", True
            return outcome
        return self._failure(outcome, item, result)

    def _failure(self, outcome: TurnOutcome, item: Claimed, result: FetchResult) -> TurnOutcome:
        kind = result.kind
        final = result.last
        words = kind.replace("_", " ")
        outcome.error = final.error or (f"{words}: {result.detail}" if result.detail else words)
        if final.status and kind == "client_error":
            outcome.error = f"HTTP {final.status}"
        if kind == "retry_later" and result.retry_at is not None:
            outcome.state, outcome.next_fetch_at = "queued", result.retry_at
        elif kind in ("server_error", "network_error") and item.attempts < MAX_ATTEMPTS:
            # Try again in a later turn (and later runs), backing off: 10 min, 20, 40...
            outcome.state = "queued"
            outcome.next_fetch_at = result.retry_at or now() + timedelta(
                minutes=10 * 2 ** (item.attempts - 1)
            )
        else:
            outcome.state = "failed"
        return outcome

    def _slot(self, kind: str) -> contextlib.AbstractAsyncContextManager[Any]:
        """What an analysis of this kind waits for before it goes to the workers.

        A sitemap's analysis lists up to 50,000 URLs: the backlog's 16 per worker, all
        sitemaps at the start of a crawl, would land in this process together (50 of 2,000
        URLs held 25 MB here at once), so only SITEMAPS_AT_ONCE go at a time.
        """
        if kind != "sitemap":
            return contextlib.nullcontext()
        if self._sitemap_slots is None:  # created in the running loop
            self._sitemap_slots = asyncio.Semaphore(SITEMAPS_AT_ONCE)
        return self._sitemap_slots

    async def _analyse(
        self, outcome: TurnOutcome, item: Claimed, target: Target | None, final: Any
    ) -> None:
        profile = target.profile.name if target and target.profile else None
        period = target.period if target else Period()
        call = partial(
            analyze_exchange,
            final,
            kind=item.kind,
            profile=profile,
            scope=self.scope,
            site=outcome.site,
            compress_level=self.compress_level,
            # An article already archived is kept up to date whatever its date.
            period=period if item.article_id is None else None,
        )
        self.analysing += 1
        try:
            if self.executor is not None:
                async with self._slot(item.kind):
                    # The crawl's own workers, or an Executor standing in for them.
                    run = getattr(self.executor, "run", None)
                    analysis: Analysis = await (
                        run(call)
                        if run is not None
                        else asyncio.get_running_loop().run_in_executor(self.executor, call)
                    )
            else:
                analysis = call()
        finally:
            self.analysing -= 1
        outcome.prepared = analysis.prepared
        outcome.label = "article" if analysis.article else analysis.content
        outcome.article = analysis.article
        for note in analysis.notes:
            self.reporter.note(f"{item.url}: {note}")
        if analysis.outside_period is not None:
            outcome.label, outcome.error = "outside_period", OUTSIDE_PERIOD
            outcome.lastmod = analysis.outside_period
        days = self._day_urls.get(target.name, ()) if target else ()
        bounded = bool(period)
        known = self.known
        # (Plain tuples from a worker: see archiver.crawl.analyze.Found.)
        for url, kind, lastmod, host in analysis.found:
            if bounded and not _in_period(url, kind, lastmod, period, days):
                continue
            if lastmod is not None and kind == "article":
                outcome.refresh.append((url, iso(lastmod)))
            if hash(url) in known:
                continue  # already queued or fetched: spare the frontier the lookup
            new = self._new(url, kind, item, target, host=host)
            if new is not None:
                outcome.found.append(new)
                self._remember(new.url)
        for url in analysis.next_pages:
            if period and not _in_period(url, "listing", None, period, days):
                continue
            new = self._new(url, "listing", item, target, depth=item.depth + 1)
            if new is not None:
                outcome.next_pages.append(new)
        if analysis.article is not None:
            self._schedule_revisit(outcome, item, analysis.article)
            outcome.redirected = self._redirected(item, final, target)
        outcome.found.extend(self._new_robots)
        self._new_robots.clear()

    def _redirected(self, item: Claimed, final: Any, target: Target | None) -> NewURL | None:
        """The frontier row of the URL ``item``'s redirects led to; None without redirects.

        (Its fetch hops were checked in scope on the way.) The URL is remembered as known,
        so the links to it that later pages hold do not reach the frontier either.
        """
        if final.final_url == item.url or len(final.final_url) > MAX_URL_LENGTH:
            return None
        url = normalize_url(final.final_url)
        if url == item.url:
            return None
        self._remember(url)
        site = target.name if target else item.site
        return NewURL(url, url_host(url), site, "article", item.depth, item.url)

    def _schedule_revisit(self, outcome: TurnOutcome, item: Claimed, article: Any) -> None:
        """Queue the next view-count visit of a page that gave an article (whatever its kind)."""
        if article is None and item.article_id is None:
            return
        if item.kind in ("seed", "listing", "archive", "sitemap", "feed", "robots"):
            return
        published = stored_time(article.published_at) if article else None
        seen = now()
        due = next_revisit(published, seen, seen, self.settings.revisit_after)
        if due is not None:
            outcome.state, outcome.next_fetch_at, outcome.revisits = "queued", due[0], due[1]

    def _new(
        self,
        url: str,
        kind: str,
        parent: Claimed,
        target: Target | None,
        depth: int | None = None,
        host: str | None = None,
    ) -> NewURL | None:
        """A frontier row for a URL found from ``parent``; None when it is out of scope.

        URLs from :func:`analyze` come normalised with their host, classified by the
        page's own profile and inside ``self.scope`` (the worker checked); others
        (robots.txt sitemaps, next pages) are normalised and checked here.
        """
        if len(url) > MAX_URL_LENGTH:
            return None
        scoped = host is not None
        if host is None:
            url = normalize_url(url)
            host = url_host(url)
        owner = self.plan.target_for_host(host)
        if owner is None or not (scoped or self.scope.allows(url, host)):
            return None  # another site, or another port of the host
        if owner is not target and owner.profile is not None:
            # A link into another target of the crawl: that site's URL patterns decide.
            url_kind = owner.profile.url_kind(url)
            if url_kind == "ignore":
                return None
            kind = {"article": "article", "listing": "listing"}.get(url_kind or "", kind)
        if host not in self.hosts:
            # A new in-scope host (a subdomain): it gets its own pace and robots.txt first.
            self._add_host(host, owner)
            self._new_robots.append(NewURL(robots_url(url), host, owner.name, "robots"))
        depth = parent.depth + 1 if depth is None else depth
        if kind == "page" and depth > MAX_PAGE_DEPTH:
            return None
        return NewURL(url, host, owner.name, kind, depth, parent.url)

    def _record_exchanges(self, exchanges: list[Any]) -> None:
        """``crawl --record``: keep what was fetched as a replay directory."""
        if self.recorder is not None:
            for exchange in exchanges:
                self.recorder.record(exchange)

    def _fetched_now(self, url: str, final_url: str) -> None:
        """``url`` was fetched this run (ending at ``final_url``): no redirect needs it again."""
        fetched = self.fetched
        if len(fetched) >= KNOWN_URLS:
            fetched.clear()
        fetched.add(hash(url))
        if final_url != url and len(final_url) <= MAX_URL_LENGTH:
            fetched.add(hash(normalize_url(final_url)))

    def _fetched_before(self, url: str) -> bool:
        """Did this run fetch ``url`` (a redirect's target, as the server named it)?"""
        if not url or len(url) > MAX_URL_LENGTH:
            return False
        return hash(normalize_url(url)) in self.fetched  # (it never raises: bad URLs come back)

    def _remember(self, url: str) -> None:
        if len(self.known) >= KNOWN_URLS:
            self.known.clear()
        self.known.add(hash(url))

    def site_of(self, item: Claimed) -> str | None:
        target = self.targets_by_host.get(item.host) or self.plan.target_for(item.url)
        return target.name if target else item.site

    def _add_host(self, host: str, target: Target) -> None:
        self.hosts.add(host)
        slot = self.politeness.slot(host)
        slot.base_delay = slot.delay = target.settings.delay
        slot.per_host = target.settings.per_host


def _day_patterns(target: Target) -> tuple[re.Pattern[str], ...]:
    template = target.profile.discovery.date_archive if target.profile else None
    pattern = template_pattern(template) if template else None
    return (pattern,) if pattern else ()


def _in_period(
    url: str,
    kind: str,
    lastmod: datetime | None,
    period: Period,
    days: tuple[re.Pattern[str], ...],
) -> bool:
    """May a found link (the fields of an
    :class:`~archiver.crawl.analyze.Found`) lead to pages of ``period``? Judged
    by the time a sitemap or feed gives it, else by the date its URL names (not an
    article's: slugs name any date)."""
    if lastmod is not None:
        if kind == "sitemap":
            # A sitemap modified before the period holds nothing of it; one modified
            # after may still list older pages.
            return period.first is None or lastmod.date() >= period.first
        return period.holds_time(lastmod)
    if kind == "article":
        return True
    span = url_span(url, days)
    return span is None or period.overlaps(*span)
