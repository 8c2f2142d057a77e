"""Reading bodies within limits: codings decoded incrementally, sizes and ratios enforced."""

from __future__ import annotations

import asyncio
import functools
import gzip
import random
import zlib
from collections.abc import AsyncIterator

from archiver.fetch.body import STEP, Body, BodyLimits, content_codings, read_body

LIMITS = BodyLimits(max_bytes=1_000_000, max_ratio=100, ratio_floor=100_000)
# Markup-like text that compresses about as well as real pages (5-10:1).
_rng = random.Random(4)
PAGE = " ".join(
    f"<p class='c{_rng.randrange(50)}'>tin {_rng.randrange(10**6)} ngày</p>" for _ in range(30_000)
).encode()


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def read(data: bytes, encoding: str | None, limits: BodyLimits = LIMITS, size: int = 4096) -> Body:
    return asyncio.run(read_body(_chunks(data, size), encoding, limits))


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@functools.cache
def _bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def test_plain_body_is_kept_as_is() -> None:
    body = read(PAGE[:500_000], None)
    assert body.data == PAGE[:500_000] and body.received == 500_000
    assert (body.decoded, body.stopped, body.truncated) == ((), None, False)


def test_gzip_in_small_chunks_is_decoded() -> None:
    page = PAGE[:900_000]
    body = read(gzip.compress(page), "gzip", size=61)
    assert body.data == page and body.decoded == ("gzip",) and not body.truncated


def test_deflate_with_and_without_zlib_wrapper_is_decoded() -> None:
    page = PAGE[:300_000]
    assert read(zlib.compress(page), "deflate").data == page
    assert read(_raw_deflate(page), "Deflate").data == page


def test_stacked_codings_are_undone_in_reverse_order() -> None:
    page = PAGE[:200_000]
    body = read(zlib.compress(gzip.compress(page)), "gzip, deflate")
    assert body.data == page and body.decoded == ("gzip", "deflate")


def test_identity_is_no_coding() -> None:
    body = read(b"<p>x</p>", "identity")
    assert body.data == b"<p>x</p>" and body.decoded == ()


def test_body_over_the_limit_is_cut_at_the_limit() -> None:
    body = read(PAGE + PAGE, None)
    assert len(body.data) == LIMITS.max_bytes and body.data == (PAGE + PAGE)[: LIMITS.max_bytes]
    assert body.stopped == "too_large" and body.truncated


def test_gzip_bomb_stops_on_the_ratio_long_before_the_size_limit() -> None:
    body = read(_bomb(32 << 20), "gzip", BodyLimits(max_bytes=50_000_000, max_ratio=100), 16_384)
    assert body.stopped == "ratio" and body.truncated
    assert len(body.data) <= 100 * body.received + STEP
    assert len(body.data) < 5_000_000


def test_gzip_bomb_in_one_chunk_never_inflates_past_the_size_limit() -> None:
    bomb = _bomb(32 << 20)
    body = read(bomb, "gzip", BodyLimits(max_bytes=2_000_000, max_ratio=10**9), len(bomb))
    assert body.stopped == "too_large" and len(body.data) == 2_000_000


def test_small_highly_compressible_pages_pass_the_ratio_guard() -> None:
    page = b"<td>&nbsp;</td>" * 5_000  # 75 KB of table padding: ~300:1
    body = read(gzip.compress(page), "gzip")
    assert body.data == page and body.stopped is None


def test_corrupt_gzip_is_bad_encoding() -> None:
    broken = gzip.compress(PAGE[:100_000])
    broken = broken[:200] + bytes(50) + broken[250:]
    body = read(broken, "gzip")
    assert body.stopped == "bad_encoding" and body.truncated and "gzip" in (body.detail or "")


def test_unsupported_coding_keeps_the_body_as_received() -> None:
    body = read(b"\x1b\x00brotli?", "br")
    assert body.data == b"\x1b\x00brotli?" and body.decoded == ()
    assert body.stopped == "bad_encoding" and not body.truncated
    assert "br" in (body.detail or "")


def test_trailing_bytes_after_the_gzip_stream_are_ignored() -> None:
    body = read(gzip.compress(b"<p>xong</p>") + b"\r\n\r\n", "gzip")
    assert body.data == b"<p>xong</p>" and body.stopped is None


def test_content_codings_names_the_first_unsupported() -> None:
    assert content_codings("gzip") == (["gzip"], None)
    assert content_codings(" GZIP , identity") == (["gzip"], None)
    assert content_codings("gzip, br") == (["gzip", "br"], "br")
    assert content_codings(None) == ([], None)
