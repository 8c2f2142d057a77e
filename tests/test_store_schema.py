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


def _older(path, version: int) -> None:
    """Turn an archive back into what archiver wrote at schema ``version`` (3 or 5): no
    captions or source columns and an index of title, lead and body only; at version 3
    a contentless index of the folded text and no article_list view. (An older archive
    cannot be made by today's code: its writer fills today's columns.)"""
    from archiver.store.folding import index_fold
    from archiver.store.fts import create_sql, index_text

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE articles DROP COLUMN captions")
        conn.execute("ALTER TABLE articles DROP COLUMN source")
        conn.execute(f"DROP TABLE {FTS_TABLE}")
        fold = index_text
        if version <= 3:
            conn.execute("DROP VIEW article_list")
            conn.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, lead, body, content='', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            fold = index_fold
        else:
            conn.execute(create_sql(("title", "lead", "body")))
        for rowid, *texts in conn.execute("SELECT id, title, lead, body FROM articles"):
            conn.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, lead, body) VALUES (?, ?, ?, ?)",
                (rowid, *map(fold, texts)),
            )
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def test_an_older_archive_is_migrated_in_place_without_losing_rows(tmp_path):
    path = tmp_path / "archive.db"
    latest = schema_module.MIGRATIONS[-1]
    assert "captions" in latest.description
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=7))
    _older(path, latest.version - 1)  # an archive made before the latest migration existed

    with Archive(path) as archive:
        assert rows(path, "PRAGMA user_version") == [(latest.version,)]
        assert rows(path, "SELECT url, view_count, captions, source FROM articles") == [
            ("https://vnexpress.net/a-1.html", 7, "[]", None)
        ]
        assert rows(path, "SELECT url, warc_file FROM fetches") == [
            ("https://vnexpress.net/a-1.html", None)
        ]
        assert archive.search("da nang")
        assert archive.check() == []
        # The rebuilt index still forgets a row exactly: a refetch with captions replaces it.
        captions = ("Toàn cảnh hội nghị.",)
        exchange, article = page("https://vnexpress.net/a-1.html", captions=captions)
        archive.save(exchange, article)
        assert [hit.url for hit in archive.search("toan canh hoi nghi")] == [article.url]
        assert archive.check() == []


def test_a_version_3_archive_gets_a_full_text_index_other_tools_can_read(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save_many(
            [
                page("https://vnexpress.net/a-1.html"),
                page("https://vnexpress.net/a-2.html", "Mưa lớn ở Hà Nội.", title="Mưa"),
            ]
        )
    _older(path, 3)
    before = rows(path, "SELECT sql FROM sqlite_master WHERE name = ?", FTS_TABLE)[0][0]
    assert "content=''" in before  # contentless: no other tool could use it
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
