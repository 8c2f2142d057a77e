"""``export-warc``: WARCs for an archive crawled without --warc, pointers recorded once."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.store import Archive
from archiver.warc import export_warcs, import_warcs, read_records
from store_support import rows
from warc_support import articles, crawl, warcio


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("plain")
    db, _ = crawl(root, warc=False)
    # The next run reads the home page again (it has no validators): the same body twice.
    crawl(root, warc=False)
    return db


@pytest.fixture
def plain(crawled, tmp_path, db_target):
    """An archive crawled without --warc (a fresh copy per test, on each engine)."""
    if db_target.startswith("postgresql://"):
        from archiver.store.transfer import copy_archive

        with Archive(crawled, readonly=True) as source, Archive(db_target) as copy:
            copy_archive(source.database, copy.database)
        return tmp_path, db_target
    db = tmp_path / "archive.db"
    shutil.copy(crawled, db)
    return tmp_path, db


def test_export_writes_every_answered_fetch_and_records_its_pointer(plain, tmp_path):
    _, db = plain
    with Archive(db) as archive:
        summary = export_warcs(archive, tmp_path / "out")
    answered = rows(db, "SELECT count(*) FROM fetches WHERE status IS NOT NULL")[0][0]
    assert summary.fetches == answered > 0
    assert rows(
        db, "SELECT count(*) FROM fetches WHERE status IS NOT NULL AND warc_file IS NULL"
    ) == [(0,)]
    (path,) = summary.files
    code, output = warcio("check", str(path))
    assert code == 0, output
    kinds = [e.kind for e in read_records(path)]
    assert kinds.count("request") == answered and kinds[0] == "warcinfo"
    # The home page of both runs: its body is stored once, then revisited.
    assert kinds.count("revisit") >= 1


def test_a_second_export_writes_nothing_new(plain, tmp_path):
    _, db = plain
    with Archive(db) as archive:
        export_warcs(archive, tmp_path / "out")
        again = export_warcs(archive, tmp_path / "out")
    assert again.fetches == 0 and again.files == []


def test_exported_warcs_import_into_the_same_articles(plain, tmp_path):
    _, db = plain
    with Archive(db) as archive:
        export_warcs(archive, tmp_path / "out")
    with Archive(tmp_path / "fresh.db") as fresh:
        import_warcs(fresh, [tmp_path / "out"])
    assert articles(tmp_path / "fresh.db") == articles(db)


def test_export_warc_command(plain, tmp_path):
    _, db = plain
    result = CliRunner().invoke(main, ["export-warc", str(tmp_path / "out"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote ") and "into 1 files" in result.output
    assert (tmp_path / "out" / "index.cdxj").exists()
    help_text = CliRunner().invoke(main, ["export-warc", "--help"]).output
    assert "Examples:" in help_text and "archiver export-warc" in help_text
