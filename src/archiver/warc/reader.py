"""Reading WARC files with warcio: records with their place in the file, and the damage.

:func:`read_records` walks a WARC (gzip per record or plain, WARC/1.0 or 1.1, any
writer) and yields a :class:`WarcEntry` per record, its payload decoded when asked
for (chunking and gzip/deflate undone, whatever the headers claim that turns out
false: a body stored de-chunked under a ``Transfer-Encoding: chunked`` header is
read as it is). Where the bytes stop making sense, the walk raises :class:`WarcDamage`
naming the file and the offset of the first record that could not be read (every
record before it was yielded); or, given ``on_damage``, reports it there and goes
on at the next gzip member or ``WARC/1.x`` header that starts a readable record, so
one bad byte never costs the rest of the file.

:func:`read_entry` reads the one record at a known offset (a fetch row's pointer).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archiver.errors import InputError
from archiver.fetch.result import media_type
from archiver.headers import Headers, header_value
from archiver.store.warcs import WarcPointer

__all__ = ["MAX_PAYLOAD", "WarcDamage", "WarcEntry", "read_entry", "read_records", "warc_files"]

#: Decoded payloads are cut at this many bytes (the crawler's own response limit).
MAX_PAYLOAD = 10 * 1024 * 1024
_READ = 64 * 1024
_DIAGNOSE = 4 * 1024 * 1024
_BROKEN = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    UnicodeError,
    IndexError,
    AssertionError,
    AttributeError,
    TypeError,
)


class WarcDamage(InputError):
    """A WARC file cannot be read past ``offset``: truncated, corrupt, or not a WARC."""

    def __init__(self, path: str, offset: int, reason: str, resumed_at: int | None = None) -> None:
        where = (
            f"; skipped to the next record at offset {resumed_at}" if resumed_at is not None else ""
        )
        super().__init__(f"{path}: damaged at offset {offset}: {reason}{where}")
        self.path = path
        self.offset = offset
        self.reason = reason
        #: Where reading went on after the damage (None: nothing readable followed).
        self.resumed_at = resumed_at


@dataclass(frozen=True, slots=True)
class WarcEntry:
    """One record: its WARC headers, HTTP status line and headers, payload if loaded."""

    kind: str
    warc_headers: Headers
    pointer: WarcPointer
    http_protocol: str | None = None
    status: int | None = None
    http_headers: Headers | None = None
    payload: bytes | None = None
    decoded: tuple[str, ...] = ()
    truncated: bool = False

    def warc(self, name: str) -> str | None:
        return header_value(self.warc_headers, name)

    def http(self, name: str) -> str | None:
        return header_value(self.http_headers or (), name)

    @property
    def record_id(self) -> str | None:
        return self.warc("WARC-Record-ID")

    @property
    def target_uri(self) -> str:
        return (self.warc("WARC-Target-URI") or "").strip("<>")

    @property
    def date(self) -> str | None:
        return self.warc("WARC-Date")

    @property
    def mime(self) -> str:
        """The payload's media type: the HTTP Content-Type, else the record's."""
        value = self.http("content-type") if self.http_headers is not None else None
        if value is None:
            value = self.warc("Content-Type")
        return media_type(value)


def _wire_text(value: str) -> str:
    """A header value as archiver keeps them: the latin-1 reading of the bytes received.

    warcio decodes a header line as UTF-8 when it can, else as latin-1.
    """
    if value.isascii():
        return value
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return value  # read as latin-1 already
    return value.encode("utf-8").decode("latin-1")


def _pairs(headers: Any) -> Headers:
    return tuple((_wire_text(name), _wire_text(value)) for name, value in headers.headers)


def _decode(
    raw: bytes, content_encoding: str | None, chunked: bool
) -> tuple[bytes, tuple[str, ...], bool]:
    """The payload with chunking and gzip/deflate undone; (payload, what was undone, cut)."""
    coding = (content_encoding or "").strip().lower() or None
    if coding not in BufferedReader.get_supported_decompressors():
        coding = None
    if not chunked and coding is None:
        return raw, (), False
    undone = ((coding,) if coding else ()) + (("chunked",) if chunked else ())
    try:
        if chunked:
            reader: Any = ChunkedDataReader(io.BytesIO(raw), decomp_type=coding)
        else:
            reader = BufferedReader(io.BytesIO(raw), decomp_type=coding)
        parts, size = [], 0
        while piece := reader.read(_READ):
            parts.append(piece)
            size += len(piece)
            if size > MAX_PAYLOAD:
                return b"".join(parts)[:MAX_PAYLOAD], undone, True
        return b"".join(parts), undone, False
    except Exception:  # a header that lies about the coding: keep the bytes as stored
        if chunked and coding:
            return _decode(raw, None, True)
        return raw, (), False


def _bare(record: Any, pointer: WarcPointer) -> WarcEntry:
    """The entry without its payload (what ``load`` decides on)."""
    http = record.http_headers
    status = None
    if http is not None and record.rec_type in ("response", "revisit"):
        with contextlib.suppress(ValueError, TypeError):
            status = int(http.get_statuscode())
    return WarcEntry(
        kind=record.rec_type or "",
        warc_headers=tuple(record.rec_headers.headers),
        pointer=pointer,
        http_protocol=http.protocol if http is not None else None,
        status=status,
        http_headers=_pairs(http) if http is not None else None,
        truncated=record.rec_headers.get_header("WARC-Truncated") is not None,
    )


def _finish(record: Any, entry: WarcEntry, load: bool) -> tuple[WarcEntry, bool]:
    """Read (or skip) the rest of the record; the entry with its payload, and whether the
    record's block was all there."""
    stream = record.raw_stream
    if load:
        raw = stream.read(4 * MAX_PAYLOAD)
        chunked = "chunked" in (entry.http("transfer-encoding") or "").lower()
        payload, decoded, cut = _decode(raw, entry.http("content-encoding"), chunked)
        entry = replace(entry, payload=payload, decoded=decoded, truncated=entry.truncated or cut)
    while stream.read(_READ):  # what is not wanted (or beyond the cap) is skipped
        if load and not entry.truncated:
            entry = replace(entry, truncated=True)
    # A record without a length was cut inside its headers (Content-Length is mandatory).
    return entry, record.length is not None and getattr(stream, "limit", 0) <= 0


@contextlib.contextmanager
def _quiet(sink: io.StringIO) -> Iterator[None]:
    """warcio prints (and logs) its warnings; keep them for one clear message instead."""
    logger = logging.getLogger("warcio")
    was = logger.disabled
    logger.disabled = True
    try:
        with contextlib.redirect_stderr(sink):
            yield
    finally:
        logger.disabled = was


def read_records(
    path: str | Path,
    *,
    load: Callable[[WarcEntry], bool] | None = None,
    on_damage: Callable[[WarcDamage], None] | None = None,
) -> Iterator[WarcEntry]:
    """Every record of the WARC at ``path``, in order.

    ``load(entry)`` (given the entry without payload) says whether to read its payload.
    Damage raises :class:`WarcDamage`; with ``on_damage``, each damaged stretch is
    handed to it instead and reading resynchronises at the next record.
    """
    name = str(Path(path).resolve())
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from error
    start: int | None = 0
    try:
        while start is not None:
            damage = yield from _read_from(handle, name, str(path), start, load)
            if damage is None:
                return
            start = _next_record(handle, damage.offset + 1) if on_damage else None
            if on_damage is None:
                raise damage
            on_damage(WarcDamage(damage.path, damage.offset, damage.reason, start))
    finally:
        handle.close()


def _read_from(
    handle: Any,
    name: str,
    path: str,
    start: int,
    load: Callable[[WarcEntry], bool] | None,
) -> Generator[WarcEntry, None, WarcDamage | None]:
    """Yield the records from ``start`` on; return the damage that stopped it, if any."""
    warnings = io.StringIO()
    end = start
    handle.seek(start)
    with _quiet(warnings):
        records = ArchiveIterator(handle, arc2warc=True)
    while True:
        offset = records.offset
        try:
            with _quiet(warnings):
                record = next(records)
                entry = _bare(record, WarcPointer(name, offset, 0))
                wanted = bool(
                    load is not None
                    and entry.kind in ("response", "revisit", "resource")
                    and load(entry)
                )
                entry, complete = _finish(record, entry, wanted)
                length = records.get_record_length()
        except StopIteration:
            return _check_end(handle, path, end)
        except Exception as error:  # warcio fails in many ways on bytes that make no sense
            return WarcDamage(path, offset, _diagnose(handle, offset, _reason(error)))
        problem = None
        if not complete:
            problem = "the file ends inside a record (truncated)"
        elif "not followed by newline" in warnings.getvalue():
            problem = "the record's Content-Length does not match its data"
        if problem is not None:
            return WarcDamage(path, offset, _diagnose(handle, offset, problem))
        end = offset + length
        yield replace(entry, pointer=WarcPointer(name, offset, length))


_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")
_WARC_HEADER = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")


def _next_record(handle: Any, start: int) -> int | None:
    """The offset of the next gzip member or ``WARC/1.x`` line from ``start`` on that
    begins a WARC record; None when the file has none."""
    position = start
    while True:
        handle.seek(position)
        chunk = handle.read(_READ * 16)
        if not chunk:
            return None
        found = []
        for match in _GZIP_MEMBER.finditer(chunk):
            handle.seek(position + match.start())
            head = handle.read(_READ)
            with contextlib.suppress(zlib.error):
                if zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/"):
                    found.append(position + match.start())
                    break
        plain = _WARC_HEADER.search(chunk)
        if plain is not None:
            found.append(position + plain.start(1))
        if found:
            return min(found)
        if len(chunk) < _READ * 16:
            return None
        position += len(chunk) - 16  # overlap: a header cut by the chunk's end


def _check_end(handle: Any, path: str, end: int) -> WarcDamage | None:
    """A file whose last record stops short of its end was cut inside a record.

    warcio ends quietly on a gzip member cut short; only blank lines may follow the
    last record of an uncompressed file.
    """
    handle.seek(end)
    rest = handle.read(_READ)
    if rest.strip(b"\r\n"):
        return WarcDamage(path, end, "the file ends inside a record (truncated)")
    return None


def _diagnose(handle: Any, offset: int, otherwise: str) -> str:
    """Why the record at ``offset`` cannot be read, in words: cut short, corrupt, or else."""
    handle.seek(offset)
    data = handle.read(_DIAGNOSE)
    whole = len(data) < _DIAGNOSE  # the file ends within what was read
    if data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(31)
        try:
            inflater.decompress(data)
        except zlib.error as bad:
            return f"corrupt gzip data ({bad})"
        if whole and not inflater.eof:
            return "the file ends inside a record (truncated)"
    elif not data.lstrip().startswith(b"WARC/"):
        return otherwise
    elif whole:
        head, blank, _ = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:[ \t]*(\d+)", head)
        if not blank or (length and len(head) + 4 + int(length[1]) > len(data)):
            return "the file ends inside a record (truncated)"
    return otherwise


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, zlib.error):
        return f"corrupt gzip data ({text})"
    if isinstance(error, ArchiveLoadFailed | StatusAndHeadersParserException):
        return f"not a readable WARC record ({text[:120]})"
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


def read_entry(pointer: WarcPointer, *, load: bool = True) -> WarcEntry:
    """The record at ``pointer`` (its payload decoded when ``load``)."""
    try:
        handle = open(pointer.file, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputError(f"cannot read {pointer.file}: {error.strerror or error}") from error
    with handle, _quiet(io.StringIO()):
        handle.seek(pointer.offset)
        try:
            record = next(ArchiveIterator(handle, arc2warc=True))
            entry, complete = _finish(record, _bare(record, pointer), load)
        except (StopIteration, *_BROKEN) as error:
            raise WarcDamage(pointer.file, pointer.offset, _reason(error)) from None
    if not complete:
        raise WarcDamage(pointer.file, pointer.offset, "the record is cut short")
    return entry


#: The names a WARC file may have.
WARC_SUFFIXES = (".warc.gz", ".warc")


def warc_files(paths: Iterable[str | Path]) -> list[Path]:
    """The WARC files named, a directory standing for the ``*.warc``/``*.warc.gz`` in it."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.name.endswith(WARC_SUFFIXES)))
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"no such file: {path}")
    return found
