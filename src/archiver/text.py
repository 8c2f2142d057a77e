"""Vietnamese text normalisation: NFC, whitespace, folding for search, keys for hashing.

Every string archiver stores goes through :func:`clean` (NFC, no zero-width
characters, collapsed whitespace). :func:`fold` gives the accent-insensitive
form used by full-text search ("Đà Nẵng" → "da nang"), and :func:`tone_key`
gives a form in which tone-placement variants ("hòa"/"hoà") and NFC/NFD
differences compare equal, for content hashes.

    >>> clean(" Thu\u0309 tu\u031b\u006f\u031bng\u00a0 ")
    'Thủ tướng'
    >>> fold("Đà Nẵng")
    'da nang'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import filterfalse, repeat

__all__ = ["clean", "collapsed_length", "compact_key", "detect_language", "fold", "tone_key"]

# Invisible characters that editors and CMSs leave in text. U+00AD (soft hyphen)
# is only removed here, after decoding: in TCVN3 that byte is the letter 'ư' and
# the legacy converter must see it first (see archiver.encoding).
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
#: The invisible characters :func:`clean` removes.
INVISIBLE = "".join(map(chr, _INVISIBLE))
_INVISIBLE_RE = re.compile("[" + INVISIBLE + "]")


def clean(text: str | None) -> str:
    """Return ``text`` in NFC with invisible characters removed and whitespace collapsed.

    NBSP and the other Unicode spaces count as whitespace (``str.split`` semantics).
    """
    if not text:
        return ""
    # (Text already collapsed but for its ends is not split into words and joined again:
    # every white space character but the ASCII space is unprintable, as is every invisible
    # one, so printable text holds spaces only, and no two in a row.)
    stripped = text.strip()
    if stripped.isprintable() and "  " not in stripped:
        if stripped.isascii() or unicodedata.is_normalized("NFC", stripped):
            return stripped
        return unicodedata.normalize("NFC", stripped)
    joined = " ".join(text.split())
    # (ASCII text, known without a scan, holds no invisible character and is in NFC.)
    if text.isascii():
        return joined
    # Every invisible character is a format character (Unicode "Cf"): no white space, so
    # ``split`` keeps it, and not printable. Words that are all printable hold none, told in
    # one pass in C (the regex's character class costs ~50 instructions a character). NFC
    # then gives what it gives before the split: white space neither composes with a mark
    # nor comes out of a normalisation (U+2000 and U+2001 become other spaces).
    if joined.isprintable():
        if not unicodedata.is_normalized("NFC", joined):
            joined = unicodedata.normalize("NFC", joined)
        return joined
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def collapsed_length(text: str) -> int:
    """The length of ``text`` with its white space collapsed and stripped, as
    ``len(" ".join(text.split()))`` gives it, without building that string."""
    words = text.split()
    return sum(map(len, words)) + len(words) - 1 if words else 0


def clean_or_none(text: str | None) -> str | None:
    """Like :func:`clean`, but an empty result becomes ``None`` (for optional fields)."""
    cleaned = clean(text)
    return cleaned or None


#: The five Vietnamese tone marks as combining characters (NFD): huyền, sắc, hỏi, ngã,
#: nặng, the order in which content keys number them (``archiver.store.folding``).
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_TONES = frozenset(TONE_MARKS)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x1F00):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base != char and base:
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    return table


#: ``str.translate`` table: each precomposed Latin letter to its letter without marks, đ to d.
FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip every diacritic, folding đ to d.

    Works the same on NFC and NFD input. This is what the search index stores,
    because SQLite's own ``remove_diacritics`` leaves đ alone and mis-folds
    letters with two marks (ờ, ậ) in its default mode.
    """
    text = unicodedata.normalize("NFC", text).translate(FOLD_TABLE)
    if not text.isascii():
        # Combining marks left over from unusual sequences (e.g. a tone on a consonant).
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
        )
        text = text.translate(FOLD_TABLE)
    return text.lower()


_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def compact_key(text: str) -> str:
    """:func:`fold` with every non-word character removed: the key outlet names compare by
    ("Tuổi Trẻ Online", "TUOI TRE ONLINE" and "tuoitre-online" all give "tuoitreonline")."""
    return _NON_WORD.sub("", fold(text))


def tone_key(text: str) -> str:
    """Return a form of ``text`` where tone-mark placement and normalisation form don't matter.

    "hòa" and "hoà", "thủy" and "thuỷ", NFC and NFD all give the same key, while
    "hòa" and "hoa" stay different. Used for content hashes, not for display.
    """
    decomposed = unicodedata.normalize("NFD", clean(text))
    out: list[str] = []
    tones: list[str] = []
    for char in decomposed:
        if char in _TONES:
            tones.append(char)
        elif char.isalnum() or unicodedata.combining(char):
            out.append(char)
        else:
            out.extend(tones)
            tones.clear()
            out.append(char)
    out.extend(tones)
    return "".join(out).lower()


_VI_WORDS = frozenset(
    "và của có là không được những các một cho với người trong này đã để khi cũng "
    "như đến theo từ tại năm ngày về sẽ đang nhiều hơn thì bị vào ra nhưng rằng".split()
)
_VI_FOLDED = frozenset(fold(w) for w in _VI_WORDS) - {"the", "an", "to", "ra"}
_EN_WORDS = frozenset(
    "the of and to in is that for on with as was by are it from at be this have has".split()
)
_WORD = re.compile(r"\w+")
_KNOWN_LISTS = (_VI_WORDS, _VI_FOLDED, _EN_WORDS)
#: Each known word's value: 1 in the field of every list of ``_KNOWN_LISTS`` it is in, so
#: that a sum of values gives the three counts (see ``detect_language``). A field holds up
#: to ``_FIELD`` words; a sample of more is counted list by list.
_SHIFT = 24
_FIELD = (1 << _SHIFT) - 1
_KNOWN_WORDS = {
    word: sum(1 << i * _SHIFT for i, known in enumerate(_KNOWN_LISTS) if word in known)
    for word in frozenset().union(*_KNOWN_LISTS)
}


def words_of(text: str) -> list[str]:
    """The words of ``text`` as ``re.findall(r"\\w+", text)`` gives them, in another order:
    the whitespace-separated pieces made only of letters and digits first (a piece of word
    characters is one word: whitespace is no word character, and ``str.isalnum`` tests
    each character as ``\\w`` does, less the underscore), then the words of the others.
    Most pieces of prose are whole words, so the regex reads only the few with punctuation
    (half the time of a regex over every character, on Vietnamese prose)."""
    pieces = text.split()
    words = list(filter(str.isalnum, pieces))
    if len(words) < len(pieces):
        words += _WORD.findall(" ".join(filterfalse(str.isalnum, pieces)))
    return words


def detect_language(text: str | None, *, sample: int = 1000) -> str | None:
    """Guess whether ``text`` is Vietnamese ("vi"), English ("en"), or neither (None).

    Counts common function words, so it also recognises Vietnamese typed without
    diacritics. Cheap: only the first ``sample`` characters are read.
    """
    if not text:
        return None
    words = words_of(text[:sample].lower())
    if len(words) < 5:
        return None
    # (One lookup a word, in C: each known word's value counts it in the lists it is in, a
    # count a field of the sum, so three counts come out of one pass.)
    if len(words) <= _FIELD:
        total = sum(map(_KNOWN_WORDS.get, words, repeat(0, len(words))))
        vi, vi_folded, en = (total >> shift & _FIELD for shift in (0, _SHIFT, 2 * _SHIFT))
    else:  # (a sample of millions of words: a field could overflow)
        vi, vi_folded, en = (sum(map(known.__contains__, words)) for known in _KNOWN_LISTS)
    if vi >= 2 and vi >= en:
        return "vi"
    if vi_folded >= 3 and vi_folded > en:
        return "vi"
    if en >= 3:
        return "en"
    return None
