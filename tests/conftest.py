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
def archive(db_target: str) -> Iterator[Archive]:
    """An empty archive, open for writing: a file (``archive.db`` in the test's directory),
    then a PostgreSQL schema (:func:`db_target`), so a test that takes it runs on both.

    A test module that needs rows overrides it, starting from this one::

        @pytest.fixture
        def archive(archive):
            archive.save(*page("https://vnexpress.net/a-1.html"))
            return archive
    """
    with Archive(db_target) as opened:
        yield opened


#: The day the demo site is built for in tests (its day archive and feeds end here).
DEMO_DAY = date(2026, 11, 26)


@pytest.fixture
def demo_site() -> ReplaySite:
    """The demo's two sites (portal and news) as a replay site in memory, built for
    :data:`DEMO_DAY`; a new one per test, since its flaky pages count their requests."""
    return build_site(DEMO_DAY)


# -- the two engines ------------------------------------------------------------------
# The store and crawl tests that take ``db_target`` run once on a SQLite file and once on
# PostgreSQL (a database of their own per session, a schema of their own per test).

from pg_support import PostgresServer, server_or_skip  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():
    """The session's own PostgreSQL database (dropped at the end); skips or fails without one."""
    server = server_or_skip()
    yield server
    server.drop()


@pytest.fixture
def pg_url(request, pg_server: PostgresServer):
    """A ``postgresql://`` URL to an empty schema of its own (dropped after the test)."""
    url, schema = pg_server.new_schema(request.node.name)
    yield url
    pg_server.drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request, tmp_path):
    """Where a test's archive lives: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "archive.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_target(request, tmp_path_factory):
    """:func:`db_target` shared by a module's tests (an archive they only read)."""
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("archive") / "archive.db")
    server = request.getfixturevalue("pg_server")
    url, schema = server.new_schema(request.module.__name__)
    request.addfinalizer(lambda: server.drop_schema(schema))
    return url
