"""Datasette: metadata for every table and column, canned queries that run, the plugin."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest

from archiver.store.datasette import METADATA, PLUGINS, metadata_for, schema_markdown
from archiver.store.query import parse
from archiver.store.schema import FTS_TABLE
from store_support import page

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def db_target(tmp_path):
    """Datasette reads SQLite files: these tests' archive is one."""
    return str(tmp_path / "archive.db")


@pytest.fixture
def archive(archive):
    archive.save(*page("https://vnexpress.net/a-1.html", view_count=3))
    archive.save(*page("https://baomoi.com/a.epi", site="baomoi", title="Bản sao", view_count=1))
    return archive


def described() -> dict:
    return json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["tables"]


def test_metadata_describes_every_table_view_and_column_and_nothing_else(archive):
    tables = described()
    names = [
        row[0]
        for row in archive.conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        )
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
    conn.create_function("vn_phrase", 1, lambda query: parse(query).phrase.fts())
    queries = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["queries"]
    params = {"q": "Đà Nẵng", "site": "", "article_id": 1}
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
    plugin = _plugin("vn_fold")
    conn = sqlite3.connect(archive.path)
    plugin.prepare_connection(conn)
    found = conn.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH escape_fts(?)", ("Đà Nẵng",)
    ).fetchall()
    conn.close()
    assert found == [(1,), (2,)]


def _plugin(name: str):
    pytest.importorskip("datasette")
    spec = importlib.util.spec_from_file_location(name, PLUGINS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_ranked_search_puts_pages_with_the_phrase_first():
    plugin = _plugin("vn_fold")
    assert plugin.vn_phrase("Đà Nẵng") == '"da nang"'
    assert plugin.vn_phrase("bão OR lũ") == plugin.vn_fts("bão OR lũ")
    assert plugin.vn_phrase('"unbalanced') == '"unbalanced"'


def test_a_table_search_without_a_sort_goes_to_the_ranked_search():
    pages = _plugin("pages")

    def scope(path: str, query: str) -> dict:
        return {"type": "http", "method": "GET", "path": path, "query_string": query.encode()}

    where = pages._ranked_search_location
    assert where(scope("/archive/articles", "_search=da+nang"), "/") == (
        "/archive/search?q=da+nang&site="
    )
    assert where(scope("/tin/article_list", "_search=b%C3%A3o&site=vnexpress"), "/") == (
        "/tin/search?q=b%C3%A3o&site=vnexpress"
    )
    assert (
        where(scope("/ds/archive/articles", "_search=x"), "/ds/") == "/ds/archive/search?q=x&site="
    )
    assert where(scope("/archive/articles", "_search=x&_sort=published_at"), "/") is None
    assert where(scope("/archive/articles.json", "_search=x"), "/") is None
    assert where(scope("/archive/fetches", "_search=x"), "/") is None
    assert where(scope("/archive/articles", ""), "/") is None
