"""Writing exchanges to rotating WARC/1.1 files, each record its own gzip member.

    with WarcWriter("warcs", info={"operator": "Thư viện tỉnh"}) as warc:
        pointers = warc.write(exchanges)       # one WarcPointer (or None) per exchange

Per exchange that got a response: a ``response`` record (or a ``revisit``), then a
``request`` record, linked both ways by WARC-Concurrent-To. An exchange that got no
response (DNS failure, refused connection, timeout) writes nothing: there is no HTTP
message to archive, and its fetch row keeps the error. Its pointer is None.

Revisits. A response whose payload has the same digest as an earlier capture of the
same URL becomes an ``identical-payload-digest`` revisit referring to that capture;
a 304 answer becomes a ``server-not-modified`` revisit referring to the URL's latest
capture (a 304 with no capture on record is kept as a plain response). Earlier
captures are looked up in this writer's own run first, then through ``captures``
(:class:`ArchiveCaptures`: the archive's fetch rows and their WARC pointers; the
record there is read to get its id and date, and used only if it is a full
``response`` record).

Files are named ``PREFIX-YYYYmmddHHMMSSffffff-NNNNN-HOST.warc.gz`` (the IIPC
convention), start with a ``warcinfo`` record, and are closed when they pass
``max_size``; closing one adds its records to ``index.cdxj`` in the same directory.
A file that a killed process left unindexed is indexed when the next writer opens
the directory.
"""

from __future__ import annotations

import hashlib
import socket
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from archiver.errors import InputError
from archiver.fetch.exchange import Exchange
from archiver.store.warcs import WarcPointer, latest_capture, same_payload_captures
from archiver.version import __version__
from archiver.warc.cdxj import cdxj_line, indexed_files, merge_into_index
from archiver.warc.reader import WARC_SUFFIXES, read_entry, read_records
from archiver.warc.records import (
    REVISIT_IDENTICAL,
    REVISIT_NOT_MODIFIED,
    Record,
    Reference,
    new_record_id,
    payload_digest,
    request_record,
    response_record,
    revisit_record,
    target_uri,
    warcinfo_record,
)

if TYPE_CHECKING:
    from archiver.crawl.config import CrawlPlan
    from archiver.store.database import Database

__all__ = [
    "DEFAULT_MAX_SIZE",
    "ArchiveCaptures",
    "CaptureLookup",
    "WarcWriter",
    "crawl_info",
    "index_lines",
]

DEFAULT_MAX_SIZE = 1_000_000_000


class CaptureLookup(Protocol):
    """Where earlier captures of an exchange's URL are (beyond the writer's own run)."""

    def same_payload(self, exchange: Exchange, sha256: str) -> list[WarcPointer]: ...

    def latest(self, exchange: Exchange) -> WarcPointer | None: ...


class ArchiveCaptures:
    """Earlier captures recorded in an archive's fetch rows (their WARC pointers)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def same_payload(self, exchange: Exchange, sha256: str) -> list[WarcPointer]:
        found = same_payload_captures(self.database, exchange.url, target_uri(exchange), sha256)
        return [capture.pointer for capture in found]

    def latest(self, exchange: Exchange) -> WarcPointer | None:
        found = latest_capture(self.database, exchange.url, target_uri(exchange))
        return found.pointer if found else None


def crawl_info(plan: CrawlPlan) -> dict[str, str]:
    """The warcinfo fields describing a crawl: operator, robots policy, user agent."""
    return {
        "operator": plan.operator or "",
        "robots": "obey",
        "http-header-user-agent": plan.settings.user_agent,
        "isPartOf": ", ".join(target.name for target in plan.targets),
        "description": "archiver crawl of "
        + ", ".join(seed for target in plan.targets for seed in target.seeds[:3]),
    }


def index_lines(path: str | Path) -> list[str]:
    """CDXJ lines for the response and revisit records of one WARC file (up to any damage)."""
    lines: list[str] = []
    name = Path(path).name
    try:
        for entry in read_records(path):
            if entry.kind in ("response", "revisit") and entry.target_uri:
                lines.append(
                    cdxj_line(
                        url=entry.target_uri,
                        warc_date=entry.date or "",
                        mime="warc/revisit" if entry.kind == "revisit" else entry.mime,
                        status=entry.status,
                        digest=entry.warc("WARC-Payload-Digest"),
                        length=entry.pointer.length,
                        offset=entry.pointer.offset,
                        filename=name,
                    )
                )
    except InputError:
        pass  # a file cut short by a killed process: index what is there
    return lines


def _compress(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


class WarcWriter:
    """Writes exchanges into WARC files in ``directory`` (created if needed)."""

    def __init__(
        self,
        directory: str | Path,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        info: Mapping[str, str] | None = None,
        captures: CaptureLookup | None = None,
        prefix: str = "archiver",
        compress_level: int = 6,
    ) -> None:
        self.directory = Path(directory).resolve()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"cannot create the WARC directory {directory}: {error.strerror or error}"
            ) from error
        self.max_size = max_size
        self.captures = captures
        self.prefix = prefix
        self.compress_level = compress_level
        self.hostname = socket.gethostname() or "localhost"
        self.info: dict[str, str] = {
            "software": f"archiver/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "hostname": self.hostname,
            **(info or {}),
        }
        self.files: list[Path] = []
        self.counts = {"response": 0, "revisit": 0, "request": 0, "skipped": 0}
        self._handle: Any = None
        self._path: Path | None = None
        self._size = 0
        self._lines: list[str] = []
        self._serial = 0
        # (target URI, payload digest) → the first response with that payload, this run.
        self._originals: dict[tuple[str, str], Reference] = {}
        # target URI → its latest full response, this run (for 304s).
        self._latest: dict[str, Reference] = {}
        self._resolved: dict[WarcPointer, Reference | None] = {}
        self._index_orphans()

    # -- files ---------------------------------------------------------------------------

    def _index_orphans(self) -> None:
        known = indexed_files(self.directory)
        for path in sorted(self.directory.iterdir()):
            if path.name.endswith(WARC_SUFFIXES) and path.name not in known:
                merge_into_index(self.directory, index_lines(path))

    def _open(self) -> None:
        while True:
            moment = datetime.now(UTC)
            stamp = moment.strftime("%Y%m%d%H%M%S%f")
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self.hostname}.warc.gz"
            self._serial += 1
            path = self.directory / name
            try:
                self._handle = open(path, "xb")  # noqa: SIM115 - closed in _close_file
                break
            except FileExistsError:
                continue
            except OSError as error:
                raise InputError(f"cannot write {path}: {error.strerror or error}") from error
        self._path, self._size, self._lines = path, 0, []
        self.files.append(path)
        self._append(warcinfo_record(name, self.info, moment))

    def _close_file(self) -> None:
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        merge_into_index(self.directory, self._lines)
        self._lines = []

    def _append(self, record: Record) -> WarcPointer:
        assert self._handle is not None and self._path is not None
        member = _compress(record.data, self.compress_level)
        offset = self._size
        self._handle.write(member)
        self._size += len(member)
        if record.kind in ("response", "revisit"):
            self._lines.append(
                cdxj_line(
                    url=record.target_uri,
                    warc_date=record.date,
                    mime=record.mime,
                    status=record.status,
                    digest=record.payload_digest,
                    length=len(member),
                    offset=offset,
                    filename=self._path.name,
                )
            )
        return WarcPointer(str(self._path), offset, len(member))

    def flush(self) -> None:
        """Hand what was written to the operating system (before the archive commits)."""
        if self._handle is not None:
            self._handle.flush()

    def close(self) -> None:
        """Close the current file and add it to the index."""
        self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- records ---------------------------------------------------------------------------

    def write(self, exchanges: Iterable[Exchange]) -> list[WarcPointer | None]:
        """Write each exchange; the pointer of its response (or revisit) record, or None."""
        return [self.write_exchange(exchange) for exchange in exchanges]

    def write_exchange(self, exchange: Exchange) -> WarcPointer | None:
        if exchange.status is None:
            self.counts["skipped"] += 1
            return None
        if self._handle is None or self._size >= self.max_size:
            self._close_file()
            self._open()
        uri = target_uri(exchange)
        main_id, request_id = new_record_id(), new_record_id()
        digest = payload_digest(exchange.body)
        revisit = self._revisit(exchange, uri, digest)
        if revisit is not None:
            record = revisit_record(
                exchange,
                revisit[1],
                profile=revisit[0],
                record_id=main_id,
                concurrent=request_id,
            )
        else:
            record = response_record(
                exchange, record_id=main_id, concurrent=request_id, digest=digest
            )
            reference = Reference(main_id, uri, record.date, digest)
            if exchange.body and not exchange.truncated:
                self._originals.setdefault((uri, digest), reference)
            if 200 <= exchange.status < 300:
                self._latest[uri] = reference
        pointer = self._append(record)
        self.counts[record.kind] += 1
        self._append(request_record(exchange, record_id=request_id, concurrent=main_id))
        self.counts["request"] += 1
        return pointer

    def _revisit(self, exchange: Exchange, uri: str, digest: str) -> tuple[str, Reference] | None:
        """The revisit profile and the capture referred to, when this is not a new payload."""
        if exchange.status == 304:
            reference = self._latest.get(uri)
            if reference is None and self.captures is not None:
                reference = self._stored(self.captures.latest(exchange), None)
            return (REVISIT_NOT_MODIFIED, reference) if reference is not None else None
        if not exchange.body or exchange.truncated:
            return None
        reference = self._originals.get((uri, digest))
        if reference is None and self.captures is not None:
            sha256 = hashlib.sha256(exchange.body).hexdigest()
            for pointer in self.captures.same_payload(exchange, sha256):
                reference = self._stored(pointer, digest)
                if reference is not None:
                    self._originals[(uri, digest)] = reference
                    break
        return (REVISIT_IDENTICAL, reference) if reference is not None else None

    def _stored(self, pointer: WarcPointer | None, digest: str | None) -> Reference | None:
        """The reference to an archived capture, if its record is a readable response."""
        if pointer is None:
            return None
        if pointer not in self._resolved:
            try:
                entry = read_entry(pointer, load=False)
            except InputError:
                entry = None
            ok = entry is not None and entry.kind == "response" and entry.date is not None
            self._resolved[pointer] = (
                Reference(
                    entry.record_id,
                    entry.target_uri,
                    entry.date or "",
                    entry.warc("WARC-Payload-Digest"),
                )
                if ok and entry is not None
                else None
            )
        reference = self._resolved[pointer]
        if reference is not None and digest is not None:
            # Same bytes (by SHA-256 in the archive); state the digest this record uses.
            reference = Reference(reference.record_id, reference.target_uri, reference.date, digest)
        return reference
