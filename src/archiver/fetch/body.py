"""Reading a response body within limits: size, decompressed size and ratio, content codings.

The body is read from the raw stream (httpx ``aiter_raw``: the HTTP layer has undone
chunked framing, not the content coding) and decoded here, incrementally. Every zlib
call is bounded by ``max_length``, so a gzip bomb never inflates in memory past the
limit: reading stops as soon as the decoded size passes ``max_bytes``, or the ratio of
decoded to received bytes passes ``max_ratio`` once the output is large enough for the
ratio to mean something (small pages of repeated markup legitimately compress 50:1).

Only the codings we can decode safely are asked for (``ACCEPT_ENCODING``). A server
that sends another one anyway (br, zstd, compress) gets its body kept as received and
the reading reported as ``"bad_encoding"``; so does corrupt compressed data.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Iterator
from dataclasses import dataclass
from typing import Literal

from archiver.settings import Settings

__all__ = ["ACCEPT_ENCODING", "Body", "BodyLimits", "read_body"]

#: The Accept-Encoding sent: the codings decoded here with bounded memory.
ACCEPT_ENCODING = "gzip, deflate"
#: Largest piece one zlib call may produce (the unit of the size and ratio checks).
STEP = 64 * 1024

_GZIP = ("gzip", "x-gzip")
_NOOP = ("", "identity")

Stop = Literal["too_large", "ratio", "bad_encoding"]


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """How much of a body to keep, decoded, and how much inflation to tolerate."""

    max_bytes: int
    max_ratio: float
    #: The ratio guard applies once the decoded body is this large.
    ratio_floor: int = 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        return cls(settings.max_response_bytes, settings.max_decompression_ratio)


@dataclass(frozen=True, slots=True)
class Body:
    """A body as read: the decoded bytes kept, and why reading stopped early (if it did).

    ``decoded`` names the content codings undone, in the order the server applied them
    (the Content-Encoding header's order). ``received`` counts bytes off the wire after
    de-chunking, before decoding. ``truncated``: ``data`` is not the whole body.
    """

    data: bytes
    received: int
    decoded: tuple[str, ...] = ()
    stopped: Stop | None = None
    detail: str | None = None
    truncated: bool = False


class _Inflater:
    """One gzip or deflate layer, yielding at most ``STEP`` bytes per zlib call."""

    def __init__(self, coding: str) -> None:
        gzip = coding in _GZIP
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate;
        # like httpx, try the wrapper on the first chunk and fall back to raw.
        self._first = not gzip

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._obj.eof:  # trailing bytes after the stream's end are ignored
                return
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error:
                if not self._first:
                    raise
                self._first = False
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._first = False
            data = self._obj.unconsumed_tail
            if out:
                yield out
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(out) < STEP:
                return

    def flush(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        rest = self._obj.flush()
        if rest:
            yield rest


class _Pipeline:
    """The decoding layers of one body, innermost (last applied) first."""

    def __init__(self, codings: list[str]) -> None:
        self.codings = tuple(codings)
        self._layers = [_Inflater(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)

    def flush(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            for piece in layer.flush():
                yield from self._through(index + 1, piece)


def content_codings(header: str | None) -> tuple[list[str], str | None]:
    """The codings of a Content-Encoding header, and the first one not supported (if any)."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = [c for c in codings if c not in _NOOP]
    unsupported = next((c for c in codings if c not in (*_GZIP, "deflate")), None)
    return codings, unsupported


async def read_body(
    chunks: AsyncIterable[bytes], content_encoding: str | None, limits: BodyLimits
) -> Body:
    """Read and decode ``chunks`` until the end or a limit; the caller closes the stream."""
    codings, unsupported = content_codings(content_encoding)
    pipeline = _Pipeline([] if unsupported else codings)
    parts: list[bytes] = []
    size = received = 0
    stopped: Stop | None = None
    detail: str | None = None

    def keep(pieces: Iterator[bytes]) -> bool:
        """Add decoded pieces; False (with ``stopped`` set) when a limit is reached."""
        nonlocal size, stopped, detail
        for piece in pieces:
            room = limits.max_bytes - size
            if len(piece) > room:
                parts.append(piece[:room])
                size = limits.max_bytes
                stopped, detail = "too_large", f"body larger than {limits.max_bytes} bytes"
                return False
            parts.append(piece)
            size += len(piece)
            if (
                pipeline.codings
                and size > limits.ratio_floor
                and size > limits.max_ratio * received
            ):
                stopped = "ratio"
                detail = (
                    f"decompressed {size} bytes from {received} received: "
                    f"ratio above {limits.max_ratio:g}"
                )
                return False
        return True

    try:
        async for chunk in chunks:
            received += len(chunk)
            if not keep(pipeline.feed(chunk)):
                break
        else:
            keep(pipeline.flush())
    except zlib.error as error:
        stopped, detail = "bad_encoding", f"corrupt {'/'.join(codings)} data: {error}"
    truncated = stopped is not None
    if unsupported and stopped is None:
        stopped = "bad_encoding"
        detail = f"content coding {unsupported!r} not supported; body kept as received"
    return Body(b"".join(parts), received, pipeline.codings, stopped, detail, truncated)
