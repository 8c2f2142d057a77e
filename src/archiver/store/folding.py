"""Fast text keys for the archive: the folded text the search index holds, and content keys.

:func:`index_fold` gives exactly ``archiver.text.fold(text)`` with every character
that is not a letter or digit turned into a space, one output character per NFC
input character (so a match found in folded text maps back to the original by
position). :func:`content_key` gives bytes that are equal for two texts exactly
when ``archiver.text.tone_key`` says they are (NFC/NFD and tone placement such as
hòa/hoà do not matter, case does not matter, every other difference does).

Both run at C speed on ordinary Vietnamese text: the string is encoded through a
private 256-character code page (ASCII plus the Vietnamese letters and the common
Latin letters and punctuation of news text), then ``bytes.translate`` does the
folding. Text with a character outside the code page takes the exact slow path
(``archiver.text``), whose results the fast tables are built from, so the two paths
always agree.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from archiver.text import TONE_MARKS, clean, fold, tone_key

__all__ = [
    "CODE_PAGE",
    "content_hash",
    "content_key",
    "fold_and_key",
    "fold_for_index",
    "fold_many",
    "hash_keys",
    "index_fold",
    "words",
]

_TONE_DIGITS = {mark: ord("1") + index for index, mark in enumerate(TONE_MARKS)}


def _vietnamese_letters() -> list[str]:
    letters = []
    for base in "a ă â e ê i o ô ơ u ư y".split():
        for mark in ("", *TONE_MARKS):
            letter = unicodedata.normalize("NFC", base + mark)
            if not letter.isascii():
                letters.append(letter)
    return [*letters, "đ"]


# Lower-case only: text is lower-cased before encoding, which keeps the page small.
_EXTRA = (
    "äåæçëîïðñöøûüþÿß"  # Latin-1 letters in foreign names
    "łşğıčšžřńőűāēīōūćęąż"  # Latin Extended-A, likewise
    "“”‘’–—…•·«»°×©®€£§"  # punctuation seen in news text
)


def _code_page() -> str:
    chars = dict.fromkeys([*_vietnamese_letters(), *_EXTRA])
    page = "".join(chr(i) for i in range(128)) + "".join(chars)
    if len(page) > 256:
        raise AssertionError("code page overflow")
    # Unused slots get private-use characters, which no text should contain.
    return page + "".join(chr(0xF0000 + i) for i in range(256 - len(page)))


_PAGE = _code_page()
#: The 256 characters the fast path folds (other engines build their folding from it).
CODE_PAGE = _PAGE
_ENCODING_MAP = codecs.charmap_build(_PAGE)
#: The first byte of the private-use slots (no text should hold them; the fast path
#: refuses them).
_PRIVATE = next((code for code, char in enumerate(_PAGE) if ord(char) >= 0xF0000), 256)
#: Code points from here on never lower-case into the page (checked by the tests over
#: all of Unicode): the highest that does is U+212B, the Angstrom sign (å).
_SCANNED = 0x2200


def _byte_of_lower() -> np.ndarray:
    """The code page's byte of each code point's lower case (256: not in the page), up
    to the last code point whose lower case is one character of the page. A lookup over
    the text's UTF-32 code points is seven times faster than ``charmap_encode``, and
    lower-cases without a lower-cased copy of the text."""
    found = {}
    for point in range(_SCANNED):
        lower = chr(point).lower()
        if len(lower) == 1 and ord(lower) < 0xF0000 and lower in _PAGE:
            found[point] = _PAGE.index(lower)
    table = np.full(1 + max(found), 256, dtype=np.uint16)
    table[list(found)] = list(found.values())
    return table


_BYTE_OF = _byte_of_lower()
_LIMIT = len(_BYTE_OF)
#: Texts shorter than this are encoded with ``charmap_encode``: numpy's fixed cost is
#: higher than the per-character one below a hundred characters or so.
_SHORT = 128
_NON_WORD = re.compile(r"[\W_]")


def _slow_index_fold(text: str) -> str:
    return _NON_WORD.sub(" ", fold(text))


def _byte_of(char: str) -> int:
    return _PAGE.index(char)


def _build_fold_table() -> bytes:
    table = bytearray(256)
    for code, char in enumerate(_PAGE):
        folded = _slow_index_fold(char)
        if len(folded) != 1 or folded not in _PAGE:
            raise AssertionError(f"code page character {char!r} folds outside the page")
        table[code] = _byte_of(folded)
    return bytes(table)


def _strip_tone(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))


def _build_key_tables() -> tuple[bytes, bytes, bytes, bytes]:
    """Tables for a content key: whitespace, letters without tones, and tones per word.

    Whitespace becomes an ASCII space, so ``bytes.split`` collapses it as
    ``archiver.text.clean`` does. In the tones, a toned letter becomes its tone's digit,
    other letters and digits vanish, and every space or punctuation mark stays as a
    word boundary: a word without a tone leaves an empty slot, so "bà ba" and "ba bà"
    keep their marks on their own words.
    """
    spaces = bytearray(range(256))
    toneless = bytearray(256)
    tones = bytearray(256)
    deleted = bytearray()
    for code, char in enumerate(_PAGE):
        if char.isspace():
            spaces[code] = 0x20
        toneless[code] = 0x20 if char.isspace() else _byte_of(_strip_tone(char))
        marks = [m for m in unicodedata.normalize("NFD", char) if m in TONE_MARKS]
        if char.isspace():
            tones[code] = 0x20
        elif marks:
            tones[code] = _TONE_DIGITS[marks[0]]
        elif char.isalnum():
            deleted.append(code)
        else:
            tones[code] = ord("|")  # a word boundary, so each word's tones stay with it
    return bytes(spaces), bytes(toneless), bytes(tones), bytes(deleted)


_FOLD_TABLE = _build_fold_table()
#: Each byte as itself, or a space where folding makes one: words keep their letters.
_WORD_BYTES_TABLE = bytes(0x20 if _FOLD_TABLE[code] == 0x20 else code for code in range(256))
_WORD_BYTES_NP = np.frombuffer(_WORD_BYTES_TABLE, dtype=np.uint8)
_D_BYTE = bytes([_byte_of("đ")])
_SPACE_TABLE, _TONELESS_TABLE, _TONE_TABLE, _TONELESS_LETTERS = _build_key_tables()


def _encode(text: str) -> bytes | None:
    """``text`` (NFC, lower-cased) in the private code page, or None if it does not fit."""
    return _encode_nfc(text)[0]


def _encode_nfc(text: str) -> tuple[bytes | None, bool]:
    """:func:`_encode` of ``text``, and whether ``text`` was NFC already."""
    nfc = unicodedata.is_normalized("NFC", text)
    if not nfc:
        text = unicodedata.normalize("NFC", text)
    if len(text) < _SHORT:
        try:
            encoded = codecs.charmap_encode(text.lower(), "strict", _ENCODING_MAP)[0]
        except UnicodeEncodeError:
            return None, nfc
        return (encoded if not encoded or max(encoded) < _PRIVATE else None), nfc
    try:
        points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    except UnicodeEncodeError:  # a lone surrogate
        return None, nfc
    if points.max() >= _LIMIT:
        return None, nfc
    codes = _BYTE_OF[points]
    if codes.max() > 255:
        return None, nfc
    return codes.astype(np.uint8).tobytes(), nfc


def index_fold(text: str | None) -> str:
    """``archiver.text.fold(text)`` with non-word characters as spaces: what the FTS index holds.

    >>> index_fold("Thủ tướng: Đà Nẵng, 2024!")
    'thu tuong  da nang  2024 '
    """
    if not text:
        return ""
    encoded = _encode(text)
    if encoded is None:
        return _slow_index_fold(text)
    return _decoded(encoded.translate(_FOLD_TABLE))


def _decoded(folded: bytes) -> str:
    """The folded text of the code page's bytes ``folded``. The page's first 128
    characters are ASCII's, and folded Vietnamese text is ASCII: it decodes as a copy,
    without a table lookup a character."""
    return (
        folded.decode("ascii")
        if folded.isascii()
        else codecs.charmap_decode(folded, "strict", _PAGE)[0]
    )


def fold_and_key(text: str | None) -> tuple[str, bytes]:
    """:func:`index_fold` and :func:`content_key` of ``text`` at the cost of one encoding."""
    if not text:
        return "", b""
    encoded = _encode(text)
    if encoded is None:
        return _slow_index_fold(text), _slow_key(text)
    return _decoded(encoded.translate(_FOLD_TABLE)), _key(encoded)


def fold_for_index(text: str | None, *, key: bool = True) -> tuple[str, bytes, list[str] | None]:
    """:func:`index_fold`, :func:`content_key` (``b""`` unless ``key``) and the đ-words of
    ``text``, at the cost of one encoding.

    The đ-words are the words holding a đ, lower-cased, once each, in order of appearance,
    as the index holds them after the folded text (:func:`archiver.store.fts.index_text`);
    None when ``text`` is outside the fast path (the caller finds them itself).
    """
    if not text:
        return "", b"", []
    encoded, nfc = _encode_nfc(text)
    if encoded is None:
        return _slow_index_fold(text), _slow_key(text) if key else b"", None
    folded = _decoded(encoded.translate(_FOLD_TABLE))
    d_words: list[str] | None = None
    # One byte per character of NFC ``text`` (lower-casing kept its length): a word's
    # bytes are its lower-cased letters, between two of the folded text's spaces.
    if nfc and len(encoded) == len(text):
        d_words = _d_words(encoded) if _D_BYTE in encoded else []
    return folded, _key(encoded) if key else b"", d_words


#: Private-use slots of the code page, which no encoded text holds: one between two texts
#: of a batch (:func:`fold_many`), one for a character outside the page.
_SEPARATOR_BYTE, _OUTSIDE_BYTE = _PRIVATE, _PRIVATE + 1
if _OUTSIDE_BYTE > 255:
    raise AssertionError("the code page needs two private-use slots")
#: :data:`_BYTE_OF` as bytes, :data:`_OUTSIDE_BYTE` for a code point outside the page (the
#: last entry: every code point past the table is clipped to it): one lookup encodes a batch.
#: A code point that is not NFC by itself (the Kelvin and Angstrom signs) is outside too:
#: then a text of the page's characters only is NFC (no two of them compose or reorder,
#: which the tests check over all of Unicode), and a batch needs no NFC check of each text.
_BYTE_OF_BATCH = np.append(
    [
        _OUTSIDE_BYTE if code > 255 or not unicodedata.is_normalized("NFC", chr(point)) else code
        for point, code in enumerate(_BYTE_OF.tolist())
    ],
    _OUTSIDE_BYTE,
).astype(np.uint8)
_SPACE = 0x20
#: Characters per pass of :func:`fold_many` (about 20 bytes of arrays a character): a
#: batch of long pages is folded in several passes, a longer text in one of its own.
_CHARS_PER_PASS = 1 << 20


def fold_many(
    texts: Sequence[str | None], keys: Sequence[bool] | None = None
) -> list[tuple[str, bytes, list[str] | None]]:
    """``[fold_for_index(text, key=k) for text, k in zip(texts, keys)]`` (``keys``: all
    True when None), computed for the whole batch at once: one encoding, one folding and
    one decoding of all the texts joined (in passes of :data:`_CHARS_PER_PASS`), and their
    đ-words found with numpy, instead of a dozen calls per text (an article has four
    texts: title, lead, body and captions).

    A text outside the fast path (a character outside the code page, which every text
    that is not NFC has: see :data:`_BYTE_OF_BATCH`) is folded alone by
    :func:`fold_for_index`, so the results are always its results.
    """
    wanted = [True] * len(texts) if keys is None else list(keys)
    results: list[tuple[str, bytes, list[str] | None] | None] = [None] * len(texts)
    passes: list[list[int]] = [[]]
    size = 0
    for index, text in enumerate(texts):
        if not text:
            results[index] = ("", b"", [])
            continue
        if size + len(text) > _CHARS_PER_PASS and passes[-1]:
            passes.append([])
            size = 0
        passes[-1].append(index)
        size += len(text) + 1
    for batch in passes:
        if not batch:
            continue
        joined = " ".join(texts[i] for i in batch)  # type: ignore[misc]
        try:
            points = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
        except UnicodeEncodeError:  # a lone surrogate somewhere: each text alone
            points = None
        if points is None:
            for index in batch:
                results[index] = fold_for_index(texts[index], key=wanted[index])
        else:
            _fold_batch(texts, batch, joined, points, wanted, results)
    return results  # type: ignore[return-value]


def _fold_batch(
    texts: Sequence[str | None],
    batch: list[int],
    joined: str,
    points: np.ndarray,
    wanted: list[bool],
    results: list[Any],
) -> None:
    """:func:`fold_many` of the texts ``batch`` (indexes into ``texts``), whose code
    points, joined by single spaces (``joined``), are ``points``."""
    lengths = np.fromiter((len(texts[i]) for i in batch), dtype=np.int64, count=len(batch))  # type: ignore[arg-type]
    starts = np.cumsum(lengths + 1) - lengths - 1
    encoded = _BYTE_OF_BATCH.take(points, mode="clip")
    outside = np.flatnonzero(encoded == _OUTSIDE_BYTE)
    slow = set(np.unique(np.searchsorted(starts, outside, side="right") - 1).tolist())
    encoded[starts[1:] - 1] = _SEPARATOR_BYTE  # folds to a space, as the joining space
    encoded_bytes = encoded.tobytes()
    folded_bytes = encoded_bytes.translate(_FOLD_TABLE)
    folded = _decoded(folded_bytes)
    # The đ-words: each word holding a đ (bounded by the spaces of the folded text, where
    # every non-word character is one), once per text, in order of appearance.
    d_words: list[list[str]] = [[] for _ in batch]
    d_at = np.flatnonzero(encoded == _D_BYTE[0])
    if d_at.size:
        spaces = np.flatnonzero(np.frombuffer(folded_bytes, dtype=np.uint8) == _SPACE)
        after = np.searchsorted(spaces, d_at)  # sorted: a word's đs are neighbours
        after = after[np.not_equal(after, np.append(-1, after[:-1]))]  # once per word
        bounds = np.append(np.insert(spaces, 0, -1), len(encoded))
        word_starts, word_ends = bounds[after] + 1, bounds[after + 1]
        owners = np.searchsorted(starts, word_starts, side="right") - 1
        # A word holds word characters only: its lower case is its encoded form, decoded.
        found = [
            joined[a:b].lower()
            for a, b in zip(word_starts.tolist(), word_ends.tolist(), strict=True)
        ]
        cuts = np.searchsorted(owners, np.arange(len(batch) + 1)).tolist()
        d_words = [list(dict.fromkeys(found[a:b])) for a, b in itertools.pairwise(cuts)]
    keys = _keys(encoded_bytes, [wanted[index] for index in batch])
    for position, (index, start, end) in enumerate(
        zip(batch, starts.tolist(), (starts + lengths).tolist(), strict=True)
    ):
        if position in slow:
            results[index] = fold_for_index(texts[index], key=wanted[index])
            continue
        results[index] = (folded[start:end], keys[position], d_words[position])


def _keys(encoded: bytes, wanted: list[bool]) -> list[bytes]:
    """The content key of each text of ``encoded`` (texts between separator bytes) that is
    ``wanted`` (``b""`` for the others), as :func:`_key` gives it: the whitespace of all of
    them collapsed at once."""
    chars = np.frombuffer(encoded.translate(_SPACE_TABLE), dtype=np.uint8)
    kept = chars != _SPACE
    kept[1:] |= kept[:-1].copy()  # a space stays after a non-space (the separator too)
    found = []
    for piece, want in zip(
        chars[kept].tobytes().split(bytes([_SEPARATOR_BYTE])), wanted, strict=True
    ):
        collapsed = piece.strip(b" ") if want else b""  # a space after a separator or before
        found.append(
            _pack(
                collapsed.translate(_TONELESS_TABLE),
                collapsed.translate(_TONE_TABLE, _TONELESS_LETTERS),
            )
            if collapsed
            else b""
        )
    return found


def _d_words(encoded: bytes) -> list[str]:
    """The words of ``encoded`` holding a đ, once each, in order: a word's bounds around
    each đ are two byte searches away, and the search goes on after the word."""
    spaced = encoded.translate(_WORD_BYTES_TABLE)
    found: dict[bytes, None] = {}
    at = spaced.find(_D_BYTE)
    while at >= 0:
        start = spaced.rfind(b" ", 0, at) + 1
        end = spaced.find(b" ", at)
        if end < 0:
            end = len(spaced)
        found[spaced[start:end]] = None
        at = spaced.find(_D_BYTE, end)
    return codecs.charmap_decode(b" ".join(found), "strict", _PAGE)[0].split(" ")


def _collapse(spaced: bytes) -> bytes:
    """``b" ".join(spaced.split())`` for bytes whose only whitespace is the space (as
    :data:`_SPACE_TABLE` leaves them), without a bytes object per word: a space stays
    when it follows a non-space, then a last space goes."""
    chars = np.frombuffer(spaced, dtype=np.uint8)
    kept = chars != 0x20
    kept[1:] |= kept[:-1].copy()
    collapsed = chars[kept].tobytes()
    return collapsed[:-1] if collapsed.endswith(b" ") else collapsed


def _key(encoded: bytes) -> bytes:
    spaced = encoded.translate(_SPACE_TABLE)
    # numpy's fixed cost pays from a few hundred bytes on (a body, not a title).
    collapsed = _collapse(spaced) if len(spaced) > 512 else b" ".join(spaced.split())
    if not collapsed:
        return b""
    return _pack(
        collapsed.translate(_TONELESS_TABLE), collapsed.translate(_TONE_TABLE, _TONELESS_LETTERS)
    )


def _pack(letters: bytes, tones: bytes, kind: bytes = b"P") -> bytes:
    """One key from its two halves; the length prefix keeps the split between them unambiguous."""
    return kind + len(letters).to_bytes(4, "big") + letters + tones


def _slow_key(text: str) -> bytes:
    """The key of any text, from ``tone_key``: the same bytes as :func:`_key` whenever the
    text's letters fit the code page (``"\u0300A"`` and ``"À"`` give one key)."""
    key = tone_key(clean(text))
    if not key:
        return b""
    letters: list[str] = []
    tones = bytearray()
    for char in key:  # NFD, lower case, each word's marks after its letters
        digit = _TONE_DIGITS.get(char)
        if digit is not None:
            tones.append(digit)
            continue
        letters.append(char)
        if char == " ":
            tones.append(0x20)
        elif not (char.isalnum() or unicodedata.combining(char)):
            tones.append(ord("|"))
    toneless = unicodedata.normalize("NFC", "".join(letters))
    try:
        return _pack(codecs.charmap_encode(toneless, "strict", _ENCODING_MAP)[0], bytes(tones))
    except UnicodeEncodeError:
        return _pack(toneless.encode("utf-8", "surrogatepass"), bytes(tones), b"U")


def words(text: str | None) -> list[str]:
    """The folded words of ``text``, as the search index tokenizes them."""
    return index_fold(text).split()


def content_key(text: str | None) -> bytes:
    """Bytes equal for two texts exactly when their ``tone_key`` forms are equal."""
    if not text:
        return b""
    encoded = _encode(text)
    return _slow_key(text) if encoded is None else _key(encoded)


def hash_keys(title_key: bytes, body_key: bytes) -> str:
    """The hex SHA-256 identifying an article's content from its title and body keys."""
    digest = hashlib.sha256(b"archiver-content-v2\x00")
    digest.update(title_key)
    digest.update(b"\x01")
    digest.update(body_key)
    return digest.hexdigest()


def content_hash(title: str | None, body: str | None) -> str:
    """The hex SHA-256 identifying an article's content (title and body) for deduplication."""
    return hash_keys(content_key(title), content_key(body))
