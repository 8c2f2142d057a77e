"""Bytes to text: choose a page's character encoding and decode it, never raising.

Order of evidence: a byte-order mark, the HTTP ``Content-Type`` charset, a
``<meta>`` charset or XML declaration near the top, then detection; pure
ASCII (or nothing) defaults to UTF-8. Declarations are checked against the
bytes, because Vietnamese sites often get them wrong:

* a page declared as a single-byte charset whose bytes are valid UTF-8 is UTF-8;
* a page declared UTF-8 whose bytes are not is re-detected (or, when only a few
  bytes are bad, decoded as UTF-8 with those bytes read as windows-1252);
* single-byte pages are checked for Vietnamese windows-1258 text and for the
  legacy font encodings (TCVN3, VNI), which only convert correctly from
  windows-1252 (see :mod:`archiver.extract.vnfonts`).

Labels follow the WHATWG Encoding Standard, as browsers do: ``iso-8859-1`` and
``ascii`` mean windows-1252, ``gb2312`` means GB18030, and so on. windows-1258
writes tone marks as combining characters, so its output is normalised to NFC.

    >>> decode_html("Việt Nam".encode(), "text/html; charset=utf-8").source
    'http'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

__all__ = ["SAMPLE_BYTES", "Decoded", "codec_for_label", "decode_as", "decode_html"]

#: Detection reads at most this many bytes, in slices spread over the page.
SAMPLE_BYTES = 64 * 1024
# How far into the page a <meta charset> is looked for. WHATWG says 1024 bytes;
# real pages put inline scripts first and have been seen at 5.7 KB.
_PRESCAN_BYTES = 16 * 1024

Source = str  # "bom" | "http" | "meta" | "detected" | "default"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page decoded to text, with how its encoding was chosen.

    ``encoding`` is the Python codec used (``"utf-8"``, ``"cp1258"``, ``"cp1252"``);
    ``source`` says where it came from: ``"bom"``, ``"http"``, ``"meta"``,
    ``"detected"`` (also when a declaration was overridden) or ``"default"``.
    """

    text: str
    encoding: str
    source: Source
    warnings: tuple[str, ...] = ()
    #: ``text`` is the bytes decoded without a change (valid UTF-8, or ASCII): encoded as
    #: UTF-8 it gives them back, so a parser of UTF-8 may be handed the bytes instead.
    exact: bool = False


# WHATWG labels that Python spells differently or does not know, by codec (None:
# meaningless labels, which fall through to the next piece of evidence). Anything
# else goes through codecs.lookup.
_LABEL_GROUPS: dict[str | None, str] = {
    "utf-8": "utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8 utf8mb4 utf8mb3",
    "cp1252": "ansi_x3.4-1968 ascii us-ascii cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
    "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 x-cp1252 windows-1252 cp1252",
    "cp1258": "x-cp1258 windows-1258 cp1258",
    "cp1254": "iso-8859-9 iso8859-9 iso88599 iso_8859-9 latin5 l5 x-cp1254",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "gb18030": "chinese csgb2312 gb2312 gb_2312 gb_2312-80 gbk x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "cp932": "shift_jis shift-jis sjis ms932 ms_kanji windows-31j x-sjis",
    "cp949": "euc-kr ks_c_5601-1987 ks_c_5601-1989 ksc5601 windows-949",
    None: "x-user-defined none null unknown auto default _autodetect_all",
}
_LABELS = {label: codec for codec, labels in _LABEL_GROUPS.items() for label in labels.split()}
_LABEL_JUNK = " \t\r\n\"';,."
_LABEL_SHAPE = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,39}")
_MULTIBYTE_REASONS = ("multibyte", "end of data", "truncated")
_CODEC_NAMES = {"utf_8": "utf-8", "utf-8-sig": "utf-8", "utf_8_sig": "utf-8"}
# Python codecs that are not page encodings, or that browsers refuse (UTF-7 can
# smuggle markup past filters).
_REFUSED = frozenset(
    ("utf-7", "undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "mbcs")
)


def codec_for_label(label: str | None) -> str | None:
    """The Python codec for a charset label, or None if it is unknown or unusable.

    Only ASCII-compatible codecs are returned (UTF-16 is recognised only from a
    byte-order mark), so a label such as ``"utf-7"`` or ``"base64"`` is refused.

        >>> codec_for_label("UTF-8;"), codec_for_label("iso-8859-1"), codec_for_label("none")
        ('utf-8', 'cp1252', None)
    """
    if not label:
        return None
    return _codec_for_clean_label(label.strip(_LABEL_JUNK).lower())


@lru_cache(maxsize=256)
def _codec_for_clean_label(label: str) -> str | None:
    if label in _LABELS:
        return _LABELS[label]
    if not _LABEL_SHAPE.fullmatch(label):
        return None
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    name = _CODEC_NAMES.get(info.name, info.name)
    if name.replace("_", "-") in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    if not _ascii_compatible(name):
        return None
    return _LABELS.get(name, name)


def _ascii_compatible(codec: str) -> bool:
    probe = b'<meta charset="x"> abcXYZ 0123'
    try:
        return probe.decode(codec) == probe.decode("ascii")
    except (UnicodeError, LookupError):
        return False


@lru_cache(maxsize=64)
def _single_byte_table(codec: str) -> str | None:
    """A 256-character decoding table for a single-byte codec, or None if multi-byte.

    Bytes the codec leaves undefined map to the Latin-1 character of the same
    value, as browsers do for windows-1252's 0x81, so decoding cannot fail.
    """
    chars = []
    for value in range(256):
        try:
            char = bytes([value]).decode(codec)
        except UnicodeDecodeError as exc:
            if any(reason in exc.reason for reason in _MULTIBYTE_REASONS):
                return None
            char = chr(value)
        if len(char) != 1:
            return None
        chars.append(char)
    return "".join(chars)


def decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page; ``content_type`` is the HTTP header value, if any.

    Never raises: the last resort is UTF-8 with replacement characters, and a
    warning says so. Detection reads at most :data:`SAMPLE_BYTES`.
    """
    if not data:
        return Decoded("", "utf-8", "default")
    bom = _bom(data)
    if bom:
        codec, length = bom
        text = data[length:].decode(codec, errors="replace")
        return Decoded(text, codec, "bom", _replacement_warning(text, codec))
    label = _http_charset(content_type)
    codec = codec_for_label(label)
    if codec:
        return _decode_declared(data, codec, "http", label)
    found = _prescan(data)
    if found:
        return _decode_declared(data, *found)
    return _detect(data, ())


def _bom(data: bytes) -> tuple[str, int] | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None


_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]*)""", re.IGNORECASE)


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return match.group(1) if match else None


_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.DOTALL)
_META = re.compile(rb"<meta[\s/][^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([^\s"'>/;]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""", re.IGNORECASE)


def _prescan(data: bytes) -> tuple[str, Source, str] | None:
    """(codec, "meta", label) from a ``<meta>`` tag or XML declaration near the top."""
    match = _XML_DECLARATION.match(data[:1024])
    if match:
        label = match.group(1).decode("ascii", "replace")
        codec = codec_for_label(label)
        if codec:
            return codec, "meta", label
    # Nearly always in the first kilobyte; the wider window is for heads full of scripts.
    for window in (2048, _PRESCAN_BYTES):
        head = data[:window]
        if b"<!--" in head:
            head = _COMMENT.sub(b"", head)
        for tag in _META.finditer(head):
            found = _META_CHARSET.search(tag.group())
            if found:
                label = found.group(1).decode("ascii", "replace")
                codec = codec_for_label(label)
                if codec:
                    return codec, "meta", label
        if len(data) <= window:
            break
    return None


def _decode_declared(data: bytes, codec: str, source: Source, label: str | None) -> Decoded:
    """Decode with a declared codec, unless the bytes clearly say otherwise."""
    claim = f"declared charset {label} ({source})"
    if codec == "utf-8":
        try:
            return Decoded(data.decode("utf-8"), "utf-8", source, exact=True)
        except UnicodeDecodeError:
            return _detect(data, (f"{claim} but the bytes are not valid UTF-8",))
    if data.isascii():
        return Decoded(data.decode("ascii"), codec, source, exact=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Single-byte text is practically never valid UTF-8 by accident.
        warning = f"{claim} but the bytes are UTF-8"
        return Decoded(text, "utf-8", "detected", (warning,), exact=True)
    if _single_byte_table(codec) is None:
        text = data.decode(codec, errors="replace")
        return Decoded(text, codec, source, _replacement_warning(text, codec))
    # Legacy-font Vietnamese is typed in Western code pages (and declared so, if at all): a
    # page declaring a Central European or Cyrillic one means it (Polish "ą", "ś" in
    # windows-1250 are bytes TCVN3 uses for "ạ", "ả").
    guess = _vietnamese_single_byte(_sample(data)) if codec in _WESTERN else None
    if guess and guess != codec:
        text = _decode_single_byte(data, guess)
        return Decoded(text, guess, "detected", (f"{claim} but {_GUESS_REASONS[guess]}",))
    return Decoded(_decode_single_byte(data, codec), codec, source)


def decode_as(data: bytes, codec: str) -> str:
    """Decode part of a page with the codec :func:`decode_html` chose for the whole of it."""
    if codec in ("utf-8", "ascii"):
        return data.decode("utf-8", errors="replace")
    return _decode_single_byte(data, codec)


def _decode_single_byte(data: bytes, codec: str) -> str:
    table = _single_byte_table(codec)
    if table is None:
        text = data.decode(codec, errors="replace")
    else:
        text = codecs.charmap_decode(data, "strict", table)[0]
    if codec == "cp1258":
        # windows-1258 stores most tones as combining marks after the letter.
        text = unicodedata.normalize("NFC", text)
    return text


def _replacement_warning(text: str, codec: str) -> tuple[str, ...]:
    bad = text.count("\ufffd")
    if not bad:
        return ()
    return (f"{bad} undecodable byte sequence(s) replaced (U+FFFD) decoding {codec}",)


# --- detection --------------------------------------------------------------------------

_SURROGATE_RUN = re.compile("[\udc80-\udcff]+")
# Latin and Vietnamese letters: what genuine UTF-8 in a Vietnamese page decodes to,
# and what single-byte text almost never forms by accident.
_LATIN_LETTER = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
#: Characters UTF-8 decoded beyond ASCII, and the runs of bytes it could not decode.
_DECODED_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
#: A page whose valid UTF-8 characters outnumber its invalid runs this much is UTF-8 with
#: stray bytes, however few characters beyond ASCII its language needs (English: curly
#: quotes); single-byte text forms valid UTF-8 by accident far more rarely than not.
_VALID_PER_STRAY = 2
_UTF8_MIN_LETTERS = 8
_LETTER_SCAN_BYTES = 1 << 20


def _detect(data: bytes, warnings: tuple[str, ...]) -> Decoded:
    """Choose an encoding from the bytes alone (after a missing or failed declaration)."""
    if data.isascii():
        return Decoded(data.decode("ascii"), "utf-8", "default", warnings, exact=True)
    if not warnings:  # a failed utf-8 declaration has already tried this
        try:
            return Decoded(data.decode("utf-8"), "utf-8", "detected", exact=True)
        except UnicodeDecodeError:
            pass
    if _mostly_utf8(data):
        return _decode_utf8_with_stray_bytes(data, warnings)
    sample = _sample(data)
    guess = _vietnamese_single_byte(sample)
    if guess:
        note = f"no usable charset declaration; {_GUESS_REASONS[guess]}"
        return Decoded(_decode_single_byte(data, guess), guess, "detected", (*warnings, note))
    codec = codec_for_label(_charset_normalizer_guess(sample))
    if codec and codec != "utf-8":
        text = _decode_single_byte(data, codec)
        return Decoded(text, codec, "detected", (*warnings, *_replacement_warning(text, codec)))
    text = data.decode("utf-8", errors="replace")
    note = "could not tell the encoding; decoded as UTF-8 with replacement characters"
    return Decoded(text, "utf-8", "default", (*warnings, note))


def _mostly_utf8(data: bytes) -> bool:
    """Whether invalid UTF-8 is the exception in a page whose letters are real UTF-8."""
    head = data[:_LETTER_SCAN_BYTES].decode("utf-8", errors="surrogateescape")
    letters = islice(_LATIN_LETTER.finditer(head), _UTF8_MIN_LETTERS)
    if sum(1 for _ in letters) >= _UTF8_MIN_LETTERS:
        return True
    stray = len(_SURROGATE_RUN.findall(head))
    return len(_DECODED_BEYOND_ASCII.findall(head)) >= _VALID_PER_STRAY * stray


def _decode_utf8_with_stray_bytes(data: bytes, warnings: tuple[str, ...]) -> Decoded:
    """UTF-8 in which the invalid bytes are read as windows-1252.

    Covers a cp1252 copyright sign in a UTF-8 footer and, more usefully, a legacy
    TCVN3 fragment included into a UTF-8 template: read as windows-1252, the
    legacy converter can still recognise it.
    """
    stray = 0
    table = _single_byte_table("cp1252")

    def as_cp1252(match: re.Match[str]) -> str:
        nonlocal stray
        raw = match.group().encode("utf-8", errors="surrogateescape")
        stray += len(raw)
        return codecs.charmap_decode(raw, "strict", table)[0]

    escaped = data.decode("utf-8", errors="surrogateescape")
    text = _SURROGATE_RUN.sub(as_cp1252, escaped)
    note = f"{stray} byte(s) were not valid UTF-8; read them as windows-1252"
    return Decoded(text, "utf-8", "detected", (*warnings, note))


def _sample(data: bytes, limit: int = SAMPLE_BYTES) -> bytes:
    """At most ``limit`` bytes for detection: four slices spread over the page.

    The head of a page is mostly markup and scripts; the text that tells
    encodings apart is further in.
    """
    if len(data) <= limit:
        return data
    part = limit // 4
    step = (len(data) - part) // 3
    return b"".join(data[i * step : i * step + part] for i in range(4))


def _charset_normalizer_guess(sample: bytes) -> str | None:
    """charset-normalizer's best guess for ``sample`` (imported lazily: it is slow to load)."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best else None


# Vietnamese single-byte evidence, counted on the sample:
# windows-1258 puts a combining tone byte right after a vowel; TCVN3 uses bytes that
# are rare symbols in windows-1252 (­ µ ¸ ¹ ¶ = ư à á ạ ả); VNI writes a tone as a
# mark byte after the vowel (aø = à, eä = ệ, oå = ổ). Marks shared with French
# (ï ë û after a vowel) are left out.
_CP1258_TONES = re.compile(
    rb"[aeiouyAEIOUY\xc2\xca\xd4\xc3\xd5\xdd\xe2\xea\xf4\xe3\xf5\xfd][\xcc\xec\xd2\xde\xf2]"
)
_VNI_MARKS = re.compile(rb"[aeiouyAEIOUY\xf4\xd4\xf6\xd6][\xf8\xe4\xe5\xd8\xc4\xc5]")
_TCVN3_BYTES = (b"\xad", b"\xb5", b"\xb8", b"\xb9", b"\xb6")
_HIGH_BYTES = bytes(range(128, 256))
#: Declared codecs a legacy-font or windows-1258 page may hide behind (Latin-1, us-ascii and
#: windows-1252 all map to cp1252).
_WESTERN = frozenset({"cp1252", "cp1258", "iso8859-15"})
# Measured on news text: the winning count is 20-50 % of the high bytes for real
# Vietnamese, under 2 % for the other two kinds.
_MIN_SHARE = 0.08
_MIN_COUNT = 3
_GUESS_REASONS = {
    "cp1258": "the bytes look like Vietnamese windows-1258; read as windows-1258",
    "cp1252": "the bytes look like TCVN3/VNI legacy-font text; read as windows-1252",
}


def _vietnamese_single_byte(sample: bytes) -> str | None:
    """``"cp1258"``, or ``"cp1252"`` for legacy-font bytes, if the sample is clearly Vietnamese."""
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if high == 0:
        return None
    scores = {
        "cp1258": len(_CP1258_TONES.findall(sample)),
        "tcvn3": sum(map(sample.count, _TCVN3_BYTES)),
        "vni": len(_VNI_MARKS.findall(sample)),
    }
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, count), (_, runner_up) = ranked[0], ranked[1]
    if count < _MIN_COUNT or count < _MIN_SHARE * high or count < 3 * runner_up:
        return None
    return "cp1258" if best == "cp1258" else "cp1252"
