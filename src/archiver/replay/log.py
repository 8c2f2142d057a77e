"""The request log of a replay site: who asked for what, when, and how many at once.

Tests of the crawler read it to check politeness: the largest number of requests in
flight to one host, and the smallest gap between two requests to one host.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, replace

from archiver.headers import Headers, header_value

__all__ = ["LoggedRequest", "RequestLog"]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the replay site saw it. Times are ``time.monotonic()`` seconds."""

    started: float
    host: str
    method: str
    target: str
    url: str | None
    headers: Headers
    in_flight: int
    via: str
    status: int | None = None
    finished: float | None = None

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


class RequestLog:
    """Thread-safe: the server's loop and a test's thread may read and write it at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[int, LoggedRequest] = {}
        self._open: dict[int, str] = {}  # request id -> host, until finished
        self._in_flight: dict[str, int] = {}
        self._next_id = 0

    def begin(
        self, host: str, method: str, target: str, url: str | None, headers: Headers, via: str
    ) -> int:
        """Note a request's arrival; returns its id for :meth:`finish`."""
        with self._lock:
            count = self._in_flight.get(host, 0) + 1
            self._in_flight[host] = count
            request_id = self._next_id
            self._next_id += 1
            self._open[request_id] = host
            self._records[request_id] = LoggedRequest(
                time.monotonic(), host, method, target, url, headers, count, via
            )
            return request_id

    def set_status(self, request_id: int, status: int | None) -> None:
        with self._lock:
            if request_id in self._records:
                self._records[request_id] = replace(self._records[request_id], status=status)

    def finish(self, request_id: int, status: int | None = None) -> None:
        """Note that the response (or the failure) of a request is complete (once)."""
        with self._lock:
            host = self._open.pop(request_id, None)
            if host is None:
                return
            self._in_flight[host] -= 1
            record = self._records.get(request_id)
            if record is not None:
                self._records[request_id] = replace(
                    record,
                    finished=time.monotonic(),
                    status=record.status if status is None else status,
                )

    def records(self, host: str | None = None) -> list[LoggedRequest]:
        """The logged requests in order of arrival (of ``host`` only, if given)."""
        with self._lock:
            return [r for r in self._records.values() if host is None or r.host == host]

    def in_flight(self, host: str) -> int:
        with self._lock:
            return self._in_flight.get(host, 0)

    def max_in_flight(self, host: str | None = None) -> int:
        """The most requests that were open at once to ``host`` (to any one host if None)."""
        return max((r.in_flight for r in self.records(host)), default=0)

    def min_gap(self, host: str) -> float | None:
        """The shortest time between the arrivals of two successive requests to ``host``."""
        starts = [r.started for r in self.records(host)]
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        return min(gaps) if gaps else None

    def clear(self) -> None:
        """Forget the logged requests (requests still open keep counting as in flight)."""
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
