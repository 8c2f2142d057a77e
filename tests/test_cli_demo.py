"""``archiver demo``: the README's first command crawls the bundled sites offline and shows them."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.demo import demo_articles


@pytest.mark.slow
def test_demo_crawls_every_demo_article_once_and_a_rerun_adds_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCHIVER_DB", raising=False)
    first = CliRunner().invoke(main, ["demo", "--quiet"])
    assert first.exit_code == 0, first.output
    assert "archiver search 'da nang'" in first.stdout
    assert "Đà Nẵng" in first.stdout

    conn = sqlite3.connect(tmp_path / "archive.db")
    titles = sorted(r[0] for r in conn.execute("SELECT title FROM articles"))
    conn.close()
    assert titles == sorted(a.title for a in demo_articles())

    second = CliRunner().invoke(main, ["demo", "--quiet"])
    assert second.exit_code == 0, second.output
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(titles)
    runs = conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall()
    conn.close()
    assert runs == [("finished",), ("finished",)]
