"""Politeness for a fleet of crawlers sharing one PostgreSQL archive.

:class:`FleetPoliteness` keeps every rule of :class:`~archiver.crawl.politeness.Politeness`
for this process, and before a request starts it also leases a slot of the host from
the database (:class:`archiver.store.postgres.hosts.HostSlots`): requests in flight per
host, the delay between requests, robots.txt Crawl-delay, Retry-After pauses and
AutoThrottle's delay then hold for the whole fleet, however many crawlers on however
many machines. A host whose slots other crawlers hold is asked again after
:data:`POLL` seconds.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from archiver.crawl.politeness import Politeness

__all__ = ["POLL", "FleetPoliteness"]

#: Seconds before asking again for a host whose slots the rest of the fleet holds.
POLL = 0.05


class FleetPoliteness(Politeness):
    """:class:`Politeness` whose host slots are leased in the shared archive."""

    def __init__(self, slots: Any, **options: Any) -> None:
        super().__init__(**options)
        self.slots = slots
        #: Slots leased by can_start and not yet used by started(), per host.
        self._granted: dict[str, int] = {}
        #: Leases of the requests in flight, oldest first, per host.
        self._held: dict[str, deque[int | None]] = defaultdict(deque)
        #: When (this process's clock) to ask the database again about a busy host.
        self._not_before: dict[str, float] = {}

    def can_start(self, host: str) -> bool:
        if not super().can_start(host):
            return False
        if host in self._granted:
            return True
        clock = time.monotonic()
        if self._not_before.get(host, 0.0) > clock:
            return False
        slot = self.slot(host)
        lease, state = self.slots.acquire(host, per_host=slot.per_host, delay=slot.delay)
        # The fleet's pace becomes this process's: AutoThrottle adapts it from here.
        slot.base_delay = max(slot.base_delay, state.base_delay)
        slot.delay = max(slot.delay, state.delay)
        if lease is None:
            self._not_before[host] = clock + max(min(state.wait(), 1.0), POLL)
            return False
        self._granted[host] = lease
        return True

    def wait_time(self, host: str) -> float:
        local = super().wait_time(host)
        if local == float("inf") or host in self._granted:
            return local
        return max(local, self._not_before.get(host, 0.0) - time.monotonic())

    def soonest(self, hosts: Iterable[str]) -> float | None:
        """:meth:`wait_time` over ``hosts``, the fleet's busy hosts included."""
        waits = [wait for wait in map(self.wait_time, hosts) if wait != float("inf")]
        return min(waits) if waits else None

    def started(self, host: str) -> None:
        self._held[host].append(self._granted.pop(host, None))
        super().started(host)

    def finished(
        self, host: str, *, latency: float | None, error: bool, retry_after: float | None = None
    ) -> None:
        super().finished(host, latency=latency, error=error, retry_after=retry_after)
        held = self._held[host]
        lease = held.popleft() if held else None
        self.slots.release(lease, host, delay=self.slot(host).delay, retry_after=retry_after)
        self._not_before.pop(host, None)

    def set_floor(self, host: str, seconds: float | None) -> None:
        super().set_floor(host, seconds)
        if seconds is not None and seconds > 0:
            self.slots.set_floor(host, self.slot(host).base_delay)

    def pause(self, host: str, seconds: float) -> None:
        super().pause(host, seconds)
        self.slots.pause(host, seconds, self.slot(host).delay)

    def cancel(self, host: str) -> None:
        """Give back the slot leased for a request that will not start now."""
        lease = self._granted.pop(host, None)
        if lease is not None:
            self.slots.cancel(lease)

    def release_unused(self) -> None:
        """The crawl is ending: give back every slot it still holds, those leased for
        requests that never started and those of requests a stop cancelled."""
        for host in list(self._granted):
            self.cancel(host)
        for held in self._held.values():
            while held:
                lease = held.popleft()
                if lease is not None:
                    self.slots.cancel(lease)
