"""The retry policy, defined once: which failed attempts deserve another, and how long to wait.

Retried: connection errors, timeouts, and the statuses in ``Settings.retry_statuses``
(429 and the 5xx that mean "busy" or "gateway trouble"); never any other 4xx, never a
response that arrived whole. Attempt ``n`` (``n`` ≥ 1) is followed by a wait of::

    retry_backoff · (2^(n-1) + U(0, 1))          (tenacity's wait_exponential_jitter)

capped by ``retry_max_wait``. A ``Retry-After`` header (seconds or an HTTP-date) is a
minimum. When it asks for more than ``retry_max_wait`` the policy stops at once instead
of holding a task for minutes, and reports ``retry_at`` so the crawler can put the URL
back in its frontier for later.

The sleep and the clock are injected, so tests run the whole policy without waiting::

    policy = RetryPolicy.from_settings(settings, sleep=fake_sleep)
    retried = await policy.run(lambda: fetch_once(url))
"""

from __future__ import annotations

import asyncio
import logging
import math
import ssl
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Generic, Literal, Protocol, TypeVar

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from archiver.settings import DEFAULTS, Settings

__all__ = [
    "RETRYABLE_ERRORS",
    "Attempt",
    "Retried",
    "RetryPolicy",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

#: Failures without a (complete) response that another attempt may cure. ``TimeoutError``
#: is the total per-exchange deadline; httpx's own timeouts are ``TimeoutException``.
#: Not here: ``UnsupportedProtocol`` and ``LocalProtocolError`` (our request is at fault).
RETRYABLE_ERRORS: tuple[type[BaseException], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
    TimeoutError,
)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]
StopReason = Literal["attempts", "retry_after"]


class Attempt(Protocol):
    """What the policy needs to know of one attempt's outcome."""

    @property
    def status(self) -> int | None: ...

    @property
    def failure(self) -> BaseException | None: ...

    def header(self, name: str) -> str | None: ...


A = TypeVar("A", bound=Attempt)


@dataclass(frozen=True, slots=True)
class Retried(Generic[A]):
    """The last attempt, and how the policy came to stop there.

    ``stopped`` is None when the last attempt needs no retry (a success, a 404...);
    ``"attempts"`` when it still failed after every attempt; ``"retry_after"`` when the
    server asked to wait longer than ``max_wait``. ``retry_at`` is when the server said
    to come back (from its Retry-After) when the policy gave up.
    """

    result: A
    attempts: int
    waits: tuple[float, ...]
    stopped: StopReason | None = None
    retry_at: datetime | None = None

    @property
    def gave_up(self) -> bool:
        return self.stopped is not None


def _utcnow() -> datetime:
    return datetime.now(UTC)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date); None if unusable.

    A date in the past means 0. ``now`` must be timezone-aware.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class _Backoff(wait_base):
    """Exponential backoff with jitter, at least the server's Retry-After, at most max_wait."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        # The multiplier is applied here rather than through tenacity's ``multiplier``
        # argument, which older tenacity releases (>= 9.0 is allowed) do not have.
        self._exponential = wait_exponential_jitter(max=math.inf, jitter=1)

    def __call__(self, retry_state: RetryCallState) -> float:
        backoff = self._policy.backoff * self._exponential(retry_state)
        asked = self._policy.retry_after(_result(retry_state)) or 0.0
        return min(max(backoff, asked), self._policy.max_wait)


class _AskedTooLong(stop_base):
    """Stop when the server's Retry-After exceeds what the policy is willing to wait."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy

    def __call__(self, retry_state: RetryCallState) -> bool:
        asked = self._policy.retry_after(_result(retry_state))
        return asked is not None and asked > self._policy.max_wait


def _certificate_error(error: BaseException) -> bool:
    """A TLS certificate that failed verification (httpx says ConnectError): no cure in retrying."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _result(retry_state: RetryCallState) -> Attempt:
    assert retry_state.outcome is not None  # tenacity waits and stops only after an attempt
    return retry_state.outcome.result()


class RetryPolicy:
    """When to try an exchange again and how long to wait; one per crawl."""

    def __init__(
        self,
        *,
        attempts: int = DEFAULTS.retries,
        backoff: float = DEFAULTS.retry_backoff,
        max_wait: float = DEFAULTS.retry_max_wait,
        statuses: Collection[int] = DEFAULTS.retry_statuses,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.attempts = max(1, attempts)
        self.backoff = max(0.0, backoff)
        self.max_wait = max(0.0, max_wait)
        # Other 4xx say the request itself is wrong: repeating it cannot help.
        self.statuses = frozenset(s for s in statuses if s == 408 or s == 429 or s >= 500)
        self._sleep: Sleep = sleep or asyncio.sleep
        self._clock: Clock = clock or _utcnow

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sleep: Sleep | None = None, clock: Clock | None = None
    ) -> RetryPolicy:
        return cls(
            attempts=settings.retries,
            backoff=settings.retry_backoff,
            max_wait=settings.retry_max_wait,
            statuses=settings.retry_statuses,
            sleep=sleep,
            clock=clock,
        )

    def now(self) -> datetime:
        return self._clock()

    def retryable(self, attempt: Attempt) -> bool:
        """True when ``attempt`` failed in a way another attempt may cure."""
        if attempt.failure is not None:
            return isinstance(attempt.failure, RETRYABLE_ERRORS) and not _certificate_error(
                attempt.failure
            )
        return attempt.status in self.statuses

    def retry_after(self, attempt: Attempt) -> float | None:
        """The wait the server asked for with a retryable status, in seconds, if any."""
        if attempt.failure is not None or attempt.status not in self.statuses:
            return None
        return parse_retry_after(attempt.header("retry-after"), self._clock())

    async def run(self, call: Callable[[], Awaitable[A]]) -> Retried[A]:
        """Call ``call`` until it needs no retry or the policy gives up; the last result.

        ``call`` reports failures in its result (``Attempt.failure``); an exception it
        raises is a bug or a cancellation and propagates at once.
        """
        first = await call()
        if not self.retryable(first):
            # The usual case, without tenacity's machinery (a crawl fetches many pages).
            return Retried(first, 1, ())
        waits: list[float] = []
        ready = [first]

        def before_sleep(retry_state: RetryCallState) -> None:
            wait = retry_state.upcoming_sleep
            waits.append(wait)
            last = _result(retry_state)
            log.debug(
                "attempt %d gave %s; retrying in %.2fs",
                retry_state.attempt_number,
                last.failure or last.status,
                wait,
            )

        async def attempt() -> A:
            # tenacity awaits only coroutine functions; ``call`` may be a plain lambda.
            # Its first attempt is the one already made above.
            return ready.pop() if ready else await call()

        retrying = AsyncRetrying(
            sleep=self._sleep,
            stop=stop_after_attempt(self.attempts) | _AskedTooLong(self),
            wait=_Backoff(self),
            retry=retry_if_result(self.retryable),
            before_sleep=before_sleep,
            retry_error_callback=_result,
        )
        result: A = await retrying(attempt)
        attempts = len(waits) + 1
        if not self.retryable(result):
            return Retried(result, attempts, tuple(waits))
        asked = self.retry_after(result)
        stopped: StopReason = (
            "retry_after" if asked is not None and asked > self.max_wait else "attempts"
        )
        retry_at = self._clock() + timedelta(seconds=asked) if asked is not None else None
        return Retried(result, attempts, tuple(waits), stopped, retry_at)
