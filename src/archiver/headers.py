"""HTTP header pairs as the archive keeps them: in order, duplicates kept, names as sent.

One job: the ``Headers`` type, its case-insensitive lookup, and the lossless decoding
of raw header bytes into it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Headers", "header_value", "latin1_pairs"]

#: ``(("Content-Type", "text/html"), ...)``: in order, duplicates kept.
Headers = tuple[tuple[str, str], ...]


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first header called ``name`` (case-insensitive), or None."""
    lowered = name.lower()
    return next((v for k, v in headers if k.lower() == lowered), None)


def latin1_pairs(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    """Raw header bytes as text: latin-1 maps every byte to one character, so nothing is lost."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)
