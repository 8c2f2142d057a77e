"""Turning the bytes of a sitemap or feed into text an XML parser will accept.

Shared by ``sitemaps`` and ``feeds``: gzip detection with a decompressed-size cap,
encoding repair (a UTF-8 body declared ISO-8859-1 is common on Vietnamese sites),
and entity repair (bare ``&`` in URLs, HTML entities such as ``&nbsp;``).
"""

from __future__ import annotations

import codecs
import contextlib
import html
import re
import zlib

GZIP_MAGIC = b"\x1f\x8b"
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# CDATA sections are kept whole; elsewhere every "&" is looked at (see _fix_reference).
_CDATA_OR_AMP = re.compile(
    r"<!\[CDATA\[.*?\]\]>|&(#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]{1,31};)?", re.DOTALL
)
_XML_ENTITIES = {"amp;", "lt;", "gt;", "quot;", "apos;"}
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


def decompress(body: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    """Undo gzip if the body starts with its magic number, never producing more than max_bytes."""
    warnings: list[str] = []
    if not body.startswith(GZIP_MAGIC):
        if len(body) > max_bytes:
            warnings.append(f"body larger than {max_bytes} bytes: only its start was read")
            body = body[:max_bytes]
        return body, warnings
    inflater = zlib.decompressobj(wbits=47)
    try:
        data = inflater.decompress(body, max_bytes)
    except zlib.error as error:
        return b"", [f"gzip data is corrupt: {error}"]
    if inflater.unconsumed_tail:
        warnings.append(f"gzip expands beyond {max_bytes} bytes: only its start was read")
    elif not inflater.eof:
        warnings.append("gzip data ends early: only its start was read")
    return data, warnings


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 when the bytes are valid UTF-8, whatever the declaration says."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.match(data)
    encoding = "windows-1258"
    if declared:
        with contextlib.suppress(LookupError):
            encoding = codecs.lookup(declared[1].decode("ascii")).name
    return data.decode(encoding, errors="replace")


def _fix_reference(match: re.Match[str]) -> str:
    reference = match[1]
    if match[0].startswith("<"):
        return match[0]
    if reference is None:
        return "&amp;"  # a bare "&", as in an unescaped "?a=1&b=2"
    if reference[0] == "#" or reference in _XML_ENTITIES:
        return match[0]
    char = html.unescape(match[0])  # an HTML entity such as &nbsp; that XML does not define
    return "&amp;" + reference if char == match[0] else char


def repair(text: str) -> str:
    """Text an XML parser accepts: no declaration (the text is decoded already), leading
    junk removed, bare ampersands escaped and HTML entities (``&nbsp;``) resolved."""
    text = _XML_DECL.sub("", text, count=1)
    start = text.find("<")
    text = text[start:] if start > 0 else text
    return _CDATA_OR_AMP.sub(_fix_reference, text) if "&" in text else text


def unescape(text: str | None) -> str:
    """Resolve the HTML entities left in a text node (``&nbsp;``, double-escaped ``&amp;amp;``)."""
    if not text:
        return ""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m[0]), text)
    return text.strip()


def local_name(tag: str) -> str:
    """``{http://www.sitemaps.org/schemas/sitemap/0.9}loc`` → ``loc``."""
    return tag.rsplit("}", 1)[-1].lower()
