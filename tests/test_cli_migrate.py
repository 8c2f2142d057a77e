"""``archiver init`` and ``archiver migrate``: the demo archive to PostgreSQL and back."""

from __future__ import annotations

import contextlib

from click.testing import CliRunner

from archiver.cli import main
from archiver.store import Archive
from store_support import random_pages, rows


def _export(db: str, fmt: str) -> str:
    result = CliRunner().invoke(main, ["export", "--db", db, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_archive_moves_to_postgresql_and_back_with_identical_exports(
    tmp_path, monkeypatch, pg_url
):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["demo", "--quiet"]).exit_code == 0
    runner = CliRunner()
    init = runner.invoke(main, ["init", "--db", pg_url])
    assert init.exit_code == 0 and "0 articles" in init.output, init.output
    there = runner.invoke(main, ["migrate", "--from", "archive.db", "--to", pg_url])
    assert there.exit_code == 0, there.output
    back = runner.invoke(main, ["migrate", "--from", pg_url, "--to", "copy.db"])
    assert back.exit_code == 0, back.output
    for fmt in ("jsonl", "csv"):
        original = _export("archive.db", fmt)
        assert original.count("\n") > 5
        assert _export(pg_url, fmt) == original
        assert _export("copy.db", fmt) == original
    with Archive("archive.db", readonly=True) as a, Archive(pg_url, readonly=True) as b:
        for query in ("tam ky", "title:tam ky", "quang OR nam"):
            found = sorted(h.url for h in a.search(query, limit=100))
            assert found == sorted(h.url for h in b.search(query, limit=100)), query
            assert found, query
    counts = "SELECT (SELECT count(*) FROM fetches), (SELECT count(*) FROM frontier)"
    assert rows(pg_url, counts) == rows("archive.db", counts) == rows("copy.db", counts)
    with Archive("copy.db") as copy:
        assert copy.check() == []


def test_an_interrupted_migration_resumes_and_a_full_destination_is_refused(
    tmp_path, pg_url, monkeypatch
):
    from archiver.store import transfer

    source = str(tmp_path / "big.db")
    with Archive(source) as archive:
        archive.save_many(random_pages(1, 25))
    monkeypatch.setattr(transfer, "BATCH", 10)
    calls = []

    def stop_in_fetches(table: str, count: int) -> None:
        calls.append(table)
        if table == "fetches" and len(calls) > 6:
            raise KeyboardInterrupt

    with Archive(source, readonly=True) as old, Archive(pg_url) as new:
        with contextlib.suppress(KeyboardInterrupt):
            transfer.copy_archive(old.database, new.database, report=stop_in_fetches)
        assert rows(pg_url, "SELECT count(*) FROM articles") == [(0,)]
        copied = transfer.copy_archive(old.database, new.database)
    assert copied["articles"] == 25 and copied.get("fetches", 0) < 25
    assert rows(pg_url, "SELECT count(*) FROM fetches") == [(25,)]
    other = str(tmp_path / "other.db")
    with Archive(other) as archive:
        archive.save_many(random_pages(40, 2))
    refused = CliRunner().invoke(main, ["migrate", "--from", other, "--to", pg_url])
    assert refused.exit_code == 3 and "holds a migration from" in refused.output
