"""How much a run may spend: a time budget (``--max-time``) and page budgets (``--max-pages``).

A run's budgets come from its settings: ``max_time`` per site (the option, the
config's top level or the site's entry, as every setting resolves) and
``max_pages`` for the whole run, plus a site's own ``max_pages`` in its
``[[site]]`` entry. A site whose budget is spent starts no new fetch; when every
site's is, the run stops as a signal stops it (the pages in flight get
``stop_grace``) but counts as finished: what is left stays queued in the frontier
and the next run takes it up.
"""

from __future__ import annotations

import time
from collections import Counter

from archiver.crawl.config import CrawlPlan
from archiver.crawl.politeness import Clock

__all__ = ["Budget"]

#: Why a run or a site stopped before its work was done (``crawl_runs.stats.stopped_by``).
MAX_TIME = "max_time"
MAX_PAGES = "max_pages"


class Budget:
    """The time and pages each site of a run may spend, counted from the run's start."""

    def __init__(
        self, plan: CrawlPlan, *, run_pages: int | None = None, clock: Clock = time.monotonic
    ) -> None:
        """``run_pages``: pages for the whole run (default: the plan's ``max_pages``)."""
        self._clock = clock
        self.sites = tuple(t.name for t in plan.targets)
        self._max_times = {
            t.name: t.settings.max_time for t in plan.targets if t.settings.max_time > 0
        }
        self.page_limits = {t.name: t.max_pages for t in plan.targets if t.max_pages > 0}
        #: A site with no budget of its own keeps the run going (the run's pages aside).
        self._open_ended = any(
            s not in self._max_times and s not in self.page_limits for s in self.sites
        )
        self.run_pages = plan.settings.max_pages if run_pages is None else run_pages
        self.pages: Counter[str] = Counter()
        self.total_pages = 0
        #: Sites whose budget ran out, and which budget it was.
        self.spent: dict[str, str] = {}
        #: Does any site have a budget of its own? (If not, :meth:`check` is always None:
        #: the crawl loop asks it for every host many times a second.)
        self.per_site = bool(self._max_times or self.page_limits)
        self.restart()

    def restart(self) -> None:
        """Count the time budgets from now (the run's start)."""
        self.started = self._clock()
        self.deadlines = {site: self.started + limit for site, limit in self._max_times.items()}

    def started_page(self, site: str | None) -> None:
        self.total_pages += 1
        if site is not None:
            self.pages[site] += 1

    def check(self, site: str) -> str | None:
        """Why ``site`` may start nothing more (``max_time``, ``max_pages``), or None."""
        reason = self.spent.get(site)
        if reason is not None:
            return reason
        deadline = self.deadlines.get(site)
        if deadline is not None and self._clock() >= deadline:
            reason = MAX_TIME
        elif (limit := self.page_limits.get(site)) and self.pages[site] >= limit:
            reason = MAX_PAGES
        if reason is not None:
            self.spent[site] = reason
        return reason

    def run_spent(self) -> str | None:
        """Why the whole run stops now (every site spent, or the run's page budget), or None."""
        if self.run_pages and self.total_pages >= self.run_pages:
            return MAX_PAGES
        if self._open_ended:
            return None
        reasons = [self.check(site) for site in self.sites]
        if reasons and all(reasons):
            return MAX_TIME if MAX_TIME in reasons else MAX_PAGES
        return None

    def reason(self, stopped_by: str | None) -> str | None:
        """The budget to name for a run that stopped for ``stopped_by`` (a budget, a
        signal, or None: its work was done): that one, else a spent site's, else None."""
        if stopped_by in (MAX_TIME, MAX_PAGES):
            return stopped_by
        if stopped_by is None and self.spent:
            return MAX_TIME if MAX_TIME in self.spent.values() else MAX_PAGES
        return None

    def next_deadline_in(self) -> float | None:
        """Seconds until the next site's time budget ends (None: no deadline ahead)."""
        now = self._clock()
        ahead = [d - now for s, d in self.deadlines.items() if s not in self.spent]
        return max(min(ahead), 0.0) if ahead else None

    def time_left(self) -> float | None:
        """Seconds until the run's time budget ends: the last site deadline, when every
        site has one (None: the run has no time limit)."""
        if not self.deadlines or len(self.deadlines) < len(self.sites):
            return None
        return max(0.0, max(self.deadlines.values()) - self._clock())
