"""The archive commands: search, export, stats, reparse and datasette, with --db or ARCHIVER_DB."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from archiver.article import Article
from archiver.cli import main
from archiver.store import Archive
from archiver.store import reparse as reparse_module
from store_support import OTHER_STORY, STORY, page, random_pages

COMMANDS = ("search", "export", "stats", "reparse", "datasette")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=4))
        archive.save(
            *page("https://dantri.com.vn/b.htm", OTHER_STORY, title="Mưa lớn", site="dantri")
        )
    return str(path)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_archive_command_documents_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "archiver " + command in result.output


def test_search_prints_ranked_hits_with_marked_snippets(db):
    result = run("search", "hai long", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1. Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng  (vnexpress")
    assert "**hài lòng**" in result.output


def test_search_reads_the_archive_named_by_the_environment(db):
    output = run("search", "mua lon", "--json", env={"ARCHIVER_DB": db}).output
    hits = [json.loads(line) for line in output.splitlines()]
    assert [hit["title"] for hit in hits] == ["Mưa lớn"]
    assert set(hits[0]) == {
        "article_id",
        "url",
        "site",
        "title",
        "published_at",
        "author",
        "snippet",
        "score",
        "rank",
    }


def test_search_exit_codes_say_no_match_or_bad_query(db):
    nothing = run("search", "khong co tu nay", "--db", db)
    assert nothing.exit_code == 1
    assert "no article matches" in nothing.output
    bad = run("search", '"unbalanced', "--db", db)
    assert bad.exit_code == 2
    assert bad.output.startswith("archiver: unbalanced quote")
    missing = run("search", "x", "--db", db + ".missing")
    assert missing.exit_code == 3
    assert "no archive at" in missing.output


def test_export_writes_a_complete_file_or_standard_output(db, tmp_path):
    target = tmp_path / "out.csv"
    result = run("export", "--format", "csv", "--bom", "-o", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert "exported 2 articles to" in result.output
    assert target.read_bytes().startswith("\ufeffid,url".encode())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    lines = run("export", "--site", "dantri", "--db", db).output.splitlines()
    assert json.loads(lines[0])["title"] == "Mưa lớn"
    assert lines[-1] == "exported 1 articles"


def test_export_reports_a_bad_date_as_bad_input(db):
    result = run("export", "--since", "hôm qua", "--db", db)
    assert result.exit_code == 2
    assert "--since expects a date" in result.output


def test_stats_prints_tables_or_json(db):
    text = run("stats", "--db", db)
    assert text.exit_code == 0
    assert text.output.startswith("2 articles (2 stories) from 2 sites")
    assert "vnexpress" in text.output and "2024-03" in text.output
    data = json.loads(run("stats", "--json", "--db", db).output)
    assert data["totals"]["view_counts"] == 1


def test_reparse_uses_the_extractor_and_reports_what_changed(db, monkeypatch):
    def extract(html, url, *, headers=None, fetched_at=None):
        return Article(url=url, site="vnexpress", title="Tiêu đề mới", body=STORY, lead=STORY[:50])

    monkeypatch.setattr(reparse_module, "default_extract", extract)
    result = run("reparse", "--site", "vnexpress", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("re-extracted 1 pages: 1 updated; 0 failed")


def test_datasette_command_names_the_metadata_and_plugin(db):
    result = run("datasette", "--dry-run", "--db", db)
    assert result.exit_code == 0
    words = result.output.split()
    assert words[:2] == ["datasette", db]
    assert words[3].endswith("metadata.json") and words[5].endswith("plugins")


def test_datasette_is_found_beside_the_interpreter_when_not_on_path(tmp_path, monkeypatch):
    from archiver.cli import store as store_cli

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "datasette"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(store_cli.sys, "executable", str(bin_dir / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert store_cli.find_datasette() == str(script)
    script.unlink()
    assert store_cli.find_datasette() is None


def test_datasette_missing_says_how_to_install_it(db, tmp_path, monkeypatch):
    from archiver.cli import store as store_cli

    monkeypatch.setattr(store_cli.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("datasette", "--db", db)
    assert result.exit_code == 2
    assert "pip install 'archiver[datasette]'" in result.output


def test_search_json_lines_carry_real_scores_even_for_words_in_most_articles(tmp_path):
    # "Bài" is in every title here: FTS5 floors its weight at 1e-6, which rounded
    # to a few decimals printed 0.0 for every hit.
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save_many(random_pages(0, 6))
    output = run("search", "bai", "--json", "--db", str(path)).output
    hits = [json.loads(line) for line in output.splitlines()]
    assert len(hits) == 6
    assert [hit["rank"] for hit in hits] == [1, 2, 3, 4, 5, 6]
    assert all(hit["score"] > 0 for hit in hits)


@pytest.fixture
def umask():
    def set_to(mask: int) -> None:
        os.umask(mask)

    previous = os.umask(0o022)
    yield set_to
    os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_exported_files_get_the_mode_the_umask_gives(db, tmp_path, umask, mask, mode):
    umask(mask)
    target = tmp_path / "articles.csv"
    result = run("export", "--format", "csv", "-o", str(target), "--db", db)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_export_over_an_existing_file_keeps_its_mode_and_a_failure_leaves_it(db, tmp_path, umask):
    target = tmp_path / "articles.jsonl"
    target.write_text("old\n")
    target.chmod(0o600)
    assert run("export", "-o", str(target), "--db", db).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    exported = target.read_text()
    bad = run("export", "-o", str(target), "--query", '"unbalanced', "--db", db)
    assert bad.exit_code == 2
    assert "unbalanced quote" in bad.output
    assert target.read_text() == exported
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_command_filters_by_query_and_author_and_picks_fields(db):
    result = run(
        "export", "--query", "mua", "--author", "ngoc an", "--fields", "title,site", "--db", db
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0]) == {"title": "Mưa lớn", "site": "dantri"}
    bad = run("export", "--fields", "title,nope", "--db", db)
    assert bad.exit_code == 2
    assert "unknown field 'nope'" in bad.output


def test_export_csv_neutralises_formulas_unless_raw(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a.html", title="=1+1"))
    safe = run("export", "--format", "csv", "--fields", "title", "--db", str(path))
    assert safe.output.splitlines()[1] == '"\'=1+1"'
    raw = run("export", "--format", "csv", "--fields", "title", "--raw", "--db", str(path))
    assert raw.output.splitlines()[1] == '"=1+1"'


def test_a_query_with_bytes_that_are_not_text_is_one_line_and_exit_2(db):
    # What a terminal in a non-UTF-8 locale hands over: a lone surrogate.
    result = run("search", "da \udced nang", "--db", db)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not text" in result.stderr
