"""Response bodies of a replay site: files, inline text, generated filler, gzip, gzip bombs.

Bodies are iterators of chunks so a 20 MB generated body or a gzip bomb that inflates
to gigabytes never sits in memory whole. Small files and every compressed form are
cached: the same fixture is served thousands of times in a benchmark.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.replay.manifest import ResponseSpec

__all__ = ["CHUNK", "Body", "body_for"]

CHUNK = 64 * 1024
_CACHE_FILES_UP_TO = 2 * 1024 * 1024
_FILLER = (b"<p>archiver replay filler: a generated body for limit tests.</p>\n" * 1100)[:CHUNK]
_ZEROS = bytes(1024 * 1024)


@dataclass(frozen=True, slots=True)
class Body:
    """``length`` is None when the size is not known in advance (sent chunked)."""

    chunks: Iterator[bytes]
    length: int | None
    gzipped: bool = False


_lock = threading.Lock()
# Keyed by (path, size, mtime): a file rewritten between two sites is read again.
_files: dict[tuple[Path, int, int], bytes] = {}
_compressed: dict[object, bytes] = {}


def _file_key(path: Path) -> tuple[Path, int, int]:
    stat = path.stat()
    return (path, stat.st_size, stat.st_mtime_ns)


def _file_bytes(path: Path) -> bytes | None:
    """The file's bytes when it is small enough to keep, else None (stream it)."""
    key = _file_key(path)
    cached = _files.get(key)
    if cached is not None:
        return cached
    if key[1] > _CACHE_FILES_UP_TO:
        return None
    data = path.read_bytes()
    with _lock:
        _files[key] = data
    return data


def _stream_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _generate(size: int) -> Iterator[bytes]:
    left = size
    while left > 0:
        piece = _FILLER[: min(left, CHUNK)]
        left -= len(piece)
        yield piece


def _bomb(size: int) -> bytes:
    """Gzip data that inflates to ``size`` zero bytes (computed once per size)."""
    key = ("bomb", size)
    cached = _compressed.get(key)
    if cached is None:
        deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = []
        for start in range(0, size, len(_ZEROS)):
            parts.append(deflater.compress(_ZEROS[: min(len(_ZEROS), size - start)]))
        parts.append(deflater.flush())
        cached = b"".join(parts)
        with _lock:
            _compressed[key] = cached
    return cached


def _gzip_stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    deflater = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = deflater.compress(chunk)
        if out:
            yield out
    yield deflater.flush()


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def body_for(spec: ResponseSpec) -> Body:
    """The body ``spec`` describes, ready to stream."""
    if spec.gzip_bomb is not None:
        data = _bomb(spec.gzip_bomb)
        return _finish(data, spec, gzipped=True)
    data: bytes | None = None
    stream: Iterator[bytes] | None = None
    if spec.text is not None:
        data = spec.text.encode("utf-8")
    elif spec.file is not None:
        data = _file_bytes(spec.file)
        if data is None:
            stream = _stream_file(spec.file)
    elif spec.generate_bytes is not None:
        stream = _generate(spec.generate_bytes)
    elif spec.load is not None:
        data = spec.load()
    else:
        data = b""
    if stream is not None:
        if spec.gzip:
            return Body(_gzip_stream(stream), None, gzipped=True)
        length = spec.generate_bytes if spec.file is None else spec.file.stat().st_size
        return Body(stream, None if spec.chunked else length)
    assert data is not None
    if spec.gzip:
        key = ("gzip", _file_key(spec.file) if spec.file else None, spec.text)
        compressed = _compressed.get(key)
        if compressed is None:
            compressed = gzip.compress(data, mtime=0)
            with _lock:
                _compressed[key] = compressed
        return _finish(compressed, spec, gzipped=True)
    return _finish(data, spec, gzipped=False)


def _finish(data: bytes, spec: ResponseSpec, *, gzipped: bool) -> Body:
    if spec.chunked:
        return Body(_pieces(data, 4096), None, gzipped)
    return Body(iter((data,)) if data else iter(()), len(data), gzipped)
