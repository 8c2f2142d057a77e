"""Cheaper ways to the same answers: each shortcut against the plain computation it replaces."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver.extract.dom import (
    BLOCK_TAGS,
    NOT_ELEMENT_IDS,
    SKIP_TAGS,
    TEXT_ID,
    Inside,
    _bold,
    first_tagged,
    has_text,
    in_any,
    link_chars,
    tag_ids,
    tagged,
)
from archiver.extract.metadata import read_metadata
from archiver.extract.page import cut_unread, load_page
from archiver.extract.vocabulary import UNKNOWN, Part, Vocabulary
from archiver.text import detect_language, words_of

_WORD = re.compile(r"\w+")

#: Letters, digits, the underscore, punctuation and spaces of several kinds (NBSP, the
#: ideographic space, a separator that ``str.split`` cuts at), Vietnamese and CJK letters,
#: combining marks and superscript digits (``isalnum`` true, ``isdecimal`` false).
_ALPHABET = "ab_1 \u00a0\u3000\x1c.,-'()đưƠ\u0301\u00b2\u2075文Ⅻ\t\n"


@given(st.text(alphabet=_ALPHABET, max_size=60))
@example("snake_case words, 1st_place and __init__")
@example("Hà Nội,TP.HCM—đồng/USD 2\u00b2 x\u0301 \u00a0 ")
def test_words_of_gives_the_words_of_the_regex(text: str) -> None:
    assert Counter(words_of(text)) == Counter(_WORD.findall(text))


def _detect_by_regex(text: str, sample: int) -> str | None:
    """detect_language as it was written before: every word of the sample tested in turn."""
    from archiver.text import _EN_WORDS, _VI_FOLDED, _VI_WORDS

    words = _WORD.findall(text[:sample].lower())
    if len(words) < 5:
        return None
    vi = sum(w in _VI_WORDS for w in words)
    vi_folded = sum(w in _VI_FOLDED for w in words)
    en = sum(w in _EN_WORDS for w in words)
    if vi >= 2 and vi >= en:
        return "vi"
    if vi_folded >= 3 and vi_folded > en:
        return "vi"
    return "en" if en >= 3 else None


_WORDS = st.sampled_from(
    "và của là không the of and to in is người trong_năm khi, đến. ra: that_for "
    "va cua la khong nguoi 2024 x_y".split()
)


@given(st.lists(_WORDS, max_size=40).map(" ".join), st.integers(min_value=5, max_value=200))
@example("The state, of the art and the rest", 1000)
@example("va cua la khong nguoi the of", 1000)
def test_detect_language_decides_as_counting_every_word(text: str, sample: int) -> None:
    assert detect_language(text, sample=sample) == _detect_by_regex(text, sample)


@pytest.mark.parametrize(
    ("markup", "links", "bold"),
    [
        ("<p>plain text only</p>", 0, False),
        ("<a href='/x'> a link alone </a>", 12, False),
        ("<b>  all bold </b>", 0, True),
        ("<strong>bold</strong>", 0, True),
        ("<p>text <a href='/x'>link</a> <b>more text</b></p>", 4, False),
        ("<a href='/x'><b>bold link</b></a>", 9, True),
        ("<p><b>Bold line</b></p>", 0, True),
        ("<p></p>", 0, False),
    ],
)
def test_link_and_bold_measures_on_elements_with_or_without_children(
    markup: str, links: int, bold: bool
) -> None:
    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    node = tree.body.child if tree.body is not None else None
    assert node is not None and node.is_element_node
    assert link_chars(node) == links == sum(len(a.text().strip()) for a in node.css("a"))
    assert _bold(node) is bold


def test_metadata_read_in_one_query_keeps_document_order_and_first_values() -> None:
    """The canonical link, the title and the ``<meta>`` tags come from one query: the first
    canonical link with an address counts, the first title, the first value of a name."""
    tree = LexborHTMLParser(
        """<html><head>
        <meta name="description" content="first">
        <link rel="Canonical" href="  ">
        <title>Page title</title>
        <link rel="alternate canonical" href="https://example.vn/a">
        <link rel="canonical" href="https://example.vn/b">
        <meta name="Description" content="second">
        <meta property="og:title" content="OG title">
        </head><body>
        <svg><title>icon</title></svg><title>late title</title>
        <meta itemprop="datePublished" datetime="2024-01-02" content="2024-01-02T08:00">
        <time pubdate datetime="2024-01-03">3</time>
        </body></html>"""
    )
    meta = read_metadata(tree)
    assert meta.canonical_url == "https://example.vn/a"
    assert meta.html_title == "Page title"
    assert meta.description == "first"
    assert meta.og_title == "OG title"
    assert meta.published == [
        ("meta itemprop=datePublished", "2024-01-02T08:00"),
        ("itemprop datetime", "2024-01-02"),
        ("itemprop datetime", "2024-01-03"),
    ]


#: Markup around the elements asked about: few elements (walked in Python) and many (queried).
_NESTED = [
    "<p>plain</p>",
    "<a href='/x'>link</a>",
    "<p>a <a href='/1'>b</a> <b>c</b> <i>d</i><em>e</em></p>",
    "<div><p><b>x</b></p><figure><img src='a.jpg'><p>cap</p></figure></div>",
    "<div>" + "<span><a href='/n'>n</a><b>b</b><img src='p.png'></span>" * 12 + "</div>",
    "<table><tr><td><strong>s</strong><table><tr><td>in</td></tr></table></td></tr></table>",
    "<ul class=gallery><li><figure><img><p>a</p></figure></li><li><div><p>b</p></div></li></ul>",
]
_SELECTORS = [
    *("a", "b, strong", "em, i", "img", "p", "hr", "p, div, table, ul, ol", "table"),
    *("tr", "li, figure", "p, div"),
]


@pytest.mark.parametrize("markup", _NESTED)
@pytest.mark.parametrize("selector", _SELECTORS)
def test_small_walks_find_what_the_query_finds(markup: str, selector: str) -> None:
    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    assert tree.body is not None
    tags = frozenset(selector.split(", "))
    for node in tree.body.css("*"):
        expected = [found.mem_id for found in node.css(selector)]
        assert [found.mem_id for found in tagged(node, tags, selector)] == expected
        first = first_tagged(node, tags, selector)
        assert (first.mem_id if first is not None else None) == (expected or [None])[0]


def test_inside_answers_as_in_any_for_every_element() -> None:
    tree = LexborHTMLParser(
        "<html><body><div id=a><p>1<b>2</b></p><div id=b><p>3</p><span>4</span></div></div>"
        "<aside><ul><li>5</li><li><a href=/>6</a></li></ul></aside><p>7</p></body></html>"
    )
    assert tree.body is not None
    nodes = tree.body.css("*")
    for chosen in ({"b"}, {"b", "aside"}, {"li"}, set()):
        ids = {n.mem_id for n in nodes if n.attributes.get("id") in chosen or n.tag in chosen}
        inside = Inside(ids)
        # (in reverse too: the answers kept from deep elements serve the shallow ones)
        for node in [*nodes, *reversed(nodes)]:
            assert inside(node) is in_any(node, ids)


@pytest.mark.parametrize(
    "markup",
    [
        "<div> \n\t </div>",
        "<div>\u00a0<span>\u3000</span><!-- comment text --></div>",
        "<div><span> </span>" + "<i> </i>" * 40 + "<b>late</b></div>",
        "<div>" + "<p> </p>" * 40 + "</div>",
        "<div><p>early</p>" + "<p> </p>" * 40 + "</div>",
        "<p>text</p>",
        "<div><img src='a.png'></div>",
    ],
)
def test_has_text_says_what_the_stripped_text_says(markup: str) -> None:
    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    assert tree.body is not None
    for node in tree.body.css("*"):
        assert has_text(node) is bool(node.text(deep=True).strip())


_ODD_NAMES = (
    "<!DOCTYPE html><html><body><o:p>office</o:p><app-step>custom</app-step><P>upper</P>"
    "<svg><a href=/s>in svg</a><foreignObject><div>f</div></foreignObject></svg>"
    "<math><mi>x</mi></math><x-p>p?</x-p><div-x>d</div-x><!-- note --><td>stray</td>"
    "<table><tr><td>cell</td></tr></table><font>f</font><center>c</center></body></html>"
)


def test_tag_numbers_answer_as_the_tag_names() -> None:
    """``tag_id in tag_ids(names)`` is ``tag in names`` for every node, custom elements,
    foreign content and namespaced names included, in documents parsed apart."""
    names = BLOCK_TAGS | SKIP_TAGS | {"a", "b", "span", "font", "p", "html"}
    numbers = tag_ids(names)
    for tree in (LexborHTMLParser(_ODD_NAMES), LexborHTMLParser("<p-x></p-x>" + _ODD_NAMES)):
        assert tree.root is not None
        nodes = [tree.root.parent, tree.root.prev, *tree.root.traverse(include_text=True)]
        for node in filter(None, nodes):
            assert (node.tag_id in numbers) is (node.tag in names), node.tag
            assert (node.tag_id in NOT_ELEMENT_IDS) is node.tag.startswith("-")
            assert (node.tag_id == TEXT_ID) is (node.tag == "-text")


def test_tag_numbers_refuse_names_lexbor_does_not_know() -> None:
    with pytest.raises(ValueError, match="app-step"):
        tag_ids(["p", "app-step"])


@pytest.mark.parametrize(
    "markup",
    [
        "<h1>a</h1><br><p>x<br/>y</p><template><br><h1>t</h1></template><svg><h1>z</h1></svg>",
        "<!--c--><html><head><br><title>x</title></head><body><BR><H1>q</H1></body></html><br>",
        "<p>no html element written<h1>late",
    ],
)
def test_document_tag_lists_are_the_queries_for_the_name(markup: str) -> None:
    """``tags`` (no selector parsed) lists what ``css`` lists for a tag name."""
    tree = LexborHTMLParser(markup)
    for name in ("h1", "br"):
        assert [n.mem_id for n in tree.tags(name)] == [n.mem_id for n in tree.css(name)]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<p>",
        b"a<b",
        b"<html><body><p>1 < 2</p><script>if (a<b) {}</script><svg><g/></svg><<<</body></html>",
        b"<div>" * 30 + b"<!-- <p> -->" + b"</div>" * 30 + b"<",
    ],
)
def test_cut_counts_at_least_the_tags_it_leaves(data: bytes) -> None:
    """The bound that spares counting the "<" of a page with few tags never undercounts."""
    cut = cut_unread(data)
    assert cut.tags_bound is not None and cut.tags_bound >= cut.data.count(b"<")


def _all_parts() -> list[tuple[Part, ...]]:
    from archiver.extract.dom import _HIDDEN_BY_NAME_PARTS
    from archiver.extract.metadata import _DATED_PARTS
    from archiver.extract.people import _AUTHOR_MARKS
    from archiver.extract.pipeline import _DESCRIPTION, _HEADLINE
    from archiver.extract.timestamps import DATE_PARTS

    return [_HIDDEN_BY_NAME_PARTS, _DATED_PARTS, _AUTHOR_MARKS, _DESCRIPTION, _HEADLINE, DATE_PARTS]


@pytest.mark.parametrize(
    "markup",
    [
        "<p>plain</p><time>today</time>",
        "<div ITEMPROP=headline>H</div><p ItemProp='description'>d</p><a rel=author>A</a>",
        "<time PubDate DateTime='2024-01-02'>x</time><span HIDDEN>h</span>",
        "<div Aria-Hidden=true><b>gone</b></div><span itemprop=author>B</span>",
        "<span data-role=publishdate>1/2</span><p class='&#104;idden'>ref</p>",
        "<p>itemprop datetime hidden in the text only</p><!-- itemprop=headline -->",
    ],
)
def test_queries_left_out_for_names_the_markup_lacks_matched_nothing(markup: str) -> None:
    """The selectors a page's vocabulary leaves out match nothing there: what is queried
    finds what the whole list finds, however the names are cased."""
    for data in (markup.encode(), ("<!DOCTYPE html>" + markup).encode("cp1252")):
        tree = LexborHTMLParser(data)
        vocabulary = Vocabulary.of(data)
        for parts in _all_parts():
            whole = [n.mem_id for n in tree.css(", ".join(p.selector for p in parts))]
            query = vocabulary.query(parts)
            found = [n.mem_id for n in tree.css(query)] if query else []
            assert found == whole, parts


def test_queries_for_names_a_page_lacks_are_left_out() -> None:
    parts = (Part("time"), Part("[itemprop=datePublished]", names=("itemprop",)))
    assert Vocabulary.of(b"<time>x</time><p class=itemProp>").query(parts) == (
        "time, [itemprop=datePublished]"
    )
    assert Vocabulary.of(b"<time>x</time><p class=item>").query(parts) == "time"
    assert UNKNOWN.query(parts) == "time, [itemprop=datePublished]"


def test_a_wide_page_is_queried_whole() -> None:
    page = load_page("<p ITEMPROP=headline>x</p>".encode("utf-16"))
    assert page.vocabulary is UNKNOWN
    assert load_page(b"<p>x</p>").vocabulary is not UNKNOWN


def test_names_are_folded_ascii() -> None:
    with pytest.raises(ValueError, match="itemProp"):
        Part("[itemProp]", names=("itemProp",))


@pytest.mark.parametrize(
    "markup",
    [
        "<div><p>Lượt xem: 1.234</p><p>other</p></div>",
        "<div><span>LƯỢT XEM</span><b>: 12</b><p>x</p><i>Views 3</i></div>",
        "<div><p>nothing to see</p></div>",
        "<div></div>",
    ],
)
def test_matching_texts_are_the_text_nodes_holding_the_pattern(markup: str) -> None:
    from archiver.extract.byline import VIEW_HINT
    from archiver.extract.dom import matching_texts, text_nodes

    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    scope = tree.css_first("div")
    assert scope is not None
    texts, hits = matching_texts(scope, VIEW_HINT)
    every = text_nodes(scope)
    expected = [i for i, text in enumerate(every) if VIEW_HINT.search(text.lower())]
    assert hits == expected
    assert texts == (every if expected else [])


_LABEL_PIECES = [
    "Tác giả",
    "TÁC GIẢ",
    "tác  giả",
    "Người viết",
    "NGƯỜI VIẾT",
    "Bài viết",
    "bài và ảnh",
    "Bài, ảnh",
    "Bài",
    "bài",
    "Tin, ảnh",
    "Thực hiện",
    "Người đăng",
    "Đăng bởi",
    "xbài",
    "Thái",
    "giả",
    "12",
    ":",
    "：",
    " ",
    "  ",
    "\n",
    "\x00",
    "\u00a0",
    "İ",
    "Σ",
    "Thu Hà",
    "Ngày đăng",
    "|",
    "15:20",
    "Lượt xem",
    ".",
    "bà",
    "i",
]


def _fixed_texts(pieces: list[str], count: int, longest: int) -> list[str]:
    """``count`` texts of up to ``longest`` of the ``pieces``, drawn at random from a fixed
    seed: the suite is deterministic."""
    import random

    rng = random.Random(20261207)
    return [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(count)
    ]


def test_label_positions_are_those_of_the_label_pattern_on_the_lower_cased_text() -> None:
    from archiver.extract.byline import BYLINE_LABEL_HINT, label_positions

    for text in _fixed_texts(_LABEL_PIECES, 5000, 14):
        expected = [m.start() for m in BYLINE_LABEL_HINT.finditer(text.lower())]
        assert label_positions(text) == expected, text


def _clean_as_before(text: str | None) -> str:
    """archiver.text.clean as it was written before: invisible characters searched with a
    regex in every text beyond ASCII, then NFC, then the white space collapsed."""
    import unicodedata

    from archiver.text import _INVISIBLE, _INVISIBLE_RE

    if not text:
        return ""
    if not text.isascii():
        if _INVISIBLE_RE.search(text):
            text = text.translate(_INVISIBLE)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


#: Pieces of the texts ``clean`` is given: words (Vietnamese precomposed and decomposed,
#: Latin-1), every invisible character, white space of many kinds (U+2000 and U+2001
#: change under NFC), combining marks that compose across a removed invisible character
#: or stand after a space, a private-use character and a control character.
_CLEAN_PIECES = [
    "Hà Nội",
    "tha\u0300nh",
    "e",
    "\u0301",
    "\u0323",
    "café",
    "ASCII",
    "đường",
    "文",
    *"\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e",
    *" \t\n\r\x0b\x0c\x1c\x85\u00a0\u1680\u2000\u2001\u2002\u2028\u202f\u205f\u3000",
    "  ",
    "\ue000",
    "\x01",
    "\u0340",
    "\u212b",
]


def test_clean_gives_what_it_gave_when_it_searched_every_text_for_invisible_characters() -> None:
    from archiver.text import clean

    for text in _fixed_texts(_CLEAN_PIECES, 20000, 12):
        assert clean(text) == _clean_as_before(text), ascii(text)


@pytest.mark.parametrize(
    "markup",
    [
        '<head><link rel="x\tCANONICAL" href="/t"><link rel="x\xa0canonical" href="/n">'
        '<link rel="x\x0bcanonical" href="/v"><link rel="\u212aanonical"><link rel>'
        "<meta content><meta name=a><meta name=b content=1></head>",
        "<svg><title>icon</title><meta content=s></svg><title>page</title>"
        "<template><title>t</title><meta content=t><link rel=canonical href=/t></template>"
        '<math><link rel="canonical" href="/m"></math><link rel="a  canonical\n" href="/x">',
    ],
)
def test_head_tags_are_those_of_the_head_query(markup: str) -> None:
    """``read_metadata`` reads the document's tag lists where it ran ``_HEAD_QUERY``: the
    same links, titles and ``<meta>`` tags with a value, in the same order."""
    from archiver.extract.metadata import _HEAD_QUERY, _is_canonical

    tree = LexborHTMLParser(markup)
    queried = tree.css(_HEAD_QUERY)
    assert [n.mem_id for n in tree.tags("link") if _is_canonical(n.attributes.get("rel"))] == [
        n.mem_id for n in queried if n.tag == "link"
    ]
    assert [n.mem_id for n in tree.tags("title")] == [n.mem_id for n in queried if n.tag == "title"]
    assert [n.mem_id for n in tree.tags("meta") if "content" in n.attributes] == [
        n.mem_id for n in queried if n.tag == "meta"
    ]


def test_collapsed_length_is_the_length_of_the_text_with_its_white_space_collapsed() -> None:
    from archiver.text import collapsed_length

    pieces = [" ", "\t", "\n", "\xa0", "\u2003", "\u200b", "ab", "Đà", "c", "."]
    for text in _fixed_texts(pieces, 5000, 12):
        assert collapsed_length(text) == len(" ".join(text.split())), repr(text)


def test_attribute_words_split_on_the_white_space_selectors_split_on_only() -> None:
    from archiver.extract.dom import attribute_words

    assert attribute_words(" entry-content\tpost\n\fbody\r ") == ["entry-content", "post", "body"]
    # NBSP and other Unicode spaces are part of a word, as in a class selector.
    assert attribute_words("a\xa0b c\u2003d") == ["a\xa0b", "c\u2003d"]
    assert attribute_words("") == []


class _CountedBytes(bytes):
    """Folded markup that counts the searches made in it."""

    searches = 0

    def __contains__(self, needle: object) -> bool:
        type(self).searches += 1
        return super().__contains__(needle)  # type: ignore[operator]


def test_a_name_holding_one_the_markup_never_writes_is_not_searched_for() -> None:
    vocabulary = Vocabulary(_CountedBytes(b"<p class=x data-rolex>"))
    assert vocabulary.may_name("role") is True
    assert vocabulary.may_name("itemprop") is False
    searched = _CountedBytes.searches
    assert vocabulary.may_name("data-itemprop") is False
    assert _CountedBytes.searches == searched  # (known from "itemprop")
    assert vocabulary.may_name("data-role") is True
    assert _CountedBytes.searches == searched + 1


def test_detect_language_counts_a_sample_of_more_words_than_a_field_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import archiver.text

    monkeypatch.setattr(archiver.text, "_FIELD", 4)
    for text in ("và của là không người và", "the of and to in is the", "va cua la khong nguoi"):
        assert detect_language(text) == _detect_by_regex(text, 1000)


@given(
    st.lists(
        st.sampled_from(
            "Comments COMMENTS kOMMENTARE commentaires Comentarios commenti التعليقات "
            "commenting omment OM ÖM ǑM ıom İom ſom the policy civil . , \u00a0".split(" ")
        ),
        max_size=12,
    ).map(" ".join)
)
@example("Readers' COMMENTS are moderated per our policy")
@example("التعليقات سياسة")
def test_comment_words_are_searched_only_where_their_mark_stands(text: str) -> None:
    from archiver.extract.body import _COMMENTS_WORD, _may_name_comments

    if _COMMENTS_WORD.search(text):
        assert _may_name_comments(text.lower(), text)


@given(st.binary(max_size=40), st.integers(0, 45), st.integers(0, 45))
@example(b'<script type="application/LD+JSON">', 0, 35)
@example(b'<script type="text/x+y">', 0, 24)
def test_json_ld_scripts_are_told_as_by_searching_the_lower_cased_tag(
    tag: bytes, start: int, end: int
) -> None:
    from archiver.extract.page import _declares_json_ld

    data = b"<p>" + tag.replace(b"\x00", b"+") + b"ld+JSON</p>"
    assert _declares_json_ld(data, start, end) == (b"ld+json" in data[start:end].lower())


@pytest.mark.parametrize(
    ("data", "kept", "json_ld", "complete"),
    [
        # A comment's opening inside a script's string is the script's: cut with it.
        (
            b'<p>a</p><script>var x="<!-- <p>no</p>";</script><p>b</p><!-- c --><p>d</p>',
            b"<p>a</p><p>b</p><p>d</p>",
            [],
            True,
        ),
        # An svg ends at its first closing tag (a space for the icon); the outer one's is
        # left to the parser.
        (b"<p>a</p><svg><svg><g/></svg></svg><p>b</p>", b"<p>a</p> </svg><p>b</p>", [], True),
        # A noscript holding paragraphs loses its opening tag only; a pixel's goes whole.
        (
            b"<noscript><p>one</p><p>two</p><img src=x></noscript><p>c</p>",
            b"<p>one</p><p>two</p><img src=x></noscript><p>c</p>",
            [],
            True,
        ),
        (b"<noscript><img src=pixel></noscript><p>c</p>", b"<p>c</p>", [], True),
        # Unclosed: everything from it on is left to the tree.
        (
            b"<p>a</p><script>never closed <p>b</p>",
            b"<p>a</p><script>never closed <p>b</p>",
            [],
            False,
        ),
        # JSON-LD in any case is kept; another type with a "+" is not.
        (
            b'<script type="application/LD+JSON">{}</script><script type="text/x+y">1</script>'
            b"<p>a</p>",
            b"<p>a</p>",
            [b"{}"],
            True,
        ),
    ],
)
def test_cut_edge_cases_give_what_the_cut_gave(
    data: bytes, kept: bytes, json_ld: list[bytes], complete: bool
) -> None:
    cut = cut_unread(data)
    assert (cut.data, cut.json_ld, cut.complete) == (kept, json_ld, complete)


@pytest.mark.parametrize("at", [1020, 1021, 1022, 1023, 1024])
def test_a_page_is_wide_when_its_first_kilobyte_holds_a_wide_angle_bracket(at: int) -> None:
    data = b" " * at + b"<\x00p\x00>\x00"
    assert cut_unread(data).ascii == (b"<\x00" not in data[:1024] and b"\x00<" not in data[:1024])


@pytest.mark.parametrize(
    "markup",
    [
        "<img class='wp-image-5' src=a.jpg>",
        "<p><img class='x wp-image-3'><img class=b></p>",
        "<p><img class='WP-IMAGE-5'></p>",
        "<p><span class='wp-image-1'>not a picture</span><img></p>",
        "<figure><a><img class='size-large wp-image-9'></a></figure>",
        "<div>" + "<span><b>x</b></span>" * 6 + "<img class='wp-image-2'></div>",
        "<div>" + "<span><b>x</b></span>" * 6 + "<img class='wp-imag'></div>",
    ],
)
def test_self_captioned_pictures_are_found_as_the_query_finds_them(markup: str) -> None:
    from archiver.extract.captions import _SELF_CAPTIONED, _self_captioned

    tree = LexborHTMLParser(f"<html><body>{markup}</body></html>")
    assert tree.body is not None
    for node in tree.body.css("*"):
        assert _self_captioned(node) == (node.css_first(_SELF_CAPTIONED) is not None)


def _tag_starts_by_bytes(data: bytes) -> tuple[list[int], list[int], int]:
    """What ``page._tag_starts`` answers, read one byte at a time: every "<" before the last
    three bytes, an opening where the next two bytes (bit 0x20 set) start one of the cut
    names, "<!-" or "ruby", a closing where "/" (so set) precedes two such bytes."""
    from archiver.extract.page import CUT_TAGS

    pairs = {(ord(n[0]), ord(n[1])) for n in ("!-", *CUT_TAGS, "ruby")}
    openings, closings, starts = [], [], 0
    for at in range(max(len(data) - 3, 0)):
        if data[at] != ord("<"):
            continue
        starts += 1
        first, second, third = (b | 0x20 for b in data[at + 1 : at + 4])
        if (first, second) in pairs:
            openings.append(at)
        if first == ord("/") and (second, third) in pairs:
            closings.append(at)
    return openings, closings, starts + 3


_TAG_BYTES = st.sampled_from([*b"<</!-sScRiptyl VvGgRuUbB\x0f\x1c>\x80\xff\x00"])


@given(st.lists(_TAG_BYTES, max_size=60).map(bytes), st.integers(0, 17))
@example(b"<script><svg></SCRIPT><!-- -->", 0)
@example(b"<sc", 0)
@example(b"<sv\x0f", 8)  # a "<" in the last word, the three bytes after it the page's last
@example(b"</\x0fuby", 5)  # 0x0F folds to "/"
def test_tag_starts_are_the_angle_brackets_read_byte_by_byte(body: bytes, pad: int) -> None:
    """The "<" are found a machine word at a time, then within the words holding one, and the
    three bytes after each read as one number: the answer is the byte-by-byte one, for "<"
    at any place in a word, in the last bytes past the last whole word, and at the end."""
    from archiver.extract.page import _tag_starts

    data = b"x" * pad + body
    assert _tag_starts(data) == _tag_starts_by_bytes(data)


#: Pieces of short lines with and without a credit: the credit words in several cases
#: (and dotless and dotted i's, which match "i" case-blind), colons of both widths, times,
#: white space of several kinds, the marks before a credit, and the "!?:" a tail refuses.
_CREDIT_PIECES = [
    "Ảnh", "ảnh", "VIDEO", "vıdeo", "Clip", "đồ họa", "đồ hoạ", "ảnh minh họa", "Photo",
    "nguồn", "Nguồn", ":", "：", "15:20", " ", "  ", "\u00a0", "\n", "\t", "(", ")", ".",
    "!", "?", " - ", "Hải Long", "TTXVN", "x",
]  # fmt: skip


def test_credited_line_answers_as_the_credit_search() -> None:
    from archiver.extract.content import _CREDIT_TAIL, _MAX_CAPTION, credited_line

    for text in _fixed_texts(_CREDIT_PIECES, 20000, 12):
        expected = (
            len(text) < _MAX_CAPTION and ":" in text[-64:] and bool(_CREDIT_TAIL.search(text))
        )
        assert credited_line(text) == expected, text


def test_credit_words_end_in_no_other_character_case_blind() -> None:
    """The credit pre-check reads the last character before the last colon: every
    character the credit search takes for a word's last letter is in its set."""
    import sys

    from archiver.extract.content import _CREDIT_ENDS

    last_letters = re.compile("[hopaạn]", re.IGNORECASE)
    taken = {chr(c) for c in range(sys.maxunicode + 1) if last_letters.fullmatch(chr(c))}
    assert taken == _CREDIT_ENDS


#: Digits (ASCII, Arabic-Indic, full-width), separators, white space of several kinds
#: (one space is what the mark's ``\s?`` takes, two are too many) and letters.
_MARK_ALPHABET = "12\u0663\uff15/-  \u00a0\u3000\tađ.:"


@given(st.text(alphabet=_MARK_ALPHABET, max_size=40))
@example("1-2-3-4")
@example("12/05/2025 - 04 - 07 1 -2 1- 2 1 - 2")
@example("-1/2")
def test_digit_marks_start_where_the_mark_pattern_matches(text: str) -> None:
    from archiver.extract.timestamps import _DIGIT_MARK, _digit_marks

    assert _digit_marks(text) == [m.start() for m in _DIGIT_MARK.finditer(text)]


#: Pieces of region texts: the view words and their leads in several cases, spaces of
#: several kinds (runs between "lượt" and its word), the "İ" that lower-cases to two
#: characters, and the words' near misses.
_VIEW_PIECES = [
    "Lượt", "lượt", "LẦN", "lần", "xem", "XEM", "đọc", "Đọc", "truy cập", "view", "Views",
    "hit", "HITS", "đã", "Đã xem", ":", " ", "  ", "\u00a0", "\n", "\u3000", "İ", "x",
    "e", "1.234", "viewer", "Xem thêm", "|",
]  # fmt: skip


def test_view_hint_positions_are_those_of_the_pattern_on_the_lower_cased_text() -> None:
    from archiver.extract.byline import VIEW_HINT, view_hint_positions

    for text in _fixed_texts(_VIEW_PIECES, 20000, 12):
        expected = [m.start() for m in VIEW_HINT.finditer(text.lower())]
        assert view_hint_positions(text) == expected, text
