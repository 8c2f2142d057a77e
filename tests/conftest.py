"""Test-wide settings and the fixtures many test files share (an archive, a fake clock,
the demo site).

Property tests are deterministic, here and in CI alike.
Hypothesis draws its examples from a fixed seed (``derandomize``), keeps no example
database between runs, and has no deadline nor timing-based health check: a run on a
busy machine behaves exactly like a run on an idle one, and the suite passes or fails
the same way every time. Examples that once failed are pinned with ``@example``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from archiver.demo import build_site
from archiver.replay import ReplaySite
from archiver.store import Archive

settings.register_profile(
    "archiver",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("archiver")


# --- shared fixtures -------------------------------------------------------------------


class FakeClock:
    """A ``time.monotonic`` stand-in that moves only when a test says: ``clock.now += 5``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A fake monotonic clock at 1000.0 s, for politeness, budgets, caches and ETAs."""
    return FakeClock()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """An empty archive file (``archive.db`` in the test's directory), open for writing.

    A test module that needs rows overrides it, starting from this one::

        @pytest.fixture
        def archive(archive):
            archive.save(*page("https://vnexpress.net/a-1.html"))
            return archive
    """
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


#: The day the demo site is built for in tests (its day archive and feeds end here).
DEMO_DAY = date(2026, 11, 26)


@pytest.fixture
def demo_site() -> ReplaySite:
    """The demo's two sites (portal and news) as a replay site in memory, built for
    :data:`DEMO_DAY`; a new one per test, since its flaky pages count their requests."""
    return build_site(DEMO_DAY)
