"""Per-host politeness: how many requests in flight, and how long to wait between them.

Each host has a :class:`HostSlot`. A request may start when the host has a free
slot (``per_host``) and ``delay`` seconds have passed since the previous request
to it started and since the last one finished. The
delay is never below the configured one nor the host's robots.txt Crawl-delay or
Request-rate; AutoThrottle (as in Scrapy) moves it toward the server's latency
divided by the allowed concurrency, doubles it on errors, and a 429 or 503 with
Retry-After pauses the host until the time the server asked for.

All times come from an injected clock (``time.monotonic`` by default), so the
rules are tested without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]
#: Weight of the newest exchange in a host's measured latency.
LATENCY_WEIGHT = 0.2


@dataclass(slots=True)
class HostSlot:
    """The politeness state of one host."""

    host: str
    base_delay: float
    per_host: int
    max_delay: float
    autothrottle: bool
    delay: float = 0.0
    in_flight: int = 0
    next_start: float = 0.0
    paused_until: float = 0.0
    #: Seconds a URL's exchanges take, measured (a moving average; None: not yet).
    latency: float | None = None

    def __post_init__(self) -> None:
        self.delay = self.base_delay

    def ready_at(self) -> float:
        """The earliest time (clock seconds) a new request to this host may start."""
        return max(self.next_start, self.paused_until)

    def can_start(self, now: float) -> bool:
        return self.in_flight < self.per_host and now >= self.ready_at()

    def started(self, now: float) -> None:
        self.in_flight += 1
        self.next_start = now + self.delay

    def finished(
        self, now: float, *, latency: float | None, error: bool, retry_after: float | None = None
    ) -> None:
        """Record the end of a request and adapt the delay."""
        self.in_flight = max(0, self.in_flight - 1)
        if latency is not None:
            # The pace the progress estimate uses: recent exchanges weigh most.
            previous = latency if self.latency is None else self.latency
            self.latency = previous + LATENCY_WEIGHT * (latency - previous)
        if retry_after is not None and retry_after > 0:
            self.paused_until = max(self.paused_until, now + retry_after)
        if error:
            if self.autothrottle:
                self.delay = min(self.max_delay, max(self.delay * 2, self.base_delay, 1.0))
        elif self.autothrottle and latency is not None:
            self._throttle(latency)
        # The gap runs from the end of the previous exchange: a slow server gets more air.
        self.next_start = max(self.next_start, now + self.delay)

    def _throttle(self, latency: float) -> None:
        # Scrapy's AutoThrottle: aim at `latency / concurrency`, moving halfway each time,
        # never below the floor (configured delay, robots Crawl-delay) nor above max_delay.
        target = latency / max(self.per_host, 1)
        new_delay = (self.delay + target) / 2.0
        if target < self.delay and new_delay > self.delay:
            return
        self.delay = min(self.max_delay, max(self.base_delay, new_delay))


class Politeness:
    """All hosts' slots; the crawl engine asks it when each host may be contacted again."""

    def __init__(
        self,
        *,
        delay: float,
        per_host: int,
        max_delay: float = 60.0,
        autothrottle: bool = True,
        hosts: int = 0,
        clock: Clock = time.monotonic,
    ) -> None:
        """``hosts``: how many hosts may have requests in flight at once (0: no limit)."""
        self._delay = delay
        self._hosts = hosts
        #: Hosts with at least one request in flight.
        self.busy_hosts = 0
        self._per_host = per_host
        self._max_delay = max_delay
        self._autothrottle = autothrottle
        self._clock = clock
        self._slots: dict[str, HostSlot] = {}

    def slot(self, host: str) -> HostSlot:
        slot = self._slots.get(host)
        if slot is None:
            slot = HostSlot(host, self._delay, self._per_host, self._max_delay, self._autothrottle)
            self._slots[host] = slot
        return slot

    def set_floor(self, host: str, seconds: float | None) -> None:
        """Raise a host's minimum delay (robots.txt Crawl-delay or Request-rate); never lower it."""
        if seconds is None or seconds <= 0:
            return
        slot = self.slot(host)
        slot.base_delay = max(slot.base_delay, min(seconds, self._max_delay))
        slot.delay = max(slot.delay, slot.base_delay)

    def pause(self, host: str, seconds: float) -> None:
        """Contact ``host`` again no sooner than ``seconds`` from now (Retry-After, robots 5xx)."""
        slot = self.slot(host)
        slot.paused_until = max(slot.paused_until, self._clock() + seconds)

    def can_start(self, host: str) -> bool:
        slot = self.slot(host)
        return not self._waits_for_a_host(slot) and slot.can_start(self._clock())

    def wait_time(self, host: str) -> float:
        """Seconds until ``host`` may take a new request (0: now; inf: until a request ends)."""
        slot = self.slot(host)
        if slot.in_flight >= slot.per_host or self._waits_for_a_host(slot):
            return float("inf")
        return max(0.0, slot.ready_at() - self._clock())

    def cancel(self, host: str) -> None:
        """A request ``can_start`` allowed will not start after all (nothing to undo here)."""

    def soonest(self, hosts: Iterable[str]) -> float | None:
        """Seconds until the first of ``hosts`` may take a new request (0: now); None when
        none of them can before a request ends. :meth:`wait_time` over many hosts, in one
        pass (the crawl loop asks after every turn)."""
        best: float | None = None
        crowded = bool(self._hosts) and self.busy_hosts >= self._hosts
        slots = self._slots
        for host in hosts:
            slot = slots.get(host) or self.slot(host)
            if slot.in_flight >= slot.per_host or (crowded and slot.in_flight == 0):
                continue
            ready = slot.next_start if slot.next_start > slot.paused_until else slot.paused_until
            if best is None or ready < best:
                best = ready
        return None if best is None else max(0.0, best - self._clock())

    def started(self, host: str) -> None:
        slot = self.slot(host)
        if slot.in_flight == 0:
            self.busy_hosts += 1
        slot.started(self._clock())

    def finished(
        self, host: str, *, latency: float | None, error: bool, retry_after: float | None = None
    ) -> None:
        slot = self.slot(host)
        slot.finished(self._clock(), latency=latency, error=error, retry_after=retry_after)
        if slot.in_flight == 0:
            self.busy_hosts -= 1

    def _waits_for_a_host(self, slot: HostSlot) -> bool:
        """An idle host while ``hosts`` others are busy waits for one of them to finish."""
        return bool(self._hosts) and slot.in_flight == 0 and self.busy_hosts >= self._hosts

    def delays(self) -> dict[str, float]:
        return {host: slot.delay for host, slot in self._slots.items()}
