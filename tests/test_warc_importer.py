"""Importing WARCs: our own round trip, other tools' styles, revisits, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.store import Archive
from archiver.warc import import_warcs, read_entry, read_records
from archiver.warc.importer import _extract_one
from crawl_support import TOPICS, article_url, rows
from warc_support import articles, browsertrix_warc, crawl, heritrix_warc, wget_warc


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawled")
    db, _ = crawl(root)
    return root, db


def test_crawl_to_warc_to_a_fresh_database_gives_the_same_articles(crawled, db_target):
    root, db = crawled
    with Archive(db_target) as archive:
        summary = import_warcs(archive, [root / "warcs"])
    assert not summary.damaged
    assert articles(db_target) == articles(db)
    assert len(articles(db)) == 10
    # The print copy of article 4 is recognised as the same article, as in the crawl.
    assert summary.articles["alias"] >= 1


def test_imported_fetch_rows_point_at_their_records(crawled, tmp_path):
    root, _ = crawled
    fresh = tmp_path / "fresh.db"
    with Archive(fresh) as archive:
        import_warcs(archive, [root / "warcs"])
        stored = rows(fresh, "SELECT url, warc_file, warc_offset, warc_length, sha256 FROM fetches")
        assert stored
        for url, file, offset, length, sha256 in stored:
            from archiver.store.warcs import WarcPointer

            entry = read_entry(WarcPointer(file, offset, length))
            assert entry.target_uri == url
            assert entry.kind in ("response", "revisit", "resource")
            if entry.kind == "response":
                assert archive.body(sha256) == entry.payload


def test_importing_the_same_warc_again_adds_no_article(crawled, tmp_path):
    root, _ = crawled
    with Archive(tmp_path / "again.db") as archive:
        import_warcs(archive, [root / "warcs"])
        second = import_warcs(archive, [root / "warcs"])
    assert second.articles["new"] == 0
    assert len(articles(tmp_path / "again.db")) == 10


def test_wget_style_chunked_bodies_with_transfer_encoding_kept_import(tmp_path, db_target):
    path = wget_warc(tmp_path / "site.warc", [1, 2])
    with Archive(db_target) as archive:
        summary = import_warcs(archive, [path])
    assert summary.articles["new"] == 2
    titles = {r[0] for r in rows(db_target, "SELECT title FROM articles")}
    assert titles == {TOPICS[0][0], TOPICS[1][0]}
    # The request record came first; its headers reach the response's fetch row.
    sent = rows(db_target, "SELECT request_headers FROM fetches")
    assert all("tool/1.0" in r[0] for r in sent)
    assert summary.skipped["resource"] == 1  # wget's log (urn:, not http)


def test_heritrix_style_gzip_members_sha1_digests_and_a_revisit_import(tmp_path, db_target):
    path = heritrix_warc(tmp_path / "job-00001.warc.gz", [1, 2, 3], revisit=2)
    with Archive(db_target) as archive:
        summary = import_warcs(archive, [path])
    assert summary.articles["new"] == 3
    assert summary.revisits_followed == 1 and summary.revisits_unresolved == 0
    assert summary.skipped["metadata"] == 3
    seen = rows(
        db_target,
        "SELECT first_seen_at, last_seen_at FROM articles WHERE url = ?",
        article_url(2),
    )
    # The revisit a day later is a second observation of the same article.
    assert seen == [("2024-03-05T09:15:00+07:00", "2024-03-06T09:15:00+07:00")]


def test_browsertrix_style_decoded_bodies_and_urn_resources_import(tmp_path, db_target):
    path = browsertrix_warc(tmp_path / "rec.warc.gz", [4, 5])
    with Archive(db_target) as archive:
        summary = import_warcs(archive, [path])
    assert summary.articles["new"] == 2
    assert summary.skipped["resource"] == 2
    assert summary.skipped["request"] == 0


def test_a_revisit_whose_original_was_imported_earlier_is_followed_through_the_archive(
    tmp_path, db_target
):
    first = heritrix_warc(tmp_path / "job-00001.warc.gz", [2])
    later = heritrix_warc(tmp_path / "job-00002.warc.gz", [2], revisit=2)
    # Keep only the revisit in the second file: its original lives in the first one.
    members = list(read_records(later))
    revisit = next(e for e in members if e.kind == "revisit")
    data = later.read_bytes()
    only = tmp_path / "job-00002-revisit.warc.gz"
    only.write_bytes(data[revisit.pointer.offset : revisit.pointer.offset + revisit.pointer.length])
    with Archive(db_target) as archive:
        import_warcs(archive, [first])
        summary = import_warcs(archive, [only])
    assert summary.revisits_followed == 1
    assert summary.articles["unchanged"] == 1


def _cut(source: Path, target: Path, *, corrupt: bool) -> tuple[int, int]:
    """Damage the 8th response of ``source``: flip bytes in its middle, or cut the file
    there; returns its offset and the responses before it."""
    entries = list(read_records(source))
    responses = [e for e in entries if e.kind == "response"]
    victim = responses[7].pointer
    data = bytearray(source.read_bytes())
    if corrupt:
        middle = victim.offset + victim.length // 2
        data[middle : middle + 16] = bytes(b ^ 0x5A for b in data[middle : middle + 16])
    else:
        del data[victim.offset + victim.length // 2 :]
    target.write_bytes(bytes(data))
    return victim.offset, 7


def _html(entries) -> int:
    """The records an import stores a page for: HTML answered 200 with a body (a page over
    the size limit was recorded without one), or a revisit of such a record."""
    return len(
        [
            e
            for e in entries
            if (e.kind == "revisit" or (e.kind == "response" and e.payload))
            and e.status == 200
            and e.mime.startswith("text/html")
        ]
    )


@pytest.mark.parametrize("corrupt", [False, True], ids=["truncated", "corrupt"])
def test_a_damaged_warc_is_imported_around_the_damage_with_one_message(crawled, tmp_path, corrupt):
    root, _ = crawled
    source = next((root / "warcs").glob("*.warc.gz"))
    damaged = tmp_path / "damaged.warc.gz"
    offset, before = _cut(source, damaged, corrupt=corrupt)
    db = tmp_path / "a.db"
    result = CliRunner().invoke(
        main, ["import-warc", str(damaged), "--db", str(db), "--workers", "0"]
    )
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("archiver:")]
    assert len(problems) == 1
    assert str(damaged) in problems[0] and f"offset {offset}" in problems[0]
    assert ("truncated" if not corrupt else "corrupt") in problems[0]
    # Every record before the damaged one is in the archive, pointing into the file.
    stored = rows(db, "SELECT count(*) FROM fetches WHERE warc_offset < ?", offset)[0][0]
    everything = list(read_records(source, load=lambda entry: True))  # payloads, for _html
    assert stored == _html(e for e in everything if e.pointer.offset < offset) > 0
    assert rows(db, "SELECT count(*) FROM fetches WHERE warc_offset = ?", offset) == [(0,)]
    # Reading resynchronised at the next gzip member: only the damaged record is lost.
    after = _html(e for e in everything if e.pointer.offset > offset) if corrupt else 0
    assert rows(db, "SELECT count(*) FROM fetches WHERE warc_offset > ?", offset) == [(after,)]
    assert ("skipped to the next record" in problems[0]) == corrupt
    assert before == 7 and (after > 0 or not corrupt)


def test_junk_inside_an_uncompressed_warc_is_skipped_to_the_next_warc_header(tmp_path):
    path = wget_warc(tmp_path / "site.warc", [1, 2, 3])
    records = list(read_records(path))
    second = next(e for e in records if e.kind == "response" and e.pointer.offset > 0)
    data = path.read_bytes()
    junk = b"\x00garbage that is no WARC record\r\n" * 40
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(data[: second.pointer.offset] + junk + data[second.pointer.offset :])
    seen = []
    kept = list(read_records(damaged, on_damage=seen.append))
    assert [e.target_uri for e in kept] == [e.target_uri for e in records]
    (damage,) = seen
    assert (damage.offset, damage.resumed_at) == (
        second.pointer.offset,
        second.pointer.offset + len(junk),
    )


def test_import_warc_reports_and_exits_zero_for_sound_files(tmp_path):
    path = wget_warc(tmp_path / "site.warc", [1])
    result = CliRunner().invoke(
        main, ["import-warc", str(path), "--db", str(tmp_path / "a.db"), "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "1 new" in result.stdout


def test_import_warc_help_has_examples():
    result = CliRunner().invoke(main, ["import-warc", "--help"])
    assert "Examples:" in result.output and "archiver import-warc" in result.output


def test_extraction_in_worker_processes_gives_the_same_articles(tmp_path):
    path = heritrix_warc(tmp_path / "job.warc.gz", [1, 2, 3, 4])
    with Archive(tmp_path / "one.db") as archive:
        import_warcs(archive, [path])
    with Archive(tmp_path / "two.db") as archive:
        import_warcs(archive, [path], workers=2)
    assert articles(tmp_path / "one.db") == articles(tmp_path / "two.db")


def test_the_extraction_job_gives_none_for_a_page_that_is_not_an_article():
    from datetime import UTC, datetime

    assert (
        _extract_one((b"<html><body>x</body></html>", "http://a.vn/", None, datetime.now(UTC)))
        is None
    )
