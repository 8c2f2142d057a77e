"""The retry policy: what is retried, how long it waits (injected sleep), when it gives up."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from archiver.fetch.retry import Retried, RetryPolicy, parse_retry_after
from archiver.settings import Settings

NOW = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Outcome:
    status: int | None = None
    failure: BaseException | None = None
    retry_after: str | None = None

    def header(self, name: str) -> str | None:
        return self.retry_after if name.lower() == "retry-after" else None


class Script:
    """Outcomes handed out one per attempt; counts the calls."""

    def __init__(self, outcomes: Iterable[Outcome]) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def __call__(self) -> Outcome:
        self.calls += 1
        return self.outcomes[min(self.calls, len(self.outcomes)) - 1]


def policy(sleeps: list[float], **options: object) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    defaults: dict[str, object] = {"attempts": 4, "backoff": 0.0, "max_wait": 60.0}
    return RetryPolicy(**{**defaults, **options}, sleep=sleep, clock=lambda: NOW)  # type: ignore[arg-type]


def run(retry: RetryPolicy, script: Script) -> Retried[Outcome]:
    return asyncio.run(retry.run(script))


def test_503_then_200_is_retried_until_success() -> None:
    sleeps: list[float] = []
    script = Script([Outcome(503), Outcome(503), Outcome(200)])
    retried = run(policy(sleeps), script)
    assert (retried.result.status, retried.attempts, script.calls) == (200, 3, 3)
    assert not retried.gave_up and len(sleeps) == 2


def test_retry_after_seconds_is_the_wait_when_longer_than_backoff() -> None:
    sleeps: list[float] = []
    retried = run(policy(sleeps), Script([Outcome(429, retry_after="7"), Outcome(200)]))
    assert retried.result.status == 200
    assert sleeps == [7.0] and retried.waits == (7.0,)


def test_retry_after_http_date_is_honoured() -> None:
    sleeps: list[float] = []
    when = (NOW + timedelta(seconds=45)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    run(policy(sleeps), Script([Outcome(503, retry_after=when), Outcome(200)]))
    assert sleeps == [45.0]


def test_retry_after_is_a_minimum_not_a_replacement_for_backoff() -> None:
    sleeps: list[float] = []
    script = Script([Outcome(503, retry_after="1"), Outcome(200)])
    run(policy(sleeps, backoff=10.0), script)
    assert 10.0 <= sleeps[0] <= 20.0


def test_backoff_doubles_with_jitter_and_stops_at_max_wait() -> None:
    sleeps: list[float] = []
    retried = run(policy(sleeps, attempts=7, backoff=1.0, max_wait=10.0), Script([Outcome(502)]))
    assert retried.stopped == "attempts" and retried.attempts == 7
    for n, wait in enumerate(sleeps[:4]):  # 1, 2, 4, 8 seconds, each plus up to 1 of jitter
        assert 2**n <= wait <= 2**n + 1
    assert sleeps[4:] == [10.0, 10.0]


def test_404_is_not_retried() -> None:
    sleeps: list[float] = []
    script = Script([Outcome(404), Outcome(200)])
    retried = run(policy(sleeps), script)
    assert (retried.result.status, script.calls, sleeps) == (404, 1, [])
    assert not retried.gave_up


def test_other_4xx_are_never_retried_even_if_configured() -> None:
    retry = RetryPolicy.from_settings(Settings(retry_statuses=(403, 404, 429, 503)))
    assert retry.statuses == {429, 503}


def test_retry_after_beyond_the_cap_gives_up_now_with_retry_at() -> None:
    sleeps: list[float] = []
    script = Script([Outcome(429, retry_after="3600"), Outcome(200)])
    retried = run(policy(sleeps, max_wait=300.0), script)
    assert script.calls == 1 and sleeps == []
    assert retried.stopped == "retry_after"
    assert retried.retry_at == NOW + timedelta(seconds=3600)


def test_giving_up_after_attempts_reports_the_servers_retry_after() -> None:
    retried = run(policy([], attempts=2), Script([Outcome(503, retry_after="30")]))
    assert retried.stopped == "attempts"
    assert retried.retry_at == NOW + timedelta(seconds=30)


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("peer closed"),
        TimeoutError(),
    ],
)
def test_connection_errors_and_timeouts_are_retried(error: BaseException) -> None:
    sleeps: list[float] = []
    script = Script([Outcome(failure=error)])
    retried = run(policy(sleeps, attempts=3), script)
    assert script.calls == 3 and len(sleeps) == 2
    assert retried.stopped == "attempts" and retried.retry_at is None


def test_a_request_we_cannot_send_is_not_retried() -> None:
    script = Script([Outcome(failure=httpx.UnsupportedProtocol("gopher"))])
    retried = run(policy([]), script)
    assert script.calls == 1 and not retried.gave_up


def test_a_certificate_that_fails_verification_is_not_retried() -> None:
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate has expired")
    error.__cause__ = ssl.SSLCertVerificationError(1, "certificate has expired")
    script = Script([Outcome(failure=error)])
    retried = run(policy([]), script)
    assert script.calls == 1 and not retried.gave_up


def test_an_exception_from_the_call_propagates() -> None:
    async def broken() -> Outcome:
        raise ValueError("bug")

    with pytest.raises(ValueError, match="bug"):
        asyncio.run(policy([]).run(broken))


def test_settings_give_the_policy() -> None:
    settings = Settings(retries=2, retry_backoff=0.5, retry_max_wait=9.0)
    retry = RetryPolicy.from_settings(settings)
    assert (retry.attempts, retry.backoff, retry.max_wait) == (2, 0.5, 9.0)
    assert retry.statuses == set(settings.retry_statuses)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("Wed, 01 May 2024 08:02:00 GMT", 120.0),
        ("Wed, 01 May 2024 07:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("inf", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds
