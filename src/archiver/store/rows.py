"""How a fetch row holds what is not plain text: compressed bodies, headers and redirects as JSON.

Every module that writes or reads ``fetches`` and ``bodies`` goes through these, so
the stored form is decided in one place.
"""

from __future__ import annotations

import json
import sys
import threading
import zlib
from collections.abc import Iterable

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

__all__ = [
    "compress",
    "decompress",
    "headers_from_json",
    "headers_json",
    "json_list",
    "redirects_from_json",
]

Pairs = tuple[tuple[str, str], ...]

_COMPRESSORS = threading.local()  # level -> ZstdCompressor, one per thread


def compress(body: bytes, level: int) -> tuple[bytes, str]:
    """``(blob, compression)`` for the bodies table: Zstandard at ``level``, unless that
    does not shrink it. (Zstandard level 3 compresses a news page smaller than zlib level 1
    does, in less than half its time.)

    The same bytes as ``zstd.compress(body, level)``, from a compressor kept per thread and
    level: setting one up costs more than compressing a 3 KB page.
    """
    compressors = _COMPRESSORS.__dict__
    compressor = compressors.get(level)
    if compressor is None:
        compressor = compressors[level] = zstd.ZstdCompressor(level)
    blob = compressor.compress(body, zstd.ZstdCompressor.FLUSH_FRAME)
    if len(blob) >= len(body):  # already-compressed media: store as is
        return body, "none"
    return blob, "zstd"


def decompress(compression: str, data: bytes) -> bytes:
    """The raw body back from a ``bodies`` row (zlib: rows written before schema 7)."""
    if compression == "zstd":
        return zstd.decompress(data)
    return zlib.decompress(data) if compression == "zlib" else bytes(data)


#: ``json.dumps(value, ensure_ascii=False)`` builds an encoder per call: one, kept.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def json_list(items: Iterable[object]) -> str:
    """``json.dumps(list(items), ensure_ascii=False)``, as every list column holds it."""
    values = list(items)
    return _ENCODER.encode(values) if values else "[]"


def headers_json(pairs: Iterable[tuple[str, str]]) -> str:
    return json_list(list(pair) for pair in pairs)


def headers_from_json(text: str | None) -> Pairs:
    return tuple((str(name), str(value)) for name, value in json.loads(text or "[]"))


def redirects_from_json(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text or "[]"))
