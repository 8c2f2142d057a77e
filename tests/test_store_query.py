"""Search syntax: folded, quoted FTS5 strings out; friendly QueryErrors for mistakes."""

from __future__ import annotations

import pytest

from archiver.errors import QueryError
from archiver.store.query import parse


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("da nang", '("da" AND "nang")'),
        ("Đà Nẵng", '("da" AND "nang")'),
        ('"Thủ tướng"', '"thu tuong"'),
        ("bão OR lũ", '("bao" OR "lu")'),
        ("bão AND lũ NOT Huế", '("bao" AND ("lu" NOT "hue"))'),
        ("thu*", '"thu"*'),
        ('"thủ tướ"*', '"thu tuo"*'),
        ("(bão OR lũ) miền Trung", '(("bao" OR "lu") AND "mien" AND "trung")'),
        ("title:Đà", 'title : "da"'),
        ('lead:"hài lòng"', 'lead : "hai long"'),
        ("body:(a OR b)", '(body : "a" OR body : "b")'),
        ("covid-19", '"covid 19"'),
        ("and or not", '("and" AND "or" AND "not")'),
    ],
)
def test_queries_become_folded_quoted_fts5(typed, fts):
    assert parse(typed).fts == fts


def test_plain_word_runs_are_also_looked_up_as_a_phrase():
    query = parse("da nang")
    assert query.phrase is not None and query.phrase.fts() == '"da nang"'
    assert [term.words for term in query.positive_terms] == [("da", "nang"), ("da",), ("nang",)]
    assert parse("da OR nang").phrase is None
    assert parse("thu* tuong").phrase is None


def test_excluded_words_are_not_highlighted():
    assert [t.words for t in parse("bão NOT lũ").positive_terms] == [("bao",)]


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ('"thủ tướng', "unbalanced quote"),
        ("(bão OR lũ", "'(' without a matching ')'"),
        ("bão) lũ", "')' without a matching '('"),
        ("AND bão", "AND needs a word or phrase on each side"),
        ("bão OR", "OR needs a word or phrase after it"),
        ("NOT bão", "NOT needs a word before it"),
        ("bão NOT", "NOT needs a word or phrase after it"),
        ("()", "empty parentheses"),
        ("   ", "empty query"),
        ("!!! ---", "nothing to search for"),
        ("title:", "title: must be followed by a word or phrase"),
    ],
)
def test_mistakes_get_a_line_saying_what_to_type(typed, advice):
    with pytest.raises(QueryError) as caught:
        parse(typed)
    assert advice in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sql_and_fts_syntax_in_a_query_stay_inside_quoted_terms():
    fts = parse("x'; DROP TABLE articles; -- NEAR(a b) col:*").fts
    assert (
        fts == '("x" AND "drop" AND "table" AND "articles" AND "near" AND ("a" AND "b") AND "col"*)'
    )


def test_exact_matching_compares_diacritics_but_not_case_or_tone_placement():
    term = parse('"hòa bình"').root
    assert term.exact("Hoà Bình")
    assert term.exact("HÒA BÌNH")
    assert not term.exact("hoa bình")
