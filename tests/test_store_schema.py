"""Schema versions: created at the latest version, older files migrated in place, newer refused."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archiver.errors import SchemaTooNewError, StoreError
from archiver.store import Archive
from archiver.store import schema as schema_module
from archiver.store.schema import FTS_TABLE, TABLES, Migration, latest_version
from store_support import digest, page, rows


def test_a_new_archive_has_every_table_at_the_latest_version(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    db = sqlite_utils.Database(path)
    assert set(TABLES) <= set(db.table_names())
    assert rows(path, "PRAGMA user_version") == [(latest_version(),)]
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert {"url", "content_hash", "story_id", "view_count"} <= set(db["articles"].columns_dict)


def test_an_older_archive_is_migrated_in_place_without_losing_rows(tmp_path, monkeypatch):
    path = tmp_path / "archive.db"
    latest = schema_module.MIGRATIONS[-1]
    # An archive made before the latest migration existed.
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:-1])
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=7))
    assert rows(path, "PRAGMA user_version") == [(latest.version - 1,)]

    monkeypatch.undo()
    with Archive(path) as archive:
        assert rows(path, "PRAGMA user_version") == [(latest.version,)]
        assert rows(path, "SELECT url, warc_file FROM fetches") == [
            ("https://vnexpress.net/a-1.html", None)
        ]
        assert archive.search("da nang")
        assert archive.check() == []


def test_a_version_3_archive_gets_a_full_text_index_other_tools_can_read(tmp_path, monkeypatch):
    path = tmp_path / "archive.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:3])
    with Archive(path) as archive:
        archive.save_many(
            [
                page("https://vnexpress.net/a-1.html"),
                page("https://vnexpress.net/a-2.html", "Mưa lớn ở Hà Nội.", title="Mưa"),
            ]
        )
    before = rows(path, "SELECT sql FROM sqlite_master WHERE name = ?", FTS_TABLE)[0][0]
    assert "content=''" in before  # contentless: no other tool could use it
    monkeypatch.undo()
    with Archive(path) as archive:
        assert archive.rebuilt == ["full-text index"]
        assert [hit.article_id for hit in archive.search("Đà Nẵng")] == [1]
        assert archive.check() == []
    sql = rows(path, "SELECT sql FROM sqlite_master WHERE name = ?", FTS_TABLE)[0][0]
    assert 'content="articles"' in sql
    found = rows(
        path,
        f"SELECT rowid, snippet({FTS_TABLE}, 0, '[', ']', '…', 8) FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH 'da nang'",
    )
    assert found == [(1, "…dự án cầu cảng ở [Đà] [Nẵng]")]
    with Archive(path) as archive:  # indexed once: the next open has nothing to rebuild
        assert archive.rebuilt == []


def test_a_failing_migration_leaves_the_archive_at_its_old_version(tmp_path, monkeypatch):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))

    def broken(db: sqlite_utils.Database) -> None:
        db["fetches"].add_column("half_done", str)
        raise sqlite3.OperationalError("simulated failure in the middle of a migration")

    current = schema_module.latest_version()
    monkeypatch.setattr(
        schema_module,
        "MIGRATIONS",
        [*schema_module.MIGRATIONS, Migration(current + 1, "broken", broken)],
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
        schema_module,
        "MIGRATIONS",
        [*schema_module.MIGRATIONS, Migration(latest_version() + 1, "noop", lambda db: None)],
    )
    with pytest.raises(StoreError, match="open it once for writing"):
        Archive(path, readonly=True)
