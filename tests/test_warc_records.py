"""WARC records from exchanges: headers that agree with the stored payload, digests, dates."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

from archiver.fetch.exchange import Exchange
from archiver.warc.records import (
    REVISIT_IDENTICAL,
    Reference,
    payload_digest,
    request_record,
    response_record,
    revisit_record,
    stored_headers,
    warc_date,
    warcinfo_record,
)

WHEN = datetime(2024, 3, 5, 9, 15, tzinfo=timezone(timedelta(hours=7)))
HTML = "<html><body><p>Đà Nẵng khởi công cầu vượt</p></body></html>".encode()


def exchange(headers, *, decoded=(), body=HTML, truncated=False, status=200):
    return Exchange(
        url="http://tin.example/a",
        final_url="http://tin.example/a",
        status=status,
        fetched_at=WHEN,
        request_headers=(("Host", "tin.example"), ("User-Agent", "archiver/0.1")),
        response_headers=tuple(headers),
        body=body,
        http_version="HTTP/1.1",
        ip_address="127.0.0.1",
        decoded=decoded,
        truncated=truncated,
    )


def split(data: bytes) -> tuple[dict[str, str], bytes, bytes]:
    """(WARC headers, HTTP head, payload) of one serialised record."""
    warc_head, _, rest = data.partition(b"\r\n\r\n")
    fields = dict(line.split(": ", 1) for line in warc_head.decode().split("\r\n")[1:])
    block = rest[: int(fields["Content-Length"])]
    http_head, _, payload = block.partition(b"\r\n\r\n")
    return fields, http_head, payload


def test_gzip_and_chunked_undone_become_x_orig_headers_and_the_stored_length():
    headers = stored_headers(
        exchange(
            [
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ],
            decoded=("gzip", "chunked"),
        )
    )
    names = [name.lower() for name, _ in headers]
    assert "content-encoding" not in names and "transfer-encoding" not in names
    assert ("X-Orig-Content-Encoding", "gzip") in headers
    assert ("X-Orig-Transfer-Encoding", "chunked") in headers
    assert ("Content-Length", str(len(HTML))) in headers


def test_a_coding_kept_as_received_stays_declared():
    # br is not decoded by the fetcher: the body is still br, only the chunking is gone.
    headers = stored_headers(
        exchange(
            [("Content-Encoding", "br"), ("Transfer-Encoding", "chunked")], decoded=("chunked",)
        )
    )
    assert ("Content-Encoding", "br") in headers
    assert ("X-Orig-Transfer-Encoding", "chunked") in headers


def test_an_undecoded_exchange_keeps_its_headers_exactly():
    original = [("Content-Type", "text/html"), ("Content-Length", str(len(HTML)))]
    assert stored_headers(exchange(original)) == original


def test_a_wrong_content_length_is_replaced_and_kept_as_x_orig():
    headers = stored_headers(
        exchange([("Content-Encoding", "gzip"), ("Content-Length", "17")], decoded=("gzip",))
    )
    assert headers == [
        ("X-Orig-Content-Encoding", "gzip"),
        ("X-Orig-Content-Length", "17"),
        ("Content-Length", str(len(HTML))),
    ]


def test_payload_digest_is_sha1_base32_over_exactly_the_stored_payload():
    record = response_record(exchange([("Content-Encoding", "gzip")], decoded=("gzip",)))
    fields, _, payload = split(record.data)
    assert payload == HTML
    expected = "sha1:" + base64.b32encode(hashlib.sha1(HTML).digest()).decode()
    assert fields["WARC-Payload-Digest"] == expected == payload_digest(HTML)
    assert payload_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_response_record_has_the_fetch_time_in_utc_target_ip_and_block_digest():
    fields, http_head, _ = split(response_record(exchange([("Content-Type", "text/html")])).data)
    assert fields["WARC-Type"] == "response"
    assert fields["WARC-Date"] == "2024-03-05T02:15:00Z"
    assert fields["WARC-Target-URI"] == "http://tin.example/a"
    assert fields["WARC-IP-Address"] == "127.0.0.1"
    assert fields["Content-Type"] == "application/http;msgtype=response"
    assert http_head.startswith(b"HTTP/1.1 200 OK\r\n")


def test_header_values_are_written_back_as_the_bytes_received():
    # The fetcher keeps header values as the latin-1 reading of the bytes: a raw UTF-8
    # Location must come out as those same UTF-8 bytes, not %-escaped.
    raw = "/tin-tức".encode()
    record = response_record(exchange([("Location", raw.decode("latin-1"))], status=301))
    _, http_head, _ = split(record.data)
    assert b"Location: " + raw in http_head


def test_a_truncated_body_is_marked_and_its_length_stated():
    record = response_record(
        exchange([("Content-Length", "999999")], body=HTML[:10], truncated=True)
    )
    fields, http_head, payload = split(record.data)
    assert fields["WARC-Truncated"] == "length"
    assert b"Content-Length: 10" in http_head.split(b"\r\n") and payload == HTML[:10]


def test_revisit_record_carries_headers_only_and_refers_to_the_original():
    reference = Reference(
        "<urn:uuid:1>", "http://tin.example/a", "2024-03-01T00:00:00Z", payload_digest(HTML)
    )
    record = revisit_record(
        exchange([("Content-Type", "text/html")]), reference, profile=REVISIT_IDENTICAL
    )
    fields, http_head, payload = split(record.data)
    assert fields["WARC-Profile"] == REVISIT_IDENTICAL
    assert fields["WARC-Refers-To"] == "<urn:uuid:1>"
    assert fields["WARC-Refers-To-Target-URI"] == "http://tin.example/a"
    assert fields["WARC-Refers-To-Date"] == "2024-03-01T00:00:00Z"
    assert fields["WARC-Payload-Digest"] == payload_digest(HTML)
    assert http_head.startswith(b"HTTP/1.1 200 OK") and payload == b""


def test_request_record_names_its_response_and_the_request_line():
    record = request_record(exchange([]), concurrent="<urn:uuid:2>")
    fields, http_head, _ = split(record.data)
    assert fields["WARC-Concurrent-To"] == "<urn:uuid:2>"
    assert http_head.startswith(b"GET /a HTTP/1.1\r\nHost: tin.example\r\n")


def test_warcinfo_lists_its_fields_and_file_name():
    record = warcinfo_record(
        "x.warc.gz", {"operator": "Thư viện", "robots": "obey", "empty": ""}, WHEN
    )
    fields, _, _ = split(record.data)
    body = record.data.split(b"\r\n\r\n", 1)[1]
    assert fields["WARC-Filename"] == "x.warc.gz"
    assert "operator: Thư viện\r\nrobots: obey\r\n".encode() in body and b"empty" not in body


def test_warc_date_is_utc_with_fractions_only_when_present():
    assert warc_date(WHEN) == "2024-03-05T02:15:00Z"
    assert warc_date(WHEN.replace(microsecond=5)) == "2024-03-05T02:15:00.000005Z"
    assert warc_date(datetime(2024, 1, 1)) == "2024-01-01T00:00:00Z"  # naive means UTC
    assert warc_date(datetime(2024, 1, 1, tzinfo=UTC)) == "2024-01-01T00:00:00Z"
