"""The archive file: bad files refused untouched, runs, full disks, concurrent readers, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.store import Archive
from store_support import digest, page, random_pages, rows

TESTS = Path(__file__).parent
SRC = TESTS.parent / "src"


def child(script: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(SRC)])}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "archive.db"
    path.write_bytes(b"<html>not a database</html>\n" * 200)
    before = digest(path)
    for readonly in (False, True):
        with pytest.raises(StoreError, match="is not a SQLite database") as caught:
            Archive(path, readonly=readonly)
        assert "\n" not in str(caught.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]


def test_a_read_only_file_is_refused_for_writing_but_can_be_searched(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Archive(path)
        with Archive(path, readonly=True) as reader:
            assert reader.search("da nang")
            with pytest.raises(StoreError, match="read-only"):
                reader.save(*page("https://vnexpress.net/a-2.html"))
    finally:
        path.chmod(0o644)


def test_missing_files_and_directories_get_one_clear_line(tmp_path):
    with pytest.raises(StoreError, match="no archive at"):
        Archive(tmp_path / "missing.db", readonly=True)
    with pytest.raises(StoreError, match="is a directory"):
        Archive(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Archive(tmp_path / "nowhere" / "archive.db")


def test_crawl_runs_are_recorded_with_their_arguments_and_stats(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
        run = archive.start_run({"sites": ["vnexpress"], "max_pages": 100})
        result = archive.save(*page("https://vnexpress.net/a-1.html"), run_id=run)
        archive.finish_run(run, "finished", {"pages": 1, "articles": 1})
        with pytest.raises(StoreError, match="unknown run status"):
            archive.finish_run(run, "done", {})
        with pytest.raises(StoreError, match="no crawl run 99"):
            archive.finish_run(99, "failed", {})
        assert archive.stats().runs[0].stats == {"pages": 1, "articles": 1}
        assert rows(archive.path, "SELECT run_id FROM fetches WHERE id = ?", result.fetch_id) == [
            (run,)
        ]


def test_a_closed_archive_says_so(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.close()
    archive.close()
    with pytest.raises(StoreError, match="closed"):
        archive.search("a")


def test_a_full_disk_rolls_back_the_batch_and_keeps_what_was_committed(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save_many(random_pages(0, 20))
        used = archive.conn.execute("PRAGMA page_count").fetchone()[0]
        archive.conn.execute(f"PRAGMA max_page_count = {used + 3}")
        with pytest.raises(StoreError, match="full") as caught:
            archive.save_many(random_pages(100, 200))
        assert "\n" not in str(caught.value)
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 20
        assert archive.check() == []
        archive.conn.execute("PRAGMA max_page_count = 1073741823")
        assert archive.save(*page("https://vnexpress.net/after.html")).outcome == "new"


@pytest.mark.slow
def test_a_reader_in_another_process_never_sees_database_is_locked(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save_many(random_pages(0, 50))
    writer = child(
        f"""
        from store_support import random_pages
        from archiver.store import Archive
        with Archive({str(path)!r}) as archive:
            for batch in range(40):
                archive.save_many(random_pages(1000 + batch * 25, 25))
        print("done")
        """
    )
    searches, seen = 0, set()
    with Archive(path, readonly=True, timeout=5) as reader:
        while writer.poll() is None:
            hits = reader.search("nguoi dan", limit=5)
            seen.add(reader.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            searches += 1
            assert hits
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.strip() == "done"
    assert searches > 5 and len(seen) > 1  # the reader kept working while rows arrived
    assert rows(path, "SELECT count(*) FROM articles") == [(50 + 40 * 25,)]


# Redirected pages: their alias rows are held back with their articles too.
@pytest.mark.parametrize("pages", ["random_pages", "redirected_pages"])
def test_kill_9_during_ingest_leaves_whole_batches_and_a_consistent_archive(tmp_path, pages):
    path = tmp_path / "archive.db"
    ingest = child(
        f"""
        import sys
        from store_support import {pages}
        from archiver.store import Archive
        with Archive({str(path)!r}) as archive:
            batch = 0
            while True:
                archive.save_many({pages}(batch * 30, 30), batch_size=30)
                batch += 1
                print(batch * 30, flush=True)
        """
    )
    assert ingest.stdout is not None
    committed = 0
    while committed < 150:
        line = ingest.stdout.readline()
        assert line, ingest.stderr.read() if ingest.stderr else "child died"
        committed = int(line)
    time.sleep(0.05)  # let it get into the middle of the next batch
    ingest.send_signal(signal.SIGKILL)
    ingest.communicate()
    assert ingest.returncode == -signal.SIGKILL
    with Archive(path) as archive:
        assert archive.check() == []
        articles = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        fetches = archive.conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
        assert articles >= committed and articles % 30 == 0
        assert fetches == articles
        aliases = archive.conn.execute("SELECT count(*) FROM article_urls").fetchone()[0]
        assert aliases == (2 * articles if pages == "redirected_pages" else 0)
        assert archive.save(*page("https://vnexpress.net/after-crash.html")).outcome == "new"
