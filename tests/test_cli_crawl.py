"""``archiver crawl`` on the command line: one-line errors and documented exit codes."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from archiver.cli import main
from archiver.crawl.lock import RunLock
from archiver.replay import ReplayServer, ReplaySite
from crawl_support import BASE, build, publish
from hostile import Web


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_unknown_site_is_one_line_and_exit_2(tmp_path):
    result = run("crawl", "nosuchsite", "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no profile called 'nosuchsite'" in result.stderr
    assert not (tmp_path / "a.db").exists(), "nothing is created for a command that cannot run"


def test_bad_config_file_is_exit_2(tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text("[[site]]\nurl = 'gopher://x.vn/'\n", encoding="utf-8")
    result = run("crawl", "--config", str(config), "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 2
    assert "only http and https" in result.stderr


def test_a_second_crawl_on_a_locked_archive_says_so_and_exits_3(tmp_path):
    db = tmp_path / "a.db"
    with RunLock(db):
        result = run("crawl", f"{BASE}/", "--db", str(db))
    assert result.exit_code == 3
    assert "another crawl is already running on this archive" in result.stderr


def test_crawl_through_a_proxy_fills_the_archive_and_exits_0(tmp_path):
    site = ReplaySite(build(tmp_path / "site"))
    db = tmp_path / "a.db"
    with ReplayServer(site) as proxy:
        result = run(
            "crawl",
            f"{BASE}/",
            "--db",
            str(db),
            "--proxy",
            proxy,
            "--delay",
            "0",
            "--workers",
            "0",
            "--quiet",
            "--max-pages",
            "12",
        )
    assert result.exit_code == 0, result.output
    assert "Crawl finished" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM fetches").fetchone()[0] >= 10
    conn.close()


def test_nothing_fetchable_is_exit_3(tmp_path):
    site = ReplaySite(build(tmp_path / "site"))
    with ReplayServer(site) as proxy:
        result = run(
            "crawl",
            "http://nowhere.example/",
            "--db",
            str(tmp_path / "a.db"),
            "--proxy",
            proxy,
            "--delay",
            "0",
            "--workers",
            "0",
            "--quiet",
        )
    assert result.exit_code == 3
    assert "no page could be fetched" in result.stderr


def _damage(db, table: str) -> None:
    """Overwrite the middle of ``table``'s root page with junk, as a bad disk would."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def test_a_crawl_refuses_a_damaged_archive_before_writing_anything(tmp_path):
    db = tmp_path / "a.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        publish(site, range(1, 3))
        first = run("crawl", site.origin + "/", "--db", str(db), "--delay", "0", "--quiet")
        assert first.exit_code == 0, first.stderr
        _damage(db, "fetches")
        before = db.read_bytes()
        asked = len(web.log)
        result = run("crawl", site.origin + "/", "--db", str(db), "--max-pages", "3", "--quiet")
        assert len(web.log) == asked, "nothing may be fetched for a damaged archive"
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "is damaged" in result.stderr and ".recover" in result.stderr
    assert db.read_bytes() == before
