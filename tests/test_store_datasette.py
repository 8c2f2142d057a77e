"""Datasette: metadata for every table and column, canned queries that run, the plugin."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest

from archiver.store import Archive
from archiver.store.datasette import METADATA, PLUGINS, metadata_for, schema_markdown
from archiver.store.query import parse
from archiver.store.schema import FTS_TABLE
from store_support import page

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        opened.save(*page("https://vnexpress.net/a-1.html", view_count=3))
        opened.save(*page("https://baomoi.com/a.epi", site="baomoi", title="Bản sao", view_count=1))
        yield opened


def described() -> dict:
    return json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["tables"]


def test_metadata_describes_every_table_and_column_and_nothing_else(archive):
    tables = described()
    names = [
        row[0]
        for row in archive.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row[0].startswith(f"{FTS_TABLE}_")
    ]
    assert sorted(tables) == sorted(names)
    for name in names:
        if name == FTS_TABLE:
            continue
        columns = [row[1] for row in archive.conn.execute(f"PRAGMA table_info({name})")]
        assert list(tables[name]["columns"]) == columns, name
    assert tables["articles"]["fts_table"] == FTS_TABLE
    assert tables["articles"]["fts_pk"] == "id"


def test_canned_queries_run_on_an_archive(archive):
    conn: sqlite3.Connection = archive.conn
    conn.create_function("vn_fts", 1, lambda query: parse(query).fts)
    queries = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["queries"]
    params = {"q": "Đà Nẵng", "article_id": 1}
    results = {
        name: conn.execute(query["sql"], params).fetchall() for name, query in queries.items()
    }
    assert results["search"][0][1] == "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng"
    assert results["view_count_series"] == [("2024-03-05T09:00:00+07:00", 3)]


def test_metadata_can_be_renamed_for_another_database_file():
    assert list(metadata_for("tintuc")["databases"]) == ["tintuc"]


def test_the_readme_documents_every_table_and_column():
    assert schema_markdown() in README.read_text(encoding="utf-8")


def test_the_plugin_makes_datasette_search_fold_d_stroke(archive):
    pytest.importorskip("datasette")
    spec = importlib.util.spec_from_file_location("vn_fold", PLUGINS / "vn_fold.py")
    assert spec and spec.loader
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    conn = sqlite3.connect(archive.path)
    plugin.prepare_connection(conn)
    found = conn.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH escape_fts(?)", ("Đà Nẵng",)
    ).fetchall()
    conn.close()
    assert found == [(1,), (2,)]
