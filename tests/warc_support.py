"""Small WARC files in the styles of other tools, written byte by byte (not by archiver).

- wget (``--warc-file``): WARC/1.0, uncompressed, a ``warcinfo``, then per URL a
  ``request`` followed by a ``response`` naming it in WARC-Concurrent-To; the body
  kept as it came off the wire, chunked, with ``Transfer-Encoding: chunked``; a
  ``resource`` record holding wget's log at the end.
- Heritrix: WARC/1.0, one gzip member per record, ``response`` then ``request`` then
  ``metadata``; ``WARC-Payload-Digest: sha1:…``; gzip content coding kept raw; a
  second capture deduplicated as a ``revisit`` (identical-payload-digest, WARC/1.0
  profile URI) that names only the digest and the original's URI and date.
- Browsertrix: WARC/1.1, gzip per record, bodies stored decoded with
  ``x-orig-content-encoding``, a ``resource`` record of page text under ``urn:``,
  ``request`` records after their responses.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import uuid
from pathlib import Path

from crawl_support import article_html, article_url

_WHEN = "2024-03-05T02:15:00Z"


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def record(version: str, headers: list[tuple[str, str]], block: bytes) -> bytes:
    lines = [version, *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_block(status_line: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "\r\n".join([status_line, *(f"{k}: {v}" for k, v in headers)]) + "\r\n\r\n"
    return head.encode("latin-1") + body


def chunked(body: bytes, size: int = 700) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"


def page(number: int) -> bytes:
    from datetime import UTC, datetime, timedelta

    return article_html(
        number, datetime(2024, 3, 5, 2, tzinfo=UTC) - timedelta(days=number)
    ).encode()


def request_block(url: str) -> bytes:
    path = "/" + url.split("/", 3)[3]
    host = url.split("/")[2]
    return http_block(f"GET {path} HTTP/1.1", [("Host", host), ("User-Agent", "tool/1.0")], b"")


def wget_warc(path: Path, numbers: list[int]) -> Path:
    out = [
        record(
            "WARC/1.0",
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", record_id()),
                ("WARC-Date", _WHEN),
                ("Content-Type", "application/warc-fields"),
            ],
            b"software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n",
        )
    ]
    for n in numbers:
        url = article_url(n)
        req_id, resp_id = record_id(), record_id()
        request = request_block(url)
        out.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "request"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", _WHEN),
                    ("WARC-Record-ID", req_id),
                    ("Content-Type", "application/http;msgtype=request"),
                    ("WARC-Block-Digest", sha1(request)),
                ],
                request,
            )
        )
        body = page(n)
        block = http_block(
            "HTTP/1.1 200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
            ],
            chunked(body),
        )
        out.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "response"),
                    ("WARC-Record-ID", resp_id),
                    ("WARC-Warcinfo-ID", record_id()),
                    ("WARC-Concurrent-To", req_id),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", _WHEN),
                    ("WARC-IP-Address", "127.0.0.1"),
                    ("WARC-Block-Digest", sha1(block)),
                    ("WARC-Payload-Digest", sha1(body)),
                    ("Content-Type", "application/http;msgtype=response"),
                ],
                block,
            )
        )
    log = b"--2024-03-05 02:15:00--  done.\n"
    out.append(
        record(
            "WARC/1.0",
            [
                ("WARC-Type", "resource"),
                ("WARC-Record-ID", record_id()),
                ("WARC-Date", _WHEN),
                ("WARC-Target-URI", "urn:X-wget-log"),
                ("Content-Type", "text/plain"),
                ("WARC-Block-Digest", sha1(log)),
            ],
            log,
        )
    )
    path.write_bytes(b"".join(out))
    return path


def heritrix_warc(path: Path, numbers: list[int], *, revisit: int | None = None) -> Path:
    members = [
        record(
            "WARC/1.0",
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Date", _WHEN),
                ("WARC-Filename", path.name),
                ("WARC-Record-ID", record_id()),
                ("Content-Type", "application/warc-fields"),
            ],
            b"software: Heritrix/3.4.0 http://crawler.archive.org\r\n"
            b"isPartOf: vn-news\r\nrobots: obey\r\n",
        )
    ]
    digests = {}
    for n in numbers:
        url = article_url(n)
        body = page(n)
        wire = gzip.compress(body, mtime=0)
        block = http_block(
            "HTTP/1.1 200 OK",
            [
                ("Content-Type", "text/html; charset=UTF-8"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(wire))),
            ],
            wire,
        )
        resp_id = record_id()
        digests[n] = sha1(wire)  # Heritrix digests the entity as received (coded)
        members.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "response"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", _WHEN),
                    ("WARC-Payload-Digest", digests[n]),
                    ("WARC-IP-Address", "10.0.0.1"),
                    ("WARC-Record-ID", resp_id),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block,
            )
        )
        request = request_block(url)
        members.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "request"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", _WHEN),
                    ("WARC-Concurrent-To", resp_id),
                    ("WARC-Record-ID", record_id()),
                    ("Content-Type", "application/http; msgtype=request"),
                ],
                request,
            )
        )
        metadata = f"via: {url}\r\nhopsFromSeed: L\r\nfetchTimeMs: 42\r\n".encode()
        members.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "metadata"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", _WHEN),
                    ("WARC-Concurrent-To", resp_id),
                    ("WARC-Record-ID", record_id()),
                    ("Content-Type", "application/warc-fields"),
                ],
                metadata,
            )
        )
    if revisit is not None:
        url = article_url(revisit)
        headers = http_block(
            "HTTP/1.1 200 OK",
            [("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip")],
            b"",
        )
        members.append(
            record(
                "WARC/1.0",
                [
                    ("WARC-Type", "revisit"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", "2024-03-06T02:15:00Z"),
                    ("WARC-Payload-Digest", digests[revisit]),
                    (
                        "WARC-Profile",
                        "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
                    ),
                    ("WARC-Refers-To-Target-URI", url),
                    ("WARC-Refers-To-Date", _WHEN),
                    ("WARC-Record-ID", record_id()),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                headers,
            )
        )
    path.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in members))
    return path


def browsertrix_warc(path: Path, numbers: list[int]) -> Path:
    members = [
        record(
            "WARC/1.1",
            [
                ("WARC-Filename", path.name),
                ("WARC-Date", _WHEN),
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", record_id()),
                ("Content-Type", "application/warc-fields"),
            ],
            b"software: Browsertrix-Crawler 1.0.0 (with warcio.js 2.2.1)\r\n",
        )
    ]
    for n in numbers:
        url = article_url(n)
        body = page(n)
        block = http_block(
            "HTTP/1.1 200 OK",
            [
                ("content-type", "text/html; charset=utf-8"),
                ("x-orig-content-encoding", "br"),
                ("content-length", str(len(body))),
            ],
            body,
        )
        resp_id = record_id()
        members.append(
            record(
                "WARC/1.1",
                [
                    ("WARC-Target-URI", url),
                    ("WARC-Date", "2024-03-05T02:15:00.123Z"),
                    ("WARC-Type", "response"),
                    ("WARC-Record-ID", resp_id),
                    ("WARC-Payload-Digest", sha1(body)),
                    ("WARC-Block-Digest", sha1(block)),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block,
            )
        )
        request = request_block(url)
        members.append(
            record(
                "WARC/1.1",
                [
                    ("WARC-Target-URI", url),
                    ("WARC-Date", "2024-03-05T02:15:00.123Z"),
                    ("WARC-Type", "request"),
                    ("WARC-Record-ID", record_id()),
                    ("WARC-Concurrent-To", resp_id),
                    ("Content-Type", "application/http; msgtype=request"),
                ],
                request,
            )
        )
        text = b'{"url": "' + url.encode() + b'", "text": "..."}'
        members.append(
            record(
                "WARC/1.1",
                [
                    ("WARC-Target-URI", f"urn:text:{url}"),
                    ("WARC-Date", _WHEN),
                    ("WARC-Type", "resource"),
                    ("WARC-Record-ID", record_id()),
                    ("Content-Type", "application/json"),
                    ("WARC-Block-Digest", sha1(text)),
                ],
                text,
            )
        )
    path.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in members))
    return path


def crawl(root: Path, *, warc: bool = True, site=None, db: str = "archive.db", **overrides):
    """Crawl the crawl_support fixture site (built once under ``root``) into ``root/db``."""
    from archiver.crawl import run_crawl
    from archiver.crawl.config import make_plan
    from archiver.replay import ReplaySite, ReplayTransport
    from crawl_support import BASE, build

    if site is None:
        site = ReplaySite(build(root / "site") if not (root / "site").exists() else root / "site")
    plan = make_plan([f"{BASE}/"], overrides={"delay": 0.0, "retry_backoff": 0.01, **overrides})
    status, stats = run_crawl(
        plan,
        db=str(root / db),
        transport=ReplayTransport(site),
        live=False,
        quiet=True,
        warc=root / "warcs" if warc else None,
    )
    assert status == "finished"
    return root / db, stats


def articles(db: Path | str) -> list[tuple]:
    from store_support import rows

    return sorted(
        rows(db, "SELECT url, title, lead, body, published_at, author, view_count FROM articles")
    )


def warcio(*args: str) -> tuple[int, str]:
    """Run warcio's own command line (check, index) on files; (exit code, output)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "warcio.cli", *args], capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout + done.stderr
