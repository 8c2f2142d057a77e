"""Importing WARC files from any tool: their HTML pages become articles, with provenance.

    summary = import_warcs(archive, ["crawl-00001.warc.gz", "wget.warc"])

Every successful (2xx) HTML ``response`` record, and every ``resource`` record of
an http(s) URL holding HTML, is stored as a fetch row pointing at its record
(``warc_file``, ``warc_offset``, ``warc_length``), its payload as the raw body, and
the article extracted from it is saved and deduplicated exactly as a crawled page
is. ``revisit`` records are followed to their original payload (by WARC-Refers-To,
else by payload digest, within the files being imported, else through the
archive's earlier fetches of the URL) and stored as a new observation of that page;
a ``server-not-modified`` revisit is stored like a crawled 304 (no body). Request
records lend their headers to their response's fetch row; ``warcinfo``,
``metadata``, non-HTML and non-2xx records are counted and skipped.

Files are read in order, saved in batches (one transaction each); a file that is
truncated or corrupt is imported around the damage: reading resynchronises at the
next gzip member or ``WARC/1.x`` header, and each damaged stretch is reported once
(:class:`~archiver.warc.reader.WarcDamage`: file, offset, where reading went on).
Extraction can run in worker processes (``workers``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.article import Article
from archiver.errors import InputError
from archiver.fetch.exchange import Exchange
from archiver.store.archive import Archive
from archiver.store.warcs import WarcPointer, stored_bodies
from archiver.warc.reader import WarcDamage, WarcEntry, read_entry, read_records, warc_files

__all__ = ["ImportSummary", "import_warcs"]

_HTTP = ("http://", "https://")
_NOT_MODIFIED = "server-not-modified"


@dataclass(slots=True)
class ImportSummary:
    """What an import read and stored; ``damaged`` holds one entry per damaged file.

    ``pages`` counts the HTML pages stored (revisits followed included); ``articles``
    what saving each did: new, updated, unchanged, alias, or not-article.
    """

    files: int = 0
    records: int = 0
    pages: int = 0
    articles: Counter[str] = field(default_factory=Counter)
    revisits_followed: int = 0
    revisits_unresolved: int = 0
    not_modified: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    damaged: list[WarcDamage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records": self.records,
            "pages": self.pages,
            "articles": dict(self.articles),
            "revisits_followed": self.revisits_followed,
            "revisits_unresolved": self.revisits_unresolved,
            "not_modified": self.not_modified,
            "skipped": dict(self.skipped),
            "damaged": [
                {"file": d.path, "offset": d.offset, "reason": d.reason} for d in self.damaged
            ],
        }


def _html_like(entry: WarcEntry) -> bool:
    """Worth reading the payload of: HTML, or no type said (sniffed after reading)."""
    mime = entry.mime
    return not mime or "html" in mime or mime in ("text/plain", "unk", "application/octet-stream")


def _moment(text: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _extract_one(job: tuple[bytes, str, str | None, datetime]) -> Article | None:
    """One page's article (module level: runs in worker processes)."""
    from archiver.extract import extract

    body, url, content_type, fetched_at = job
    headers = {"content-type": content_type} if content_type else None
    article = extract(body, url, headers=headers, fetched_at=fetched_at)
    return article if article.is_article else None


@dataclass(slots=True)
class _Pending:
    exchange: Exchange
    pointer: WarcPointer
    extract: bool
    links: tuple[str, ...]  # record ids this record names as concurrent (its request)
    request: tuple[tuple[str, str], ...] | None = None


class _Import:
    """One run of :func:`import_warcs`."""

    def __init__(
        self,
        archive: Archive,
        *,
        batch_size: int,
        run_id: int | None,
        executor: Executor | None,
        extract: Callable[[tuple[bytes, str, str | None, datetime]], Article | None],
    ) -> None:
        self.archive = archive
        self.batch_size = batch_size
        self.run_id = run_id
        self.executor = executor
        self.extract = extract
        self.summary = ImportSummary()
        self.pending: list[_Pending] = []
        self.by_id: dict[str, _Pending] = {}
        self.requests: dict[str, tuple[tuple[str, str], ...]] = {}
        # Original payloads a revisit may refer to: record id / payload digest → record.
        self.originals: dict[str, WarcPointer] = {}
        self.digests: dict[str, WarcPointer] = {}

    def file(self, path: Path) -> None:
        self.summary.files += 1
        try:
            damaged = self.summary.damaged.append
            for entry in read_records(path, load=_html_like, on_damage=damaged):
                self.summary.records += 1
                self.entry(entry)
                if len(self.pending) >= self.batch_size:
                    self.flush()
        except WarcDamage as damage:
            self.summary.damaged.append(damage)
        finally:
            self.flush()

    def entry(self, entry: WarcEntry) -> None:
        skipped = self.summary.skipped
        if entry.kind == "request":
            self.request(entry)
            return
        if not entry.target_uri.startswith(_HTTP):
            skipped[entry.kind or "unknown"] += 1
            return
        if entry.kind == "revisit":
            self.revisit(entry)
        elif entry.kind in ("response", "resource"):
            self.response(entry)
        else:
            skipped[entry.kind or "unknown"] += 1

    def request(self, entry: WarcEntry) -> None:
        headers = entry.http_headers or ()
        for target in _links(entry):
            waiting = self.by_id.get(target)
            if waiting is not None and waiting.request is None:
                waiting.request = headers
        if entry.record_id:
            self.requests[entry.record_id] = headers

    def response(self, entry: WarcEntry) -> None:
        if entry.kind == "resource":
            content_type = entry.warc("Content-Type") or ""
            entry = dataclasses.replace(
                entry, status=200, http_headers=(("Content-Type", content_type),)
            )
        if entry.payload is None or entry.status is None or not 200 <= entry.status < 300:
            self.summary.skipped["not html" if entry.payload is None else "not 2xx"] += 1
            return
        if not entry.payload:
            self.summary.skipped["empty"] += 1
            return
        from archiver.fetch.result import content_kind

        if content_kind(entry.http("content-type"), entry.payload, "page") != "html":
            self.summary.skipped["not html"] += 1
            return
        if entry.record_id:
            self.originals[entry.record_id] = entry.pointer
        digest = entry.warc("WARC-Payload-Digest")
        if digest:
            self.digests.setdefault(digest.lower(), entry.pointer)
        self.queue(entry, entry.payload, entry.http_headers or (), extract=True)

    def revisit(self, entry: WarcEntry) -> None:
        profile = (entry.warc("WARC-Profile") or "").lower()
        if _NOT_MODIFIED in profile or entry.status == 304:
            self.summary.not_modified += 1
            self.queue(entry, b"", entry.http_headers or (), extract=False)
            return
        original = self.original(entry)
        if original is None:
            self.summary.revisits_unresolved += 1
            return
        headers = entry.http_headers or original.http_headers or ()
        self.summary.revisits_followed += 1
        self.queue(entry, original.payload or b"", headers, extract=True)

    def original(self, entry: WarcEntry) -> WarcEntry | None:
        """The record holding the payload a revisit stands for, read from its file."""
        refers = entry.warc("WARC-Refers-To")
        digest = (entry.warc("WARC-Payload-Digest") or "").lower()
        pointer = (self.originals.get(refers) if refers else None) or self.digests.get(digest)
        if pointer is not None:
            try:
                return read_entry(pointer)
            except InputError:
                return None
        # An original imported or crawled before: its body is already in the archive.
        url = entry.warc("WARC-Refers-To-Target-URI") or entry.target_uri
        for stored, sha256 in stored_bodies(self.archive.database, url.strip("<>")):
            try:
                found = read_entry(stored, load=False)
            except InputError:
                continue
            same_digest = digest and (found.warc("WARC-Payload-Digest") or "").lower() == digest
            if (refers and found.record_id == refers) or same_digest:
                return dataclasses.replace(found, payload=self.archive.body(sha256))
        return None

    def queue(
        self, entry: WarcEntry, body: bytes, headers: tuple[tuple[str, str], ...], *, extract: bool
    ) -> None:
        links = _links(entry)
        request = next((self.requests[i] for i in links if i in self.requests), None)
        exchange = Exchange(
            url=entry.target_uri,
            final_url=entry.target_uri,
            status=entry.status,
            fetched_at=_moment(entry.date),
            request_headers=request or (),
            response_headers=headers,
            body=body,
            http_version=entry.http_protocol,
            ip_address=entry.warc("WARC-IP-Address"),
            truncated=entry.truncated,
            decoded=entry.decoded,
        )
        pending = _Pending(exchange, entry.pointer, extract, links, request)
        self.pending.append(pending)
        if entry.record_id:
            self.by_id[entry.record_id] = pending

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending, self.by_id, self.requests = self.pending, [], {}, {}
        jobs = [
            (
                p.exchange.body,
                p.exchange.url,
                p.exchange.header("content-type"),
                p.exchange.fetched_at,
            )
            for p in batch
            if p.extract
        ]
        mapped: Iterator[Article | None] = (
            self.executor.map(self.extract, jobs, chunksize=8)
            if self.executor is not None
            else map(self.extract, jobs)
        )
        items = []
        for pending in batch:
            exchange = pending.exchange
            if pending.request is not None and not exchange.request_headers:
                exchange = dataclasses.replace(exchange, request_headers=pending.request)
            article = next(mapped) if pending.extract else None
            items.append((exchange, article, pending.pointer))
        results = self.archive.save_many(items, run_id=self.run_id, batch_size=len(items))
        for pending, result in zip(batch, results, strict=True):
            if pending.extract:
                self.summary.pages += 1
                self.summary.articles[result.outcome] += 1


def _links(entry: WarcEntry) -> tuple[str, ...]:
    return tuple(v for k, v in entry.warc_headers if k.lower() == "warc-concurrent-to")


def import_warcs(
    archive: Archive,
    paths: Iterable[str | Path],
    *,
    batch_size: int = 500,
    workers: int = 0,
    extract: Callable[[tuple[bytes, str, str | None, datetime]], Article | None] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Import the WARC files (or directories of them) named by ``paths`` into ``archive``.

    Recorded as a run in ``crawl_runs`` (arguments name the files). ``workers`` > 0
    extracts in that many processes. Damaged files do not raise: see ``damaged``.
    """
    files = warc_files(paths)
    run_id = archive.start_run({"import_warc": [str(p) for p in files]})
    executor = ProcessPoolExecutor(max_workers=workers) if workers > 0 else None
    job = _Import(
        archive,
        batch_size=batch_size,
        run_id=run_id,
        executor=executor,
        extract=extract or _extract_one,
    )
    status = "failed"
    try:
        for path in files:
            if on_file is not None:
                on_file(path)
            job.file(path)
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        archive.finish_run(run_id, status, job.summary.to_dict())
    return job.summary
