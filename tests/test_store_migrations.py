"""Migrations on real archives: every old version (written by the archiver of its day, kept in
``fixtures/archives/``) migrates to exactly the schema of a new archive, keeping its rows."""

from __future__ import annotations

import ast
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from archiver.store import Archive
from archiver.store import migrations as migrations_module
from archiver.store.migrations import MIGRATIONS, latest_version
from store_support import page, rows

ARCHIVES = Path(__file__).resolve().parent.parent / "fixtures" / "archives"
VERSIONS = range(1, latest_version() + 1)


def schema(path: Path) -> dict[str, object]:
    """Everything the schema is: each object's SQL (whitespace folded) and each table's
    columns with their types, defaults and keys, and the version."""
    conn = sqlite3.connect(path)
    try:
        objects = {
            name: (kind, table, " ".join((sql or "").split()))
            for kind, name, table, sql in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
            )
        }
        columns = {
            name: conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
            for name, (kind, _, _) in objects.items()
            if kind == "table"
        }
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    return {"objects": objects, "columns": columns, "version": version}


@pytest.fixture(scope="module")
def new_schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("new") / "archive.db"
    Archive(path).close()
    return schema(path)


def _copy(version: int, tmp_path: Path) -> Path:
    path = tmp_path / f"v{version}.db"
    shutil.copyfile(ARCHIVES / f"v{version}.db", path)
    return path


def test_every_schema_version_has_a_real_archive_to_migrate():
    assert [m.version for m in MIGRATIONS] == list(VERSIONS)
    for version in VERSIONS:
        assert rows(ARCHIVES / f"v{version}.db", "PRAGMA user_version") == [(version,)]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_archive_of_each_version_migrates_to_the_schema_of_a_new_one(
    version, tmp_path, new_schema
):
    path = _copy(version, tmp_path)
    Archive(path).close()
    assert schema(path) == new_schema


@pytest.mark.parametrize("version", VERSIONS)
def test_a_migrated_archive_keeps_its_articles_history_and_search(version, tmp_path):
    path = _copy(version, tmp_path)
    with Archive(path) as archive:
        assert archive.check() == []
        assert [a.url for a in archive.articles()] == [
            "https://vnexpress.net/a-1.html",
            "https://vnexpress.net/a-2.html",
        ]
        assert [v.view_count for v in archive.view_counts("https://vnexpress.net/a-1.html")] == [
            10,
            25,
        ]
        assert archive.article("https://vnexpress.net/a-1-copy.html").title == "Khởi công cầu cảng"
        assert [hit.url for hit in archive.search("da nang")] == ["https://vnexpress.net/a-1.html"]
        assert rows(path, "SELECT count(*) FROM article_versions") == [(1,)]
        assert rows(path, "SELECT count(*), count(DISTINCT run_id) FROM fetches") == [(5, 1)]
        # The migrated archive takes new pages like a new one.
        new = page("https://vnexpress.net/a-3.html", "Mưa lớn ở Hà Nội.", title="Mưa")
        result = archive.save(*new)
        assert result.outcome == "new"
        assert archive.check() == []


def test_raw_pages_stored_with_zlib_before_version_7_still_read_beside_new_zstd_ones(tmp_path):
    path = _copy(6, tmp_path)
    old = rows(path, "SELECT sha256 FROM bodies WHERE compression = 'zlib'")
    assert old, "the version 6 archive holds zlib pages"
    with Archive(path) as archive:
        assert all(archive.body(sha).startswith(b"<h1>") for (sha,) in old)
        new = page("https://vnexpress.net/a-3.html", "Mưa lớn ở Hà Nội. " * 20, title="Mưa")
        archive.save(*new)
        (sha,) = rows(path, "SELECT sha256 FROM fetches ORDER BY id DESC LIMIT 1")[0]
        assert rows(path, f"SELECT compression FROM bodies WHERE sha256 = '{sha}'") == [("zstd",)]
        assert archive.body(sha) == new[0].body


def test_migrations_import_nothing_of_todays_code():
    """A migration that ran today's DDL would make new and migrated archives drift apart."""
    allowed = {"__future__", "sqlite3", "archiver.store.migrations.ddl"}
    folder = Path(migrations_module.__file__).parent
    for module in sorted(folder.glob("v*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert imported <= allowed, (module.name, imported - allowed)
        assert re.fullmatch(r"v\d+\.py", module.name)


def test_a_version_5_archive_gets_empty_captions_and_a_captions_index(tmp_path):
    path = _copy(5, tmp_path)
    with Archive(path) as archive:
        assert rows(path, "SELECT url, view_count, captions, source FROM articles") == [
            ("https://vnexpress.net/a-1.html", 25, "[]", None),
            ("https://vnexpress.net/a-2.html", None, "[]", None),
        ]
        # The rebuilt index still forgets a row exactly: a refetch with captions replaces it.
        url = "https://vnexpress.net/a-1.html"
        archive.save(*page(url, title="Khởi công cầu cảng", captions=("Toàn cảnh hội nghị.",)))
        assert [hit.url for hit in archive.search("toan canh hoi nghi")] == [url]
        assert archive.check() == []


def test_a_version_3_archive_gets_a_full_text_index_other_tools_can_read(tmp_path):
    path = _copy(3, tmp_path)
    fts_sql = "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
    assert "content=''" in rows(path, fts_sql)[0][0]  # contentless: no other tool can use it
    with Archive(path) as archive:
        # (Its content hashes too: the code computing them has changed since that version.)
        assert "full-text index" in archive.rebuilt
        assert [hit.article_id for hit in archive.search("Đà Nẵng")] == [1]
    assert 'content="articles"' in rows(path, fts_sql)[0][0]
    ((rowid, snippet),) = rows(
        path,
        "SELECT rowid, snippet(articles_fts, 2, '[', ']', '…', 8) FROM articles_fts "
        "WHERE articles_fts MATCH 'da nang'",
    )
    assert rowid == 1 and "[Đà] [Nẵng]" in snippet
    with Archive(path) as archive:  # indexed once: the next open has nothing to rebuild
        assert archive.rebuilt == []
