"""The WARC writer: files warcio accepts, rotation, warcinfo, revisits, failed exchanges."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from archiver.fetch.exchange import Exchange
from archiver.warc import WarcWriter, read_entry, read_records
from archiver.warc.cdxj import INDEX_NAME
from warc_support import warcio

START = datetime(2024, 3, 5, 2, 15, tzinfo=UTC)


def page(url: str, body: bytes, *, status: int = 200, minutes: int = 0, **extra) -> Exchange:
    return Exchange(
        url=url,
        final_url=url,
        status=status,
        fetched_at=START + timedelta(minutes=minutes),
        request_headers=(("Host", url.split("/")[2]), ("User-Agent", "archiver/0.1")),
        response_headers=extra.pop("headers", (("Content-Type", "text/html; charset=utf-8"),)),
        body=body,
        http_version="HTTP/1.1",
        ip_address="127.0.0.1",
        **extra,
    )


def test_written_files_pass_warcio_check_and_index(tmp_path):
    with WarcWriter(tmp_path) as writer:
        writer.write(
            [
                page("http://tin.example/a", b"<html>a</html>"),
                page(
                    "http://tin.example/b",
                    b"<html>b</html>",
                    headers=(
                        ("Content-Type", "text/html"),
                        ("Content-Encoding", "gzip"),
                        ("Transfer-Encoding", "chunked"),
                    ),
                    decoded=("gzip", "chunked"),
                ),
                page("http://tin.example/a", b"<html>a</html>", minutes=5),
            ]
        )
    (path,) = writer.files
    code, output = warcio("check", "-v", str(path))
    assert code == 0, output
    assert output.count("digest pass") == 6  # warcinfo, 2 responses, 3 requests
    code, output = warcio("index", "-f", "warc-type,warc-target-uri,http:status", str(path))
    assert code == 0, output
    kinds = [json.loads(line)["warc-type"] for line in output.splitlines()]
    assert kinds == ["warcinfo", "response", "request", "response", "request", "revisit", "request"]


def test_each_file_opens_with_warcinfo_and_rotates_past_the_size_limit(tmp_path):
    info = {"operator": "Thư viện tỉnh", "robots": "obey", "http-header-user-agent": "ua/1"}
    with WarcWriter(tmp_path, max_size=2_000, info=info) as writer:
        for n in range(12):
            writer.write_exchange(page(f"http://tin.example/{n}", f"<p>{n}</p>".encode() * 50))
    assert len(writer.files) > 2
    for path in writer.files:
        first = next(read_records(path, load=lambda e: True))
        assert first.kind == "warcinfo"
    record = read_entry(next(read_records(writer.files[0])).pointer)
    assert record.kind == "warcinfo"
    lines = (tmp_path / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12 and lines == sorted(lines)
    assert {json.loads(line.split(" ", 2)[2])["filename"] for line in lines} == {
        p.name for p in writer.files
    }


def test_warcinfo_states_software_operator_robots_user_agent_and_host(tmp_path):
    info = {"operator": "Thư viện tỉnh", "robots": "obey", "http-header-user-agent": "ua/1"}
    with WarcWriter(tmp_path, info=info) as writer:
        writer.write_exchange(page("http://tin.example/", b"x"))
    data = writer.files[0].read_bytes()
    import gzip

    text = gzip.decompress(data).decode()
    for line in (
        "software: archiver/",
        "operator: Thư viện tỉnh",
        "robots: obey",
        "http-header-user-agent: ua/1",
        "hostname: ",
        "format: WARC File Format 1.1",
    ):
        assert line in text


def test_a_failed_exchange_writes_nothing(tmp_path):
    failed = Exchange(
        url="http://tin.example/x",
        final_url="http://tin.example/x",
        status=None,
        fetched_at=START,
        error="ConnectError",
    )
    with WarcWriter(tmp_path) as writer:
        assert writer.write([failed]) == [None]
    assert writer.counts["skipped"] == 1
    assert writer.files == []  # not even a file with only its warcinfo


def test_pointers_locate_the_response_records(tmp_path):
    with WarcWriter(tmp_path) as writer:
        pointers = writer.write([page("http://tin.example/a", b"A"), page("http://b.vn/", b"B")])
    entries = [read_entry(p) for p in pointers if p]
    assert [(e.kind, e.target_uri, e.payload) for e in entries] == [
        ("response", "http://tin.example/a", b"A"),
        ("response", "http://b.vn/", b"B"),
    ]


def test_an_unchanged_refetch_is_an_identical_payload_revisit_of_the_first_capture(tmp_path):
    with WarcWriter(tmp_path) as writer:
        first, _, third = writer.write(
            [
                page("http://tin.example/a", b"same", minutes=0),
                page("http://tin.example/b", b"same", minutes=1),  # another URL: a full copy
                page("http://tin.example/a", b"same", minutes=9),
            ]
        )
    original = read_entry(first)
    revisit = read_entry(third)
    assert revisit.kind == "revisit"
    assert revisit.warc("WARC-Refers-To") == original.record_id
    assert revisit.warc("WARC-Refers-To-Date") == original.date == "2024-03-05T02:15:00Z"
    assert revisit.warc("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert writer.counts == {"response": 2, "revisit": 1, "request": 3, "skipped": 0}


def test_a_304_refers_to_the_latest_capture_or_stays_a_response_without_one(tmp_path):
    with WarcWriter(tmp_path) as writer:
        alone, first, again = writer.write(
            [
                page("http://tin.example/new", b"", status=304),
                page("http://tin.example/a", b"v1"),
                page("http://tin.example/a", b"", status=304, minutes=3),
            ]
        )
    assert read_entry(alone).kind == "response"
    revisit = read_entry(again)
    assert revisit.kind == "revisit" and revisit.status == 304
    assert revisit.warc("WARC-Profile").endswith("/revisit/server-not-modified")
    assert revisit.warc("WARC-Refers-To") == read_entry(first).record_id


def test_a_file_left_unindexed_by_a_killed_writer_is_indexed_by_the_next(tmp_path):
    writer = WarcWriter(tmp_path)
    writer.write_exchange(page("http://tin.example/a", b"A"))
    writer.flush()  # killed here: never closed, never indexed
    assert not (tmp_path / INDEX_NAME).exists()
    WarcWriter(tmp_path).close()
    lines = (tmp_path / INDEX_NAME).read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("example,tin)/a 20240305021500 ")
    writer._handle.close()  # what the killed process's exit would have done
