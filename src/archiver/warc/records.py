"""WARC/1.1 records from exchanges: headers that agree with the stored payload, and digests.

Records are serialised here rather than by warcio's writer because warcio re-encodes
HTTP headers as ASCII with %-escapes, while archiver keeps header values as the
latin-1 reading of the bytes received (lossless): written back as latin-1 they are
the exact bytes the server sent. warcio reads and checks what is written here.

The payload of a response record is :attr:`Exchange.body`: the entity body with
chunking *and* content coding undone (what the fetcher keeps). So the stored HTTP
headers must say so: when ``Exchange.decoded`` is not empty, Content-Encoding and
Transfer-Encoding become ``X-Orig-Content-Encoding`` / ``X-Orig-Transfer-Encoding``
(the names Webrecorder's tools use for bodies they store decoded) and
Content-Length is set to the stored length (the old value kept as
``X-Orig-Content-Length`` when it differs). A body cut at the size limit gets
``WARC-Truncated: length`` and the same Content-Length treatment.

Digests are SHA-1 in base32 (``sha1:…``), what Heritrix, wget, warcio and pywb
write and CDX indexes carry; the payload digest is taken over exactly the stored
payload, so refetches of an unchanged page have the same digest whatever their
chunking or compression on the wire.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from archiver.fetch.exchange import Exchange
from archiver.fetch.result import media_type
from archiver.headers import header_value

__all__ = [
    "REVISIT_IDENTICAL",
    "REVISIT_NOT_MODIFIED",
    "WARC_VERSION",
    "Record",
    "Reference",
    "new_record_id",
    "payload_digest",
    "request_record",
    "response_record",
    "revisit_record",
    "stored_headers",
    "target_uri",
    "warc_date",
    "warcinfo_record",
]

WARC_VERSION = "WARC/1.1"
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
ORIGINAL_PREFIX = "X-Orig-"
_HTTP_RESPONSE = "application/http;msgtype=response"
_HTTP_REQUEST = "application/http;msgtype=request"

Headers = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Reference:
    """An earlier capture a revisit record refers to."""

    record_id: str | None
    target_uri: str
    date: str  # WARC-Date of that capture
    payload_digest: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One serialised WARC record (uncompressed) and what an index needs to know of it."""

    data: bytes
    record_id: str
    kind: str  # WARC-Type
    target_uri: str
    date: str
    payload_digest: str | None = None
    status: int | None = None
    mime: str | None = None


def payload_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    """``2024-03-05T02:15:00.123456Z``: UTC, with fractions when there are any (WARC/1.1)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def target_uri(exchange: Exchange) -> str:
    """The URL this request actually went to (the last hop's, for a redirect chain's end)."""
    return exchange.final_url or exchange.url


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _codings(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    values = ",".join(v for k, v in headers if k.lower() == name)
    return [c.strip().lower() for c in values.split(",") if c.strip()]


def stored_headers(exchange: Exchange) -> Headers:
    """The response headers as a record keeping ``exchange.body`` must state them."""
    headers = list(exchange.response_headers)
    decoded = tuple(exchange.decoded)
    transfer = tuple(_codings(headers, "transfer-encoding"))
    # ``decoded`` lists the content codings undone, then the transfer codings.
    if transfer and decoded[-len(transfer) :] == transfer:
        content = decoded[: len(decoded) - len(transfer)]
    else:
        content = tuple(c for c in decoded if c != "chunked")
    renamed = set()
    if content:
        renamed.add("content-encoding")
    if transfer:  # the HTTP layer always removes transfer codings from the body
        renamed.add("transfer-encoding")
    if not (renamed or exchange.truncated):
        return headers
    length = str(len(exchange.body))
    out: Headers = []
    placed = False
    for name, value in headers:
        lowered = name.lower()
        if lowered in renamed:
            out.append((ORIGINAL_PREFIX + name, value))
        elif lowered == "content-length":
            if value.strip() != length:
                out.append((ORIGINAL_PREFIX + name, value))
            if not placed:
                out.append(("Content-Length", length))
                placed = True
        else:
            out.append((name, value))
    if not placed:
        out.append(("Content-Length", length))
    return out


def _latin1(text: str) -> bytes:
    """Header text back to bytes: values are the latin-1 reading of what was received."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _header_block(first_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [first_line, *(f"{name}: {value}" for name, value in headers)]
    return b"".join(_latin1(line) + b"\r\n" for line in lines) + b"\r\n"


def _status_line(exchange: Exchange) -> str:
    status = exchange.status or 0
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    # HTTP/2 responses are written in HTTP/1.1 syntax, as WARC readers expect.
    version = "HTTP/1.0" if exchange.http_version == "HTTP/1.0" else "HTTP/1.1"
    return f"{version} {status} {reason}".rstrip()


def _record(kind: str, warc_headers: Headers, block: bytes, content_type: str) -> bytes:
    head = [
        (WARC_VERSION, None),
        *warc_headers,
        ("WARC-Block-Digest", payload_digest(block)),
        ("Content-Type", content_type),
        ("Content-Length", str(len(block))),
    ]
    text = "".join(
        f"{name}\r\n" if value is None else f"{name}: {value}\r\n" for name, value in head
    )
    return text.encode("utf-8") + b"\r\n" + block + b"\r\n\r\n"


def _mime(headers: Iterable[tuple[str, str]]) -> str:
    return media_type(header_value(headers, "content-type")) or "unk"


def _common(kind: str, record_id: str, exchange: Exchange, concurrent: str | None) -> Headers:
    headers: Headers = [
        ("WARC-Type", kind),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", warc_date(exchange.fetched_at)),
        ("WARC-Target-URI", target_uri(exchange)),
    ]
    if exchange.ip_address:
        headers.append(("WARC-IP-Address", exchange.ip_address))
    if concurrent:
        headers.append(("WARC-Concurrent-To", concurrent))
    return headers


def response_record(
    exchange: Exchange,
    *,
    record_id: str | None = None,
    concurrent: str | None = None,
    digest: str | None = None,
) -> Record:
    """The ``response`` record of an exchange that got a response."""
    record_id = record_id or new_record_id()
    digest = digest or payload_digest(exchange.body)
    headers = stored_headers(exchange)
    warc_headers = _common("response", record_id, exchange, concurrent)
    warc_headers.append(("WARC-Payload-Digest", digest))
    if exchange.truncated:
        warc_headers.append(("WARC-Truncated", "length"))
    block = _header_block(_status_line(exchange), headers) + exchange.body
    data = _record("response", warc_headers, block, _HTTP_RESPONSE)
    return Record(
        data,
        record_id,
        "response",
        target_uri(exchange),
        warc_headers[2][1],
        digest,
        exchange.status,
        _mime(headers),
    )


def revisit_record(
    exchange: Exchange,
    reference: Reference,
    *,
    profile: str,
    record_id: str | None = None,
    concurrent: str | None = None,
) -> Record:
    """A ``revisit`` record: this exchange's headers only, pointing at ``reference``."""
    record_id = record_id or new_record_id()
    warc_headers = _common("revisit", record_id, exchange, concurrent)
    warc_headers.append(("WARC-Profile", profile))
    if reference.record_id:
        warc_headers.append(("WARC-Refers-To", reference.record_id))
    warc_headers.append(("WARC-Refers-To-Target-URI", reference.target_uri))
    warc_headers.append(("WARC-Refers-To-Date", reference.date))
    if reference.payload_digest:
        warc_headers.append(("WARC-Payload-Digest", reference.payload_digest))
    headers = stored_headers(exchange)
    block = _header_block(_status_line(exchange), headers)
    data = _record("revisit", warc_headers, block, _HTTP_RESPONSE)
    return Record(
        data,
        record_id,
        "revisit",
        target_uri(exchange),
        warc_headers[2][1],
        reference.payload_digest,
        exchange.status,
        "warc/revisit",
    )


def request_record(
    exchange: Exchange, *, record_id: str | None = None, concurrent: str | None = None
) -> Record:
    """The ``request`` record: request line and headers as sent (GET: no body)."""
    record_id = record_id or new_record_id()
    parts = urlsplit(target_uri(exchange))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    block = _header_block(f"{exchange.method} {target} HTTP/1.1", exchange.request_headers)
    warc_headers = _common("request", record_id, exchange, concurrent)
    data = _record("request", warc_headers, block, _HTTP_REQUEST)
    return Record(data, record_id, "request", target_uri(exchange), warc_headers[2][1])


def warcinfo_record(filename: str, fields: Mapping[str, str], moment: datetime) -> Record:
    """The ``warcinfo`` record opening a file: who wrote it, how, for whom."""
    record_id = new_record_id()
    block = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode("utf-8")
    warc_headers: Headers = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", warc_date(moment)),
        ("WARC-Filename", filename),
    ]
    data = _record("warcinfo", warc_headers, block, "application/warc-fields")
    return Record(data, record_id, "warcinfo", "", warc_headers[2][1])
