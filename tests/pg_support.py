"""A PostgreSQL server for the tests: a database per session, a schema per test.

The server is ``$ARCHIVER_TEST_PG`` (a ``postgresql://`` URL to a database the tests may
create databases from), by default the project machines' ``postgresql://postgres@127.0.0.1:5432/test``.
Without a reachable server the PostgreSQL tests skip, with one line saying how to enable
them; with ``CI`` set they fail instead, so CI never passes without them.
"""

from __future__ import annotations

import os
import re
import secrets
from urllib.parse import quote, urlsplit, urlunsplit

ENV = "ARCHIVER_TEST_PG"
DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


class PostgresServer:
    """The session's database on the server, and schemas made in it for single tests."""

    def __init__(self, admin_url: str, prefix: str = "archiver_test") -> None:
        import psycopg

        self.admin_url = admin_url
        self.name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.name} TEMPLATE template0 ENCODING 'UTF8'")
        self.url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{self.name}"))
        self._count = 0

    def new_schema(self, label: str) -> tuple[str, str]:
        import psycopg

        self._count += 1
        schema = f"t{self._count}_{re.sub(r'[^a-z0-9]+', '_', label.lower())[:40]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        options = quote(f"-csearch_path={schema}")
        return f"{self.url}?options={options}", schema

    def drop_schema(self, schema: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def server_or_skip() -> PostgresServer:
    # pytest imported here, so that bench/fleet.py can use PostgresServer without it.
    import pytest

    url = os.environ.get(ENV) or DEFAULT
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception as error:
        reason = " ".join(str(error).split())[:200]
        if os.environ.get("CI"):
            pytest.fail(f"CI: PostgreSQL not reachable at {url} ({reason})", pytrace=False)
        pytest.skip(
            f"PostgreSQL not reachable at {url}; to run these tests set {ENV}=postgresql://…"
        )
    _drop_leftovers(url)
    return PostgresServer(url)


def _drop_leftovers(url: str) -> None:
    """Drop the databases of earlier sessions whose process is gone (a killed run's)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'archiver_test_%'"
            )
        ]
        for name in names:
            pid = name.split("_")[2]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
