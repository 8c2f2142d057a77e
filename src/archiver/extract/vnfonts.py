"""Legacy Vietnamese font encodings (TCVN3, VNI): find them in a parsed page, convert to Unicode.

Before Unicode, Vietnamese pages were typed in 8-bit fonts: TCVN3/ABC (``.VnTime``,
``.VnArial``, ``.VnTimeH``) and VNI-Windows (``VNI-Times``, ``VNI-Helve``). The
page declares windows-1252, so the text decodes to look-alike Latin-1 characters
(``ViÖt Nam``, ``Ng­êi d©n`` in TCVN3; ``Vieät Nam`` in VNI) and only the font made
it readable. :func:`convert_legacy_text` finds such text in a parsed page and
rewrites it in place with viparse's charmaps.

Pages mix encodings (a Unicode menu beside a TCVN3 article), and Unicode Vietnamese
uses Latin-1 letters (á, ê, ô) that are also TCVN3 bytes, so the decision is made
per text node: convert when the nearest declared font is a legacy one (``<font
face>``, ``style``, or a ``<style>`` rule), or when the characters themselves are
clearly legacy and the converted words read as Vietnamese syllables. Text that
already holds Unicode-only Vietnamese letters (ư, ơ, đ, ạ...) is never touched.

In TCVN3 the letter ư is byte 0xAD, the soft hyphen: nothing may strip U+00AD
before this runs (``archiver.text.clean`` does, afterwards). TCVN3 has no upper-case
toned letters; text in an ``...H`` font (``.VnTimeH``) is typed in lower case and
drawn in capitals, so it is upper-cased after conversion.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from archiver.text import TONE_MARKS

__all__ = [
    "LEGACY_ENCODINGS",
    "convert_legacy_text",
    "font_encoding",
    "guess_legacy",
    "is_vietnamese_syllable",
    "may_contain_legacy",
    "to_unicode",
]

LEGACY_ENCODINGS = ("tcvn3", "vni")

# The pre-check: legacy text of any length contains one of these, Unicode pages
# almost never do. ­ µ ¸ are TCVN3 ư à á, ø ö are VNI's grave mark and ư. Chosen by
# encoding 36 k characters of news text: every 40-word stretch contains one.
# Each is one fast str.find, which is why there are only five.
_HINT_CHARS = "\xadµ¸øö"
# Letters only Unicode Vietnamese has (plus the combining marks of NFD text): their
# presence means the text is not legacy, whatever its font says.
_UNICODE_VIETNAMESE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u0303\u0306\u0309\u031b\u0323]")
# Latin-1 letters Unicode Vietnamese uses; every other character a charmap converts
# is evidence of legacy text.
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Elements whose text is not page text.
_SKIP_PARENTS = frozenset({"script", "style", "noscript", "template", "textarea"})
# Elements that may set a font (see ``_FontMap._family``); style sheets are read apart.
_FONT_SET = "[style*=font i], font[face]"
# <meta> fields the extractor reads text from.
_META_SELECTOR = (
    'meta[name="description" i], meta[name="keywords" i], meta[name="author" i], '
    'meta[name="title" i], meta[property^="og:" i], meta[name^="twitter:" i]'
)
# A converted word must read as Vietnamese: this share of changed words, and at least
# this many of them (fewer when the page has declared a legacy font somewhere).
_MIN_VALID_SHARE = 0.75
_MIN_WORDS_WITHOUT_FONT = 2
_MIN_WORDS_WITH_FONT = 1
# Enough words to judge a paragraph; scoring a whole article word by word is wasted time.
_MAX_SCORED_WORDS = 40


def may_contain_legacy(text: str) -> bool:
    """Cheap pre-check on the decoded page: False means there is no legacy text to convert.

    Five single-character searches. Misses legacy text written only as character
    references (``&shy;``) or shorter than a few dozen words without these letters.
    """
    return any(char in text for char in _HINT_CHARS)


def convert_legacy_text(
    tree: LexborHTMLParser, html: str | None = None, *, styles: list[str] | None = None
) -> str | None:
    """Rewrite TCVN3/VNI text in ``tree`` as Unicode; return the encoding converted, or None.

    ``html`` is the decoded page the tree was parsed from: when given, the cheap
    :func:`may_contain_legacy` check runs on it and ordinary pages cost almost
    nothing; without it the check reads the tree's text (slower). Converts text
    nodes, the ``<title>`` and the ``content`` of description/title ``<meta>`` tags.
    When both encodings occur, the one converted more often is returned. ``styles``: the
    page's style sheets, when they were cut from the markup before parsing.
    """
    if not may_contain_legacy(html if html is not None else _tree_text(tree)):
        return None
    fonts = _FontMap(tree, styles)
    # A page that sets no font anywhere (no style rule, inline style or <font face> names
    # one) has every text node judged by its characters, with no walk up from each.
    declared = bool(fonts.css) or tree.css_first(_FONT_SET) is not None
    converted: Counter[str] = Counter()
    undecided: list[LexborNode] = []
    for node in _text_nodes(tree):
        text = node.text_content
        if not text or text.isspace():
            continue
        font = fonts.font_of(node) if declared else None
        if font is None or font[0] is None:
            if not text.isascii():
                undecided.append(node)
            continue
        encoding, upper = font
        if _UNICODE_VIETNAMESE.search(text):
            continue
        new = to_unicode(text, encoding)
        if upper:
            new = new.upper()
        if new != text:
            node.replace_with(new)
            converted[encoding] += 1
    # Text with no legacy font: decided by its characters, with the page's fonts as a prior.
    prior = fonts.encodings or LEGACY_ENCODINGS
    min_words = _MIN_WORDS_WITH_FONT if fonts.encodings else _MIN_WORDS_WITHOUT_FONT
    for node in undecided:
        _convert_by_content(node.text_content, prior, min_words, node.replace_with, converted)
    for meta in tree.css(_META_SELECTOR):
        content = meta.attributes.get("content")
        if content and not content.isascii():
            setter = _attribute_setter(meta, "content")
            _convert_by_content(content, prior, min_words, setter, converted)
    return converted.most_common(1)[0][0] if converted else None


def to_unicode(text: str, encoding: str) -> str:
    """Convert one legacy string (``encoding`` is ``"tcvn3"`` or ``"vni"``) to NFC Unicode.

    Same result as ``viparse.normalize.tables.convert`` with that charmap, without
    its Python loop per character: a ``str.translate`` for TCVN3, one regex pass for VNI.
    """
    return unicodedata.normalize("NFC", _converter(encoding)(text))


@cache
def _converter(encoding: str) -> Callable[[str], str]:
    table = _table(encoding)
    if all(len(source) == 1 and ord(source) < 256 for source in table):
        return _single_byte_converter(table)
    # Keys grouped by first character, each group longest first (the charmap's own order),
    # so at each position the match is the one viparse's longest-first scan would pick.
    groups: dict[str, list[str]] = {}
    for source in table:
        groups.setdefault(source[0], []).append(source[1:])
    branches = []
    for first, rests in groups.items():
        longer = "|".join(re.escape(rest) for rest in rests if rest)
        optional = "?" if "" in rests else ""
        branches.append(re.escape(first) + (f"(?:{longer}){optional}" if longer else ""))
    pattern = re.compile("|".join(branches))
    return lambda text: pattern.sub(lambda match: table[match.group()], text)


def _single_byte_converter(table: dict[str, str]) -> Callable[[str], str]:
    # A one-character-per-byte table (TCVN3) decodes in C; str.translate with a dict
    # is some fifty times slower. Text with characters beyond Latin-1 takes that path.
    mapping = {ord(source): target for source, target in table.items()}
    decoding = "".join(table.get(chr(value), chr(value)) for value in range(256))

    def convert(text: str) -> str:
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError:
            return text.translate(mapping)
        return codecs.charmap_decode(raw, "strict", decoding)[0]

    return convert


@cache
def _table(encoding: str) -> dict[str, str]:
    """The viparse charmap for ``encoding`` as a dict, longest source first."""
    # viparse costs ~100 ms to import; only pages that may hold legacy text pay it.
    from viparse.normalize.tcvn3 import TCVN3
    from viparse.normalize.vni import VNI

    charmap = {"tcvn3": TCVN3, "vni": VNI}[encoding]
    return dict(charmap.pairs)


@cache
def _evidence(encoding: str) -> frozenset[str]:
    """Characters of ``encoding``'s charmap that Unicode Vietnamese text never uses."""
    return (
        frozenset("".join(_table(encoding)))
        - _VIETNAMESE_LATIN1
        - frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    )


@cache
def _evidence_pattern(encoding: str) -> re.Pattern[str]:
    """Finds a character of :func:`_evidence`."""
    return re.compile("[" + "".join(map(re.escape, sorted(_evidence(encoding)))) + "]")


def _tree_text(tree: LexborHTMLParser) -> str:
    title = tree.css_first("title")
    body = tree.body
    return (title.text() if title else "") + (body.text() if body else "")


def _text_nodes(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    # Materialised first: replacing nodes while lexbor walks them is not safe.
    nodes = [node for node in tree.root.traverse(include_text=True) if node.is_text_node]
    for node in nodes:
        parent = node.parent
        if parent is None or parent.tag not in _SKIP_PARENTS:
            yield node


def _attribute_setter(node: LexborNode, name: str) -> Callable[[str], None]:
    def set_value(value: str) -> None:
        node.attrs[name] = value

    return set_value


def _convert_by_content(
    text: str,
    candidates: tuple[str, ...],
    min_words: int,
    replace: Callable[[str], None],
    converted: Counter[str],
) -> None:
    guessed = _guess(text, candidates, min_words)
    if guessed is not None:
        encoding, new = guessed
        replace(new)
        converted[encoding] += 1


def guess_legacy(
    text: str, candidates: tuple[str, ...] = LEGACY_ENCODINGS, *, min_words: int = 2
) -> str | None:
    """The legacy encoding ``text`` is written in, judged by its characters alone, or None.

    Needs characters that only legacy text has, no Unicode-only Vietnamese letters,
    and at least ``min_words`` converted words, ``_MIN_VALID_SHARE`` of all changed
    words, that are valid Vietnamese syllables. Declines on a tie.
    """
    guessed = _guess(text, candidates, min_words)
    return guessed[0] if guessed is not None else None


def _guess(text: str, candidates: tuple[str, ...], min_words: int) -> tuple[str, str] | None:
    """:func:`guess_legacy`'s encoding, with ``text`` converted from it (converted once)."""
    # (No character only legacy text has, nothing to convert: most text, decided cheaply by
    # a regex scan in C rather than a set of its characters.)
    evidenced = [e for e in candidates if _evidence_pattern(e).search(text) is not None]
    if not evidenced:
        return None
    if _UNICODE_VIETNAMESE.search(text) or _is_double_utf8(text):
        return None
    scores = []
    conversions: dict[str, str] = {}
    for encoding in evidenced:
        new = conversions[encoding] = to_unicode(text, encoding)
        valid, changed = _syllable_score(text, new)
        if valid >= min_words and valid >= _MIN_VALID_SHARE * changed:
            scores.append((valid, encoding))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    encoding = scores[0][1]
    return encoding, conversions[encoding]


def _is_double_utf8(text: str) -> bool:
    """Whether ``text`` is UTF-8 read as windows-1252 (``Viá»‡t``), which is not legacy text."""
    try:
        # (One encoding in C where possible: str.translate with a dict looks up every
        # character.)
        if _CP1252_CHARACTER.search(text) is None:
            raw = text.encode("latin-1")  # (nothing for the dict to translate)
        elif _SHADOWED_CONTROL.search(text) is None:
            raw = codecs.charmap_encode(text, "strict", _CP1252_OR_LATIN1)[0]
        else:
            raw = text.translate(_CP1252_BYTES).encode("latin-1")
        repaired = raw.decode("utf-8")
    except UnicodeError:
        return False
    return _UNICODE_VIETNAMESE.search(repaired) is not None


# windows-1252's printable 0x80-0x9F characters → the Latin-1 code point of their byte.
_CP1252_BYTES = {
    ord(char): value
    for value in range(0x80, 0xA0)
    if (char := bytes([value]).decode("cp1252", errors="ignore"))
}
# The same as an encoding table: each byte is windows-1252's character, or Latin-1's where
# windows-1252 has none. It encodes as the dict and Latin-1 do, except for the C1 controls
# of the bytes that windows-1252 gives a character (Latin-1 encodes them too): text holding
# one takes the dict.
_CP1252_OR_LATIN1 = codecs.charmap_build(
    "".join(bytes([value]).decode("cp1252", errors="ignore") or chr(value) for value in range(256))
)
_SHADOWED_CONTROL = re.compile("[" + "".join(map(chr, _CP1252_BYTES.values())) + "]")
_CP1252_CHARACTER = re.compile("[" + "".join(map(chr, _CP1252_BYTES)) + "]")
_WORD_PIECE = re.compile(r"[^\W\d_]+")


def _syllable_score(text: str, converted: str) -> tuple[int, int]:
    """(valid, changed): words the conversion of ``text`` to ``converted`` changes, and how many
    of them are Vietnamese."""
    valid = changed = 0
    # Conversion never touches whitespace, so the words of input and output pair up.
    for word, new in zip(text.split(), converted.split(), strict=False):
        if new == word:
            continue
        # One-letter words (ở, à, ư) are real but prove nothing: a stray soft hyphen is one.
        pieces = [piece for piece in _WORD_PIECE.findall(new) if len(piece) > 1]
        if not pieces:
            continue
        changed += 1
        valid += all(is_vietnamese_syllable(piece) for piece in pieces)
        if changed == _MAX_SCORED_WORDS:
            break
    return valid, changed


# --- fonts ------------------------------------------------------------------------------

Font = tuple[str | None, bool]  # (legacy encoding or None for a Unicode font, upper-case)

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# A cheap test for "some rule sets a legacy font" (a CDN host like s1.vnecdn.net in a
# url() does not count: it is not inside a font declaration).
_LEGACY_FONT_IN_CSS = re.compile(r"font(?:-family)?\s*:[^;{}]*?(?:\.vn|vni)", re.IGNORECASE)
_FONT_DECLARATION = re.compile(r"(?<![\w-])font(-family)?\s*:\s*([^;]+)", re.IGNORECASE)
_FONT_SIZE = re.compile(
    r"^(?:[\d.]+[a-z%]*(?:/\S+)?|(?:xx?-)?(?:small|large)|medium|smaller|larger)$", re.IGNORECASE
)


class _FontMap:
    """Which font each element is set in, from ``face``, ``style`` and ``<style>`` rules."""

    def __init__(self, tree: LexborHTMLParser, styles: list[str] | None = None) -> None:
        self.css = _css_fonts(tree, styles)
        self.encodings: tuple[str, ...] = ()
        self._seen: dict[int, Font | None] = {}

    def font_of(self, node: LexborNode) -> Font | None:
        """The font the nearest declaring ancestor of ``node`` sets, or None."""
        path: list[int] = []
        parent = node.parent
        font: Font | None = None
        while parent is not None and parent.is_element_node:
            key = parent.mem_id
            if key in self._seen:
                font = self._seen[key]
                break
            path.append(key)
            family = self._family(parent)
            if family is not None:
                font = font_encoding(family)
                break
            parent = parent.parent
        for key in path:
            self._seen[key] = font
        if font and font[0] and font[0] not in self.encodings:
            self.encodings = (*self.encodings, font[0])
        return font

    def _family(self, element: LexborNode) -> str | None:
        # CSS precedence: inline style, then stylesheet rules, then the <font face> hint.
        attributes = element.attributes
        style = attributes.get("style")
        if style:
            family = _family_from_declarations(style)
            if family:
                return family
        family = self.css.get(element.mem_id)
        if family:
            return family
        face = attributes.get("face") if element.tag == "font" else None
        return _first_family(face) if face else None


def font_encoding(family: str) -> Font:
    """The legacy encoding a font family implies, and whether it draws capitals.

    ``.Vn*`` fonts are TCVN3 and those ending in H (``.VnTimeH``) are capitals-only;
    ``VNI*`` fonts are VNI; anything else is a Unicode font, ``(None, False)``.
    """
    name = "".join(family.split()).strip("'\"").upper()
    if name.startswith((".VN", "VNTIME", "VNARIAL")):
        return "tcvn3", name.endswith("H")
    if name.startswith("VNI"):
        return "vni", False
    return None, False


def _css_fonts(tree: LexborHTMLParser, styles: list[str] | None = None) -> dict[int, str]:
    """Element id → font family set on it by the page's ``<style>`` rules.

    Only worked out when some rule names a legacy font. Later rules win;
    selector specificity is ignored (old portals' CSS is simple).
    """
    sheets = styles if styles is not None else [style.text() for style in tree.css("style")]
    if not any(_LEGACY_FONT_IN_CSS.search(css) for css in sheets):
        return {}
    rules: list[tuple[str, str]] = []
    for css in sheets:
        for selectors, body in _CSS_RULE.findall(_CSS_COMMENT.sub("", css)):
            family = _family_from_declarations(body) if "font" in body.lower() else None
            if family:
                rules.append((selectors, family))
    fonts: dict[int, str] = {}
    for selectors, family in rules:
        for selector in selectors.split(","):
            selector = selector.strip()
            if not selector or selector.startswith("@"):
                continue
            try:
                matches = tree.css(selector)
            except SelectolaxError:
                continue
            for element in matches:
                fonts[element.mem_id] = family
    return fonts


def _family_from_declarations(declarations: str) -> str | None:
    """The first font family a CSS declaration block sets (the last declaration wins)."""
    family = None
    for match in _FONT_DECLARATION.finditer(declarations):
        value = match.group(2).replace("!important", "")
        if match.group(1):
            family = _first_family(value)
        else:
            # The shorthand: `font: bold 12pt/14pt .VnTime, serif`; the family follows the size.
            tokens = value.split(",")[0].split()
            sizes = [i for i, token in enumerate(tokens) if _FONT_SIZE.match(token)]
            family = _first_family(" ".join(tokens[sizes[-1] + 1 :] if sizes else tokens[-1:]))
    return family or None


def _first_family(value: str) -> str | None:
    first = value.split(",")[0].strip().strip("'\"").strip()
    return first or None


# --- syllables ---------------------------------------------------------------------------

_STRIP_TONES = dict.fromkeys(map(ord, TONE_MARKS))
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_OPEN_RHYME = (
    "oai|oay|oao|oeo|uây|uôi|ươi|ươu|iêu|yêu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|"
    "ui|ưi|ưu|ưa|ua|oa|oe|uê|uy|uơ|a|e|ê|i|o|ô|ơ|u|ư|y"
)
_CLOSED_NUCLEUS = "uyê|iê|yê|uô|ươ|oă|uâ|oo|ă|â|oa|oe|uê|uy|a|e|ê|i|o|ô|ơ|u|ư|y"
_SYLLABLE = re.compile(
    f"{_ONSET}(?:(?:{_OPEN_RHYME})|(?:{_CLOSED_NUCLEUS})(?P<coda>ng|nh|ch|c|m|n|p|t))"
)
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_STOP_TONES = frozenset("\u0301\u0323")  # a syllable ending in a stop takes only sắc or nặng


@lru_cache(maxsize=8192)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like one Vietnamese syllable (``người`` yes, ``Mỹller`` no).

    Onset + rhyme from the written inventory, at most one tone mark, and the rule
    that a syllable ending in c/ch/p/t carries sắc or nặng.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [char for char in decomposed if char in TONE_MARKS]
    if len(tones) > 1:
        return False
    match = _SYLLABLE.fullmatch(unicodedata.normalize("NFC", decomposed.translate(_STRIP_TONES)))
    if match is None:
        return False
    return not (tones and match.group("coda") in _STOP_CODAS and tones[0] not in _STOP_TONES)
