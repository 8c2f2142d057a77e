"""How long a crawl has left: the URLs due on each host, at that host's measured pace.

A host fetches one URL every :attr:`HostPace.interval` seconds: its delay between
requests (the configured one, raised by robots.txt Crawl-delay, moved by
AutoThrottle) plus the time its exchanges take (measured), shared among its
``per_host`` slots, and never faster than one start per delay. Hosts run side by
side, so the run lasts as long as its slowest host, plus any pause a host is in
(Retry-After) — or longer when more hosts have work than ``concurrency`` lets fetch
at once: then the hosts share that many slots for the time their requests take.

This is an estimate for the URLs known now: a backfill's listings and day archives
keep adding articles, so the figure grows while they are read, then falls.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from archiver.crawl.politeness import Clock, Politeness

__all__ = ["HostPace", "Progress", "ProgressMeter", "estimate", "paces"]

#: Seconds between two counts of the URLs due (one query of the frontier: well under a
#: millisecond for a small crawl, 30 ms for 100,000 URLs due)...
REFRESH_SECONDS = 1.0
#: ...and at least this many times the last count took, so a huge frontier is counted
#: less often rather than holding up the crawl.
REFRESH_COST_FACTOR = 200


@dataclass(frozen=True, slots=True)
class HostPace:
    """One host's pace, as its politeness slot measures it."""

    delay: float
    #: Seconds a URL's exchanges take (None: none measured yet).
    latency: float | None = None
    per_host: int = 1
    #: Seconds before the host may start a request at all (a pause, the current gap).
    wait: float = 0.0

    @property
    def interval(self) -> float:
        """Seconds from one URL of the host to the next at this pace."""
        cycle = (self.latency or 0.0) + self.delay
        return max(self.delay, cycle / max(self.per_host, 1))


def estimate(due: Mapping[str, int], pace: Mapping[str, HostPace], concurrency: int = 0) -> float:
    """Seconds to fetch ``due`` URLs (per host) at each host's ``pace``.

    The slowest host sets the time; when more hosts have URLs due than ``concurrency``
    (0: no limit) lets fetch at once, the time their requests take is shared among
    that many slots, which can take longer still.
    """
    busy = {host: count for host, count in due.items() if count > 0}
    if not busy:
        return 0.0
    slowest = max(pace[host].wait + count * pace[host].interval for host, count in busy.items())
    if concurrency and len(busy) > concurrency:
        in_flight = sum(count * (pace[host].latency or 0.0) for host, count in busy.items())
        slowest = max(slowest, in_flight / concurrency)
    return slowest


def paces(politeness: Politeness, hosts: Iterable[str], now: float) -> dict[str, HostPace]:
    """The pace of each of ``hosts`` from its politeness slot at clock time ``now``.

    A host with no exchange measured yet is taken to answer as fast as the measured
    hosts do on average (none measured: the delay alone).
    """
    slots = {host: politeness.slot(host) for host in hosts}
    measured = [s.latency for s in slots.values() if s.latency is not None]
    typical = sum(measured) / len(measured) if measured else None
    return {
        host: HostPace(
            delay=slot.delay,
            latency=slot.latency if slot.latency is not None else typical,
            per_host=slot.per_host,
            wait=max(0.0, slot.ready_at() - now),
        )
        for host, slot in slots.items()
    }


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run stands, for the progress bar: URLs done and due, time spent and left."""

    done: int
    due: int
    elapsed: float
    #: Estimated seconds left for the URLs due (at the hosts' pace).
    remaining: float
    #: Seconds left of the run's time budget (``--max-time``), if it has one.
    budget_left: float | None = None

    @property
    def total(self) -> int:
        return self.done + self.due

    @property
    def capped(self) -> bool:
        """Will the time budget end the run before the URLs due are done?"""
        return self.budget_left is not None and self.budget_left < self.remaining


class ProgressMeter:
    """Counts the URLs due (from the frontier, every :data:`REFRESH_SECONDS`) and
    estimates the time they take at the hosts' pace."""

    def __init__(
        self,
        count_due: Callable[[list[str]], dict[str, int]],
        politeness: Politeness,
        *,
        concurrency: int = 0,
        clock: Clock = time.monotonic,
        refresh: float = REFRESH_SECONDS,
    ) -> None:
        self._count_due = count_due
        self.politeness = politeness
        self.concurrency = concurrency
        self._clock = clock
        self._every = self._refresh = refresh
        self._due: dict[str, int] = {}
        self._hosts: tuple[str, ...] = ()
        self._counted_at = float("-inf")
        self._done_at_count: dict[str, int] = {}

    def due(
        self, hosts: Iterable[str], done: Mapping[str, int], *, fresh: bool = False
    ) -> dict[str, int]:
        """URLs due per host: counted again after ``refresh`` seconds (or when ``fresh``);
        in between, each host's URLs finished since the count (``done``, per host, a
        running total) are taken off its count."""
        hosts = tuple(sorted(hosts))
        clock = self._clock()
        if fresh or hosts != self._hosts or clock - self._counted_at >= self._refresh:
            started = time.perf_counter()
            self._due = dict(self._count_due(list(hosts))) if hosts else {}
            spent = time.perf_counter() - started
            self._refresh = max(self._every, REFRESH_COST_FACTOR * spent)
            self._hosts, self._counted_at = hosts, clock
            self._done_at_count = dict(done)
            return dict(self._due)
        return {
            host: max(0, count - (done.get(host, 0) - self._done_at_count.get(host, 0)))
            for host, count in self._due.items()
        }

    def estimate(self, due: Mapping[str, int]) -> float:
        return estimate(due, paces(self.politeness, due, self._clock()), self.concurrency)

    def progress(
        self,
        hosts: Iterable[str],
        *,
        done: Mapping[str, int],
        elapsed: float,
        budget_left: float | None = None,
    ) -> Progress:
        """Where the run stands: ``done`` counts each host's finished URLs this run."""
        due = self.due(hosts, done)
        return Progress(
            done=sum(done.values()),
            due=sum(due.values()),
            elapsed=elapsed,
            remaining=self.estimate(due),
            budget_left=budget_left,
        )
