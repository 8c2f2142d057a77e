"""WARC pointers on fetch rows: where each stored exchange lives in a WARC file, and lookups.

A fetch row written with ``archiver crawl --warc``, ``archiver export-warc`` or
``archiver import-warc`` names the WARC record holding it: ``warc_file`` (an
absolute path), ``warc_offset`` and ``warc_length`` (bytes of the record in the
file; for a ``.warc.gz`` file, of its gzip member). The WARC writer asks here for
earlier captures of a URL (to write ``revisit`` records instead of copies), the
exporter for fetch rows that have no record yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from archiver.fetch.exchange import Exchange
from archiver.store.rows import decompress, headers_from_json, redirects_from_json

if TYPE_CHECKING:
    from archiver.store.database import Database

__all__ = [
    "StoredCapture",
    "WarcPointer",
    "captured_articles",
    "latest_capture",
    "same_payload_captures",
    "set_pointers",
    "stored_bodies",
    "unexported_fetches",
]


@dataclass(frozen=True, slots=True)
class WarcPointer:
    """A WARC record's place: the file (absolute path), its offset and length in bytes."""

    file: str
    offset: int
    length: int

    def columns(self) -> dict[str, object]:
        return {"warc_file": self.file, "warc_offset": self.offset, "warc_length": self.length}


@dataclass(frozen=True, slots=True)
class StoredCapture:
    """An archived fetch that has a WARC record, as the revisit lookup needs it."""

    pointer: WarcPointer
    fetched_at: str
    status: int | None


def _captures(database: Database, sql: str, params: tuple[object, ...]) -> list[StoredCapture]:
    with database.reading("looking up earlier WARC captures") as conn:
        rows = conn.execute(sql, params).fetchall()
    return [StoredCapture(WarcPointer(f, o, n), at, status) for f, o, n, at, status in rows]


def same_payload_captures(
    database: Database, url: str, final_url: str, sha256: str, limit: int = 4
) -> list[StoredCapture]:
    """Earlier fetches of ``url`` (reaching ``final_url``) with this body, oldest first."""
    return _captures(
        database,
        "SELECT warc_file, warc_offset, warc_length, fetched_at, status FROM fetches "
        "WHERE url = ? AND final_url = ? AND sha256 = ? AND warc_file IS NOT NULL "
        "ORDER BY fetched_at, id LIMIT ?",
        (url, final_url, sha256, limit),
    )


def latest_capture(database: Database, url: str, final_url: str) -> StoredCapture | None:
    """The newest successful fetch of ``url`` (reaching ``final_url``) that has a WARC record."""
    found = _captures(
        database,
        "SELECT warc_file, warc_offset, warc_length, fetched_at, status FROM fetches "
        "WHERE url = ? AND final_url = ? AND status BETWEEN 200 AND 299 "
        "AND warc_file IS NOT NULL ORDER BY fetched_at DESC, id DESC LIMIT 1",
        (url, final_url),
    )
    return found[0] if found else None


def stored_bodies(database: Database, url: str, limit: int = 8) -> list[tuple[WarcPointer, str]]:
    """Fetches of ``url`` with a WARC record and a stored body, newest first: (pointer, sha256).

    For following a ``revisit`` record whose original was imported or crawled earlier.
    """
    with database.reading("looking up earlier WARC captures") as conn:
        rows = conn.execute(
            "SELECT warc_file, warc_offset, warc_length, sha256 FROM fetches "
            "WHERE url = ? AND warc_file IS NOT NULL AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT ?",
            (url, limit),
        ).fetchall()
    return [(WarcPointer(f, o, n), sha) for f, o, n, sha in rows]


def set_pointers(database: Database, pointers: Iterable[tuple[int, WarcPointer]]) -> int:
    """Record the WARC record of each fetch id, in one transaction; returns how many."""
    rows = [(p.file, p.offset, p.length, fetch_id) for fetch_id, p in pointers]
    if rows:
        with database.transaction("recording WARC pointers") as writer:
            writer.cur.executemany(
                "UPDATE fetches SET warc_file = ?, warc_offset = ?, warc_length = ? WHERE id = ?",
                rows,
            )
    return len(rows)


def captured_articles(
    database: Database, files: Iterable[str]
) -> list[tuple[str, str, str | None]]:
    """(URL, fetch time, title) of the articles whose successful fetch is in one of the WARC
    ``files`` (absolute paths): each article once, at its first capture (a WACZ's pages)."""
    names = sorted(set(files))
    if not names:
        return []
    marks = ",".join("?" * len(names))
    with database.reading("listing archived pages") as conn:
        rows = conn.execute(
            "SELECT a.id, f.final_url, f.fetched_at, a.title FROM fetches f "
            "JOIN articles a ON a.id = f.article_id "
            f"WHERE f.warc_file IN ({marks}) AND f.status BETWEEN 200 AND 299 "
            "ORDER BY f.fetched_at, f.id",
            names,
        ).fetchall()
    first: dict[int, tuple[str, str, str | None]] = {}
    for article_id, url, fetched_at, title in rows:
        first.setdefault(article_id, (url, fetched_at, title))
    return list(first.values())


_UNEXPORTED = """
SELECT f.id, f.url, f.final_url, f.method, f.status, f.fetched_at, f.request_headers,
       f.response_headers, f.http_version, f.ip_address, f.redirects, f.error, f.truncated,
       b.compression, b.data
FROM fetches f LEFT JOIN bodies b ON b.sha256 = f.sha256
WHERE f.warc_file IS NULL AND f.status IS NOT NULL AND f.id > ? {site}
ORDER BY f.id LIMIT ?
"""


def _decoded(headers: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """What the fetcher undid to get the stored body, judged from the headers it received.

    Fetch rows do not keep ``Exchange.decoded``; the fetcher decodes gzip and deflate
    unless another coding is present (then the body is kept as received), and the
    HTTP layer always removes chunking.
    """
    from archiver.fetch.body import content_codings

    def values(name: str) -> str:
        return ",".join(v for k, v in headers if k.lower() == name)

    codings, unsupported = content_codings(values("content-encoding") or None)
    transfer = tuple(c.strip().lower() for c in values("transfer-encoding").split(",") if c.strip())
    return (() if unsupported else tuple(codings)) + transfer


def unexported_fetches(
    database: Database, *, site: str | None = None, batch: int = 200
) -> Iterator[tuple[int, Exchange]]:
    """Fetch rows with a response but no WARC record yet, as exchanges, in fetch order.

    Reads ``batch`` rows at a time (bodies included), so memory stays bounded.
    """
    after = 0
    sql = _UNEXPORTED.format(site="AND f.site = ?" if site else "")
    while True:
        params: tuple[object, ...] = (after, *((site,) if site else ()), batch)
        with database.reading("reading fetches to export") as conn:
            rows = conn.execute(sql, params).fetchall()
        if not rows:
            return
        for row in rows:
            fetch_id, url, final_url, method, status, fetched_at, request, response = row[:8]
            http_version, ip, redirects, error, truncated, compression, data = row[8:]
            body = b""
            if data is not None:
                body = decompress(compression, data)
            response_headers = headers_from_json(response)
            yield (
                fetch_id,
                Exchange(
                    url=url,
                    final_url=final_url,
                    status=status,
                    fetched_at=datetime.fromisoformat(fetched_at),
                    method=method,
                    request_headers=headers_from_json(request),
                    response_headers=response_headers,
                    body=body,
                    http_version=http_version,
                    ip_address=ip,
                    redirects=redirects_from_json(redirects),
                    error=error,
                    truncated=bool(truncated),
                    decoded=_decoded(response_headers),
                ),
            )
        after = rows[-1][0]
