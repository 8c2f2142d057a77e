"""WARC pointers on fetch rows: the migration, lookups, and fetches still to export."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from archiver.fetch.exchange import Exchange
from archiver.store import Archive
from archiver.store.warcs import (
    WarcPointer,
    latest_capture,
    same_payload_captures,
    set_pointers,
    unexported_fetches,
)


def fetched(url: str, body: bytes, *, status: int = 200, headers=(), minute: int = 0):
    return Exchange(
        url=url,
        final_url=url,
        status=status,
        fetched_at=datetime(2024, 3, 5, 2, minute, tzinfo=UTC),
        response_headers=tuple(headers),
        body=body,
    )


def test_fetches_have_the_three_pointer_columns(tmp_path):
    Archive(tmp_path / "a.db").close()
    columns = sqlite_utils.Database(tmp_path / "a.db")["fetches"].columns_dict
    assert columns["warc_file"] is str and columns["warc_offset"] is int
    assert columns["warc_length"] is int


def test_a_pointer_saved_with_the_exchange_is_found_by_the_revisit_lookups(db_target):
    pointer = WarcPointer("/w/a.warc.gz", 10, 20)
    with Archive(db_target) as archive:
        archive.save_many(
            [
                (fetched("http://a.vn/", b"x"), None, pointer),
                (fetched("http://a.vn/", b"y", minute=5), None),
            ]
        )
        import hashlib

        db = archive.database
        found = same_payload_captures(
            db, "http://a.vn/", "http://a.vn/", hashlib.sha256(b"x").hexdigest()
        )
        assert [c.pointer for c in found] == [pointer]
        assert latest_capture(db, "http://a.vn/", "http://a.vn/").pointer == pointer
        assert same_payload_captures(db, "http://a.vn/", "http://a.vn/", "0" * 64) == []


def test_unexported_fetches_rebuild_exchanges_and_judge_what_was_decoded(db_target):
    with Archive(db_target) as archive:
        archive.save_many(
            [
                (
                    fetched(
                        "http://a.vn/1",
                        b"one",
                        headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                    ),
                    None,
                ),
                (fetched("http://a.vn/2", b"two", headers=[("Content-Encoding", "br")]), None),
                (
                    Exchange(
                        url="http://a.vn/3",
                        final_url="http://a.vn/3",
                        status=None,
                        fetched_at=datetime(2024, 3, 5, tzinfo=UTC),
                        error="timeout",
                    ),
                    None,
                ),
            ]
        )
        pending = list(unexported_fetches(archive.database, batch=1))
        assert [(e.url, e.body, e.decoded) for _, e in pending] == [
            ("http://a.vn/1", b"one", ("gzip", "chunked")),
            ("http://a.vn/2", b"two", ()),  # br is kept as received by the fetcher
        ]
        assert pending[0][1].fetched_at == datetime(2024, 3, 5, 2, tzinfo=UTC)
        pointer = WarcPointer("/w/x.warc.gz", 0, 5)
        assert set_pointers(archive.database, [(pending[0][0], pointer)]) == 1
        assert [e.url for _, e in unexported_fetches(archive.database)] == ["http://a.vn/2"]
