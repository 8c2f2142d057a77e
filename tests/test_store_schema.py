"""Schema versions: created at the latest version, older files migrated in place, newer refused."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archiver.errors import SchemaTooNewError, StoreError
from archiver.store import Archive
from archiver.store import migrations as migrations_module
from archiver.store.migrations import Migration, latest_version
from archiver.store.schema import TABLES
from store_support import digest, page, rows


def test_a_new_archive_has_every_table_at_the_latest_version(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    db = sqlite_utils.Database(path)
    assert set(TABLES) <= set(db.table_names())
    assert rows(path, "PRAGMA user_version") == [(latest_version(),)]
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert {"url", "content_hash", "story_id", "view_count"} <= set(db["articles"].columns_dict)


def test_a_failing_migration_leaves_the_archive_at_its_old_version(tmp_path, monkeypatch):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE fetches ADD COLUMN half_done TEXT")
        raise sqlite3.OperationalError("simulated failure in the middle of a migration")

    current = migrations_module.latest_version()
    monkeypatch.setattr(
        migrations_module,
        "MIGRATIONS",
        (*migrations_module.MIGRATIONS, Migration(current + 1, "broken", broken)),
    )
    with pytest.raises(StoreError, match="simulated failure"):
        Archive(path)
    assert rows(path, "PRAGMA user_version") == [(current,)]
    assert "half_done" not in sqlite_utils.Database(path)["fetches"].columns_dict


def test_an_archive_from_a_newer_archiver_is_refused_and_untouched(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    before = digest(path)
    for readonly in (False, True):
        with pytest.raises(SchemaTooNewError, match="newer than") as caught:
            Archive(path, readonly=readonly)
        assert "\n" not in str(caught.value)
    assert digest(path) == before


def test_another_programs_sqlite_file_is_not_turned_into_an_archive(tmp_path):
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="not an archive"):
        Archive(path)
    assert digest(path) == before


def test_a_read_only_open_of_an_old_archive_asks_for_one_writable_open(tmp_path, monkeypatch):
    path = tmp_path / "archive.db"
    Archive(path).close()
    monkeypatch.setattr(
        migrations_module,
        "MIGRATIONS",
        (*migrations_module.MIGRATIONS, Migration(latest_version() + 1, "noop", lambda c: None)),
    )
    with pytest.raises(StoreError, match="open it once for writing"):
        Archive(path, readonly=True)
