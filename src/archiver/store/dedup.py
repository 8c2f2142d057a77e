"""Deduplication keys: canonical URL and aliases, content hash, MinHash near-duplicate signatures.

Exact duplicates are found by canonical URL, then by :func:`archiver.store.folding.content_hash`.
Near-duplicates (the same agency story syndicated with small edits) are found with
MinHash over the set of word 3-shingles of the folded body, using one-permutation
hashing: each shingle hash falls in one of :data:`BINS` bins and each bin keeps its
smallest value (16 bits kept). The fraction of equal bins estimates the Jaccard
similarity of the two shingle sets. Lookup uses LSH: :data:`BANDS` bands of
:data:`ROWS` bins each; two articles become candidates when any band is identical,
and a candidate is linked when the estimated Jaccard is at least :data:`THRESHOLD`.
A word's id is a hash of its characters computed for a whole batch of texts with
numpy (:func:`_word_ids`): no Python work per word.

Why 0.5 (``python bench/store.py --near-dup``, synthetic ~500-word stories, 300 pairs
per case): copies with up to 20 changed words, a new title, or a paragraph added or
dropped score 0.43-1.0 and 98-100% of them are linked; different stories on the
same topic (same places, people and stock phrases) score at most 0.08. 0.5 sits in
that wide gap, nearer the copies: half of heavy rewrites (40 words, new title,
paragraphs added and dropped) are still linked, and no different story was.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from archiver.urls import host_of, is_http_url, normalize_url

__all__ = [
    "BANDS",
    "BINS",
    "MAX_WORDS",
    "ROWS",
    "THRESHOLD",
    "band_keys",
    "band_keys_many",
    "minhash",
    "minhash_many",
    "shingle_hashes",
    "similarities",
    "similarity",
    "url_identity",
]

BINS = 64
ROWS = 3
BANDS = 16
THRESHOLD = 0.5
#: Fewer shingles than this and a text is too short to call anything its near-duplicate.
MIN_SHINGLES = 20
#: Only the first words of a body are shingled: copies share their opening (lead and first
#: paragraphs) most reliably, and it bounds the cost on very long pages.
MAX_WORDS = 400
# Bin (6 bits) and kept value (16 bits) of a shingle hash: small ints sort fastest.
_HASH_BITS = (1 << 22) - 1
_EMPTY = 0xFFFF
_MASK = BINS - 1
_BIN_BITS = 6  # BINS == 1 << _BIN_BITS


# A word's id: a polynomial hash of its code points (each character's code times K to the
# power of its place in the word, mod 2**64), then its length mixed in and every bit spread
# (MurmurHash3's 64-bit finaliser). Computed for every word of a batch at once with numpy
# over the texts' UTF-32 code points, with no Python object per word. K is odd, so its
# inverse mod 2**64 exists: a prefix sum of code * K**position over the whole batch gives
# each word's hash as (sum to its end - sum to its start) * K**-start.
_K = 0x9E3779B97F4A7C15
_K_INVERSE = pow(_K, -1, 2**64)
_MASK_64 = 2**64 - 1
_FMIX_1, _FMIX_2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_LENGTH_MIX = np.uint64(0x9FB21C651E98DF25)
_SHIFT_33 = np.uint64(33)
#: Whether each code point up to U+3000 is whitespace (as ``str.split`` splits): none after.
_IS_SPACE = np.array([chr(point).isspace() for point in range(0x3001)], dtype=bool)
_LAST_SPACE = len(_IS_SPACE) - 1
#: 1 for each ASCII character that is not whitespace, 0 for whitespace.
_INSIDE_ASCII = np.logical_not(_IS_SPACE[:128]).astype(np.int8)
#: Characters per numpy pass of :func:`_word_ids` (bounds its power tables, 8 bytes a char).
_CHARS_PER_PASS = 1 << 16
#: A text is cut this many characters on (at the next space) before its words are read:
#: its first :data:`MAX_WORDS` words nearly always end before that (else it is read whole).
_CUT = 12 * MAX_WORDS
#: The longest power tables kept between calls (a pass and the text after it, 2 MB).
_KEPT_POWERS = 2 * _CHARS_PER_PASS + 2


class _Powers:
    """K**i and K**-i mod 2**64 for i below a size grown on demand, kept between calls up
    to :data:`_KEPT_POWERS` (a longer pass, a text with no space for that long, gets
    tables of its own: 16 bytes a character are not kept for a rare page)."""

    def __init__(self) -> None:
        self.up = self.down = np.ones(0, dtype=np.uint64)

    def tables(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < size:
            wanted = max(size, 4096, min(2 * len(self.up), _KEPT_POWERS))
            up, down = _power_table(_K, wanted), _power_table(_K_INVERSE, wanted)
            if wanted > _KEPT_POWERS:
                return up, down
            self.up, self.down = up, down
        return self.up, self.down


def _power_table(base: int, size: int) -> np.ndarray:
    """``base**i mod 2**64`` for i < size: doubling blocks, each the last times base**len."""
    table = np.empty(size, dtype=np.uint64)
    table[0] = 1
    filled = 1
    with np.errstate(over="ignore"):
        while filled < size:
            step = min(filled, size - filled)
            table[filled : filled + step] = table[:step] * np.uint64(pow(base, filled, 2**64))
            filled += step
    return table


_POWERS = _Powers()


def _word_id(word: str) -> int:
    """One word's id, as :func:`_word_ids` computes it for many at once."""
    value = 0
    power = 1
    for char in word:
        value += ord(char) * power
        power = power * _K & _MASK_64
    value = (value + len(word) * int(_LENGTH_MIX)) & _MASK_64
    value ^= value >> 33
    value = value * int(_FMIX_1) & _MASK_64
    value ^= value >> 33
    value = value * int(_FMIX_2) & _MASK_64
    value ^= value >> 33
    return value >> 4


#: The array type of word ids: C's unsigned long where it has 64 bits (Linux, macOS), else
#: unsigned long long. (The same values; CPython converts an int of more than 32 bits to
#: unsigned long long byte by byte, to unsigned long a digit at a time: a fifth of
#: :func:`minhash`'s instructions went to that conversion.)
_ID_TYPE = "L" if array("L").itemsize == 8 else "Q"


class _WordIds(dict[str, int]):
    """:func:`_word_id` of each word seen, cached (news vocabulary is small): one text's
    words are looked up here rather than hashed with numpy, whose fixed cost is higher."""

    def __missing__(self, word: str) -> int:
        if len(self) > 300_000:
            self.clear()
        value = self[word] = _word_id(word)
        return value


_WORD_IDS = _WordIds()


def _fmix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        values ^= values >> _SHIFT_33
        values *= _FMIX_1
        values ^= values >> _SHIFT_33
        values *= _FMIX_2
        values ^= values >> _SHIFT_33
    return values


def _word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the first :data:`MAX_WORDS` words of each folded text, concatenated, and
    how many each text has. A word is what ``str.split()`` gives; its id (below 2**60) is
    :func:`_word_id`'s."""
    cut = [text if len(text) <= _CUT else _cut(text) for text in texts]
    ids, counts = _word_ids_of(cut)
    short = [i for i, text in enumerate(texts) if len(cut[i]) < len(text) and counts[i] < MAX_WORDS]
    if not short:  # usual: every cut text still holds its first MAX_WORDS words
        return ids, counts
    whole = [cut[i] if i not in short else texts[i] for i in range(len(texts))]
    return _word_ids_of(whole)


def _cut(text: str) -> str:
    end = text.find(" ", _CUT)
    return text if end < 0 else text[:end]


def _word_ids_of(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_word_ids` of texts already cut, in passes of about :data:`_CHARS_PER_PASS`."""
    parts: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    start = 0
    while start < len(texts):
        end, size = start + 1, len(texts[start])
        while end < len(texts) and size + len(texts[end]) < _CHARS_PER_PASS:
            size += len(texts[end]) + 1
            end += 1
        part_ids, part_counts = _word_ids_pass(texts[start:end])
        parts.append(part_ids)
        counts.append(part_counts)
        start = end
    if not parts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(parts), np.concatenate(counts)


def _word_ids_pass(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    joined = " ".join(texts)  # the space between two texts ends the first one's last word
    codes: np.ndarray
    if joined.isascii():  # folded Vietnamese: a byte a character, one lookup for the spaces
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        size = len(codes)
        inside = np.zeros(size + 2, dtype=np.int8)
        _INSIDE_ASCII.take(codes, out=inside[1:-1])
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        size = len(codes)
        inside = np.zeros(size + 2, dtype=np.int8)
        space = _IS_SPACE[np.minimum(codes, _LAST_SPACE)] & (codes <= _LAST_SPACE)
        np.logical_not(space, out=inside[1:-1].view(bool))
    up, down = _POWERS.tables(size + 1)
    edges = np.flatnonzero(np.diff(inside))
    starts, ends = edges[0::2], edges[1::2]
    with np.errstate(over="ignore"):
        sums = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(codes * up[:size], out=sums[1:])
        hashes = (sums[ends] - sums[starts]) * down[starts]
        hashes += (ends - starts).astype(np.uint64) * _LENGTH_MIX
    ids = _fmix(hashes) >> np.uint64(4)
    # Which text each word is in, and its place there: keep each text's first MAX_WORDS.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.cumsum(lengths + 1) - lengths - 1  # where each text starts in ``joined``
    first = np.searchsorted(starts, offsets)  # each text's first word
    last = np.searchsorted(starts, offsets + lengths)  # one past its last word
    counts = np.minimum(last - first, MAX_WORDS)
    if not (last - first > MAX_WORDS).any():
        return ids, counts
    keep = np.zeros(len(ids) + 1, dtype=np.int64)
    np.add.at(keep, first, 1)
    np.add.at(keep, first + counts, -1)
    return ids[np.cumsum(keep[:-1]) > 0], counts


# Python's tuple hash (CPython >= 3.8, 64-bit: xxHash's round over each item's hash) of
# three word ids, written out so that numpy computes it for all shingles of a text at once.
# An id is below 2**60, so its hash is itself.
_XX_PRIME_1 = np.uint64(11400714785074694791)
_XX_PRIME_2 = np.uint64(14029467366897019727)
_XX_PRIME_5 = np.uint64(2870177450012600261)
_XX_LENGTH_3 = np.uint64(3 ^ 2870177450012600261 ^ 3527539)
_ROTATE, _ROTATE_BACK = np.uint64(31), np.uint64(33)
_MINUS_ONE, _MINUS_ONE_HASH = np.uint64(2**64 - 1), np.uint64(1546275796)
_KEPT_BITS, _VALUE_SHIFT = np.uint64(_HASH_BITS), np.uint64(6)
_BIN_MASK, _BIN_SHIFT, _VALUE_MASK = np.uint64(_MASK), np.uint64(16), np.uint64(0xFFFF)


def shingle_hashes(ids: np.ndarray) -> np.ndarray:
    """``hash((ids[i], ids[i + 1], ids[i + 2]))`` for every i, as uint64 (two's complement)."""
    with np.errstate(over="ignore"):
        acc = ids[:-2] * _XX_PRIME_2
        acc += _XX_PRIME_5
        for lane in (None, ids[1:-1], ids[2:]):
            if lane is not None:
                acc += lane * _XX_PRIME_2
            acc = (acc << _ROTATE) | (acc >> _ROTATE_BACK)
            acc *= _XX_PRIME_1
        acc += _XX_LENGTH_3
    acc[acc == _MINUS_ONE] = _MINUS_ONE_HASH  # CPython never returns -1 as a hash
    return acc


def minhash(folded: str) -> bytes | None:
    """The MinHash signature (``BINS`` 16-bit values) of a folded text
    (:func:`archiver.store.folding.index_fold`), or None if it is too short.

    Shingle hashes mix three stable word ids (:func:`_word_id`, :func:`shingle_hashes`):
    deterministic across processes and runs. One text's words are looked up in a cache
    of ids; :func:`minhash_many` hashes a batch's words with numpy instead (the same ids).
    The archive stores a probe signature and recomputes all signatures should this ever
    give different values.
    """
    words = folded.split(None, MAX_WORDS)[:MAX_WORDS]
    if len(words) < MIN_SHINGLES:
        return None
    ids = array(_ID_TYPE, map(_WORD_IDS.__getitem__, words))
    hashes = shingle_hashes(np.frombuffer(ids, np.uint64))
    # (bin, kept value) in one sortable key: equal keys are equal kept hashes, and the
    # first key of each bin holds the bin's minimum.
    keys = ((hashes & _BIN_MASK) << _BIN_SHIFT) | ((hashes & _KEPT_BITS) >> _VALUE_SHIFT)
    keys.sort()
    if 1 + np.count_nonzero(keys[1:] != keys[:-1]) < MIN_SHINGLES:
        return None
    bins = keys >> _BIN_SHIFT
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(bins[1:], bins[:-1], out=first[1:])
    smallest = keys[first]
    values = np.full(BINS, _EMPTY, dtype=np.uint16)
    values[(smallest >> _BIN_SHIFT).astype(np.intp)] = (smallest & _VALUE_MASK).astype(np.uint16)
    return values.tobytes()


#: Texts per pass of :func:`minhash_many` (bounds its arrays).
_TEXTS_PER_PASS = 1 << 10


def minhash_many(texts: Sequence[str]) -> list[bytes | None]:
    """``[minhash(folded) for folded in texts]``, computed for the whole batch at once.

    Each shingle's kept value goes to its (text, bin) slot with ``np.minimum.at``: the
    slot ends with the bin's minimum, without sorting the batch's shingles. A text is
    signed when it has :data:`MIN_SHINGLES` distinct (bin, value) keys, as
    :func:`minhash` says: certain when that many bins are filled, counted otherwise.
    """
    if len(texts) > _TEXTS_PER_PASS:
        return [
            signature
            for start in range(0, len(texts), _TEXTS_PER_PASS)
            for signature in minhash_many(texts[start : start + _TEXTS_PER_PASS])
        ]
    signatures: list[bytes | None] = [None] * len(texts)
    ids, counts = _word_ids(texts)
    taken = np.flatnonzero(counts >= MIN_SHINGLES)
    if not taken.size:
        return signatures
    if len(taken) < len(texts):  # drop the words of texts too short to sign
        ids = ids[np.repeat(counts >= MIN_SHINGLES, counts)]
    lengths = counts[taken]
    hashes = shingle_hashes(ids)
    # Shingle i starts in text t; it is whole when its third word is still in t.
    text_of = np.repeat(np.arange(len(taken), dtype=np.intp), lengths)[: len(hashes)]
    whole = np.arange(len(hashes)) <= (np.cumsum(lengths) - 3)[text_of]
    hashes, text_of = hashes[whole], text_of[whole]
    slots = (text_of << _BIN_BITS) | (hashes & _BIN_MASK).astype(np.intp)
    kept = ((hashes & _KEPT_BITS) >> _VALUE_SHIFT).astype(np.uint16)
    values = np.full(len(taken) * BINS, _EMPTY, dtype=np.uint16)
    np.minimum.at(values, slots, kept)
    rows = values.reshape(len(taken), BINS)
    filled = np.count_nonzero(rows != _EMPTY, axis=1).tolist()
    for row, index in enumerate(taken.tolist()):
        if filled[row] < MIN_SHINGLES:  # few bins: count the distinct keys (short texts)
            mine = text_of == row
            keys = (slots[mine] & _MASK).astype(np.uint32) << np.uint32(16) | kept[mine]
            if np.unique(keys).size < MIN_SHINGLES:
                continue
        signatures[index] = rows[row].tobytes()
    return signatures


def band_keys_many(signatures: Sequence[bytes | None]) -> list[list[int]]:
    """``[band_keys(signature) for signature in signatures]``, computed at once."""
    found: list[list[int]] = [[] for _ in signatures]
    taken = [index for index, signature in enumerate(signatures) if signature is not None]
    if not taken:
        return found
    values = np.frombuffer(b"".join(signatures[i] for i in taken), dtype=np.uint16)  # type: ignore[misc]
    rows = values.reshape(len(taken), BINS)[:, : BANDS * ROWS].reshape(len(taken), BANDS, ROWS)
    filled = (rows != _EMPTY).all(axis=2)
    wide = rows.astype(np.int64)
    keys = np.broadcast_to(np.arange(BANDS, dtype=np.int64), filled.shape)
    for row in range(ROWS):
        keys = (keys << 16) | wide[:, :, row]
    for row, index in enumerate(taken):
        found[index] = keys[row][filled[row]].tolist()
    return found


def _values(signature: bytes) -> array[int]:
    values = array("H")
    values.frombytes(signature)
    return values


def band_keys(signature: bytes | None) -> list[int]:
    """The LSH bucket keys of a signature: one per band whose bins are all filled."""
    if signature is None:
        return []
    values = _values(signature)
    keys = []
    for band in range(BANDS):
        row = values[band * ROWS : (band + 1) * ROWS]
        if _EMPTY not in row:
            key = band
            for value in row:
                key = (key << 16) | value
            keys.append(key)
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    equal = filled = 0
    for x, y in zip(_values(a), _values(b), strict=True):
        if x != _EMPTY or y != _EMPTY:
            filled += 1
            equal += x == y
    return equal / filled if filled else 0.0


def similarities(signature: bytes, others: Sequence[bytes]) -> list[float]:
    """``[similarity(signature, other) for other in others]``, compared at once with numpy
    (an article's candidates: a loop over the bins of each cost more than its query)."""
    if not others:
        return []
    mine = np.frombuffer(signature, dtype=np.uint16)
    theirs = np.frombuffer(b"".join(others), dtype=np.uint16).reshape(len(others), len(mine))
    filled = (theirs != _EMPTY) | (mine != _EMPTY)
    equal = np.count_nonzero((theirs == mine) & filled, axis=1).tolist()
    return [
        same / count if count else 0.0
        for same, count in zip(equal, np.count_nonzero(filled, axis=1).tolist(), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class UrlIdentity:
    """Where an article lives (``canonical``) and the other URLs that led to it.

    ``claim`` is a canonical link to another site's page (a syndicated copy naming the
    original): recorded as a relation, never taken as this page's identity.
    """

    canonical: str
    aliases: tuple[tuple[str, str], ...]  # (url, how it matched)
    claim: str | None = None


def same_site(host: str, other: str) -> bool:
    """One site: the same host (``www.`` aside), or one a subdomain of the other
    (``m.``, ``amp.`` copies naming the desktop page). IP addresses must be equal."""
    if host == other:
        return True
    if not host or not other or host.replace(".", "").isdigit() or ":" in host:
        return False
    return host.endswith("." + other) or other.endswith("." + host)


def url_identity(
    canonical_url: str | None,
    article_url: str | None,
    final_url: str,
    requested_url: str,
    redirects: Iterable[str] = (),
) -> UrlIdentity:
    """Pick the canonical URL of a fetched article and name every other URL that led to it.

    The page's declared canonical URL wins when it is an HTTP URL on the page's own
    site (:func:`same_site`); then the URL the extractor reports; then where the
    request ended. A declared canonical URL on another site is only a ``claim``:
    a syndicated copy on site B naming A's article must not become A's article.
    Aliases are tagged
    ``canonical`` (the page names another URL as canonical), ``redirect`` (the
    request was redirected) or ``normalized`` (the same URL with tracking
    parameters, another case, port or fragment).
    """
    normalized: dict[str, str] = {}
    http: dict[str, bool] = {}

    def normalize(url: str) -> str:  # the same URL usually comes in three or four times
        if url not in normalized:
            normalized[url] = normalize_url(url)
        return normalized[url]

    def is_http(url: str) -> bool:  # likewise
        known = http.get(url)
        if known is None:
            known = http[url] = is_http_url(url)
        return known

    declared = canonical_url if canonical_url and is_http(canonical_url) else None
    claim = None
    if declared and not same_site(host_of(declared), host_of(final_url or article_url or "")):
        claim, declared = normalize(declared), None
    canonical = normalize(declared or article_url or final_url)
    seen = {canonical}
    aliases: list[tuple[str, str]] = []

    def add(url: str | None, how: str) -> None:
        if url and url not in seen and is_http(url):
            seen.add(url)
            aliases.append((url, how))

    for fetched, how in ((article_url, "canonical"), (final_url, "canonical")):
        if fetched:
            add(normalize(fetched), how)
    for hop in (requested_url, *redirects):
        add(normalize(hop), "redirect")
    for raw in (declared, article_url, final_url, requested_url, *redirects):
        add(raw.strip() if raw else None, "normalized")
    return UrlIdentity(canonical, tuple(aliases), claim)
