"""Ranking by the rarer words: the same matches, the most relevant article still first."""

from __future__ import annotations

import pytest

from archiver.store import Archive
from archiver.store import search as search_module
from archiver.store.query import parse
from archiver.store.search import scoring_terms
from store_support import page

# Every brief says "năm nay", "Việt Nam", "giá vàng" and "đã": in a real archive such
# words are in most articles, and bm25 gives them (next to) no weight.
BRIEF = (
    "Năm nay kinh tế Việt Nam đã tăng {n} phần trăm, giá vàng trong nước ổn định. "
    "Ngân hàng điều chỉnh lãi suất kỳ hạn {n} tháng."
)
COMMON = [
    page(f"https://laodong.vn/tin-{n}.htm", BRIEF.format(n=n), title=f"Bản tin số {n}", site="ld")
    for n in range(1, 25)
]
GOLD = (
    "Giá vàng ở Đà Nẵng tăng mạnh",
    "Sáng nay giá vàng miếng tại các cửa hàng ở Đà Nẵng tăng mạnh, người mua xếp hàng dài. "
    "Năm nay giá vàng ở Việt Nam đã nhiều lần lập đỉnh.",
)
TRAVEL = (
    "Du lịch Việt Nam năm nay",
    "Khách quốc tế đến Việt Nam năm nay đã tăng, nhiều nhất ở Hà Nội, Huế, Đà Nẵng và "
    "Phú Quốc. Giá vàng không ảnh hưởng đến du lịch.",
)
STORM = (
    "Bão Yagi đổ bộ miền Bắc",
    "Bão Yagi mạnh cấp 12 đã đổ bộ vào Quảng Ninh và Hải Phòng. Năm nay là năm bão Yagi "
    "gây thiệt hại lớn nhất cho Việt Nam.",
)
MENTION = (
    "Thị trường cuối tuần",
    "Giá vàng đi ngang. Năm nay ở Việt Nam, sau bão Yagi, giá rau đã tăng.",
)


QUERIES = [
    ("giá vàng Đà Nẵng", GOLD[0]),
    ("gia vang da nang", GOLD[0]),
    ("bão Yagi", STORM[0]),
    ("yagi", STORM[0]),
    ("Việt Nam năm nay", TRAVEL[0]),
    ("du lich viet nam", TRAVEL[0]),
    ("title:vang nang", GOLD[0]),
    ('"bao yagi" OR "gia vang"', STORM[0]),
]


@pytest.mark.parametrize(("query", "best"), QUERIES)
def test_common_words_left_out_of_the_score_keep_the_matches_and_the_best_first(
    archive, monkeypatch, query, best
):
    # Every word scored: bm25 of the whole query, as before.
    monkeypatch.setattr(search_module, "SCORED_SHARE", 1.0)
    everything = archive.search(query, limit=100)
    # A share read from the 3rd match of each end: the briefs' words count as common.
    monkeypatch.setattr(search_module, "SHARE_PROBE", 3)
    monkeypatch.setattr(search_module, "SCORED_SHARE", 0.5)
    rarer = archive.search(query, limit=100)
    assert {hit.article_id for hit in rarer} == {hit.article_id for hit in everything}
    assert rarer[0].title == everything[0].title == best


def save_all(target):
    pages = [
        page(f"https://vnexpress.net/{n}.html", body, title=title, site="vnexpress")
        for n, (title, body) in enumerate((GOLD, TRAVEL, STORM, MENTION))
    ]
    with Archive(target) as opened:
        opened.save_many([*COMMON, *pages])


@pytest.fixture(scope="module")
def archive(module_db_target):
    save_all(module_db_target)
    with Archive(module_db_target, readonly=True) as reader:
        yield reader


def test_the_share_of_a_word_is_high_only_if_it_is_common_at_both_ends(tmp_path, monkeypatch):
    # SQLite reads it off FTS5's lists.
    save_all(tmp_path / "archive.db")
    monkeypatch.setattr(search_module, "SHARE_PROBE", 3)
    query = parse("năm yagi đà nẵng")
    with Archive(tmp_path / "archive.db", readonly=True) as archive:
        shares = search_module._shares(archive.conn, query)
    by_word = {term.words[0]: share for term, share in shares.items()}
    assert by_word["nam"] > 0.5 and by_word["da"] > 0.5  # in every article
    # Yagi is in 2 of the 3 newest articles, but not near the oldest: not common.
    assert by_word["yagi"] <= 0.5
    assert by_word["nang"] <= 0.5  # 3 of 28 articles
    assert [term.words for term in scoring_terms(query, shares)] == [("yagi",), ("nang",)]


def test_a_side_of_an_or_made_of_common_words_still_scores(archive, monkeypatch):
    monkeypatch.setattr(search_module, "SHARE_PROBE", 3)
    hits = archive.search('"bao yagi" OR "gia vang"', limit=100)
    # Among the articles saying only "giá vàng", the one with it in its title comes first.
    only_gold = [hit.title for hit in hits if "yagi" not in (hit.snippet + hit.title).lower()]
    assert only_gold[0] == GOLD[0]


def test_a_query_of_common_words_finds_the_title_first_then_the_lead(archive, monkeypatch):
    monkeypatch.setattr(search_module, "SHARE_PROBE", 3)
    hits = archive.search("gia vang", limit=100)  # in every article but one
    assert hits[0].title == GOLD[0]
    if archive.database.engine == "sqlite":
        # In the title (weight 10); then the others, in the lead (weight 2: these briefs
        # are one paragraph), newest first.
        assert hits[0].score == 10.0
        assert {hit.score for hit in hits[1:]} == {2.0}
        rest = [hit.article_id for hit in hits[1:]]
        assert rest == sorted(rest, reverse=True)


def shares_of(query, **shares):
    return {term: shares[term.words[0]] for term in search_module._words(query.root) if term}


def test_scoring_words_are_the_rare_ones_and_none_when_all_are_common():
    query = parse("viet nam yagi")

    def scored(**shares):
        return [term.words for term in scoring_terms(query, shares_of(query, **shares))]

    assert scored(viet=0.9, nam=0.95, yagi=0.01) == [("yagi",)]
    assert scored(viet=0.3, nam=0.95, yagi=0.6) == [("viet",)]
    assert scored(viet=0.9, nam=0.95, yagi=0.6) == []  # ordered by column instead
    # Every word scored and nothing but words: the query's own bm25.
    assert scoring_terms(query, shares_of(query, viet=0.1, nam=0.2, yagi=0.01)) is None


def test_every_side_of_an_or_keeps_a_scoring_word():
    query = parse("(viet nam) OR (gia vang) OR yagi")  # the rarest of each side
    shares = shares_of(query, viet=0.9, nam=0.95, gia=0.8, vang=0.7, yagi=0.01)
    assert [term.words for term in scoring_terms(query, shares)] == [
        ("viet",),
        ("vang",),
        ("yagi",),
    ]


def test_phrases_score_by_their_words_and_prefixes_never_score():
    query = parse('"viet nam" thu* title:bao')
    scored = scoring_terms(query, shares_of(query, viet=0.1, nam=0.9, bao=0.2))
    assert [(t.words, t.column) for t in scored] == [(("viet",), None), (("bao",), "title")]
    assert scoring_terms(parse("thu* OR nguy*"), {}) is None  # prefixes only: the whole query


def test_postgresql_reads_the_shares_of_words_from_its_statistics(pg_url):
    from archiver.store.postgres import fts

    with Archive(pg_url) as archive:
        stories = [
            page(f"https://vnexpress.net/{n}.html", body, title=title)
            for n, (title, body) in enumerate((STORM, GOLD))
        ]
        archive.save_many([*COMMON, *stories])
        archive.conn.execute("ANALYZE articles")
        query = parse("năm yagi")
        by_word = {term.words[0]: s for term, s in fts.shares(archive.conn, query).items()}
        assert by_word["nam"] == 1.0
        assert by_word["yagi"] < 0.1
        assert [term.words for term in scoring_terms(query, fts.shares(archive.conn, query))] == [
            ("yagi",)
        ]
        assert archive.search("năm yagi")[0].title == STORM[0]
        # Common words only: the title first (10), then the lead (2), newest first.
        hits = archive.search("gia vang", limit=100)
        assert (hits[0].title, hits[0].score) == (GOLD[0], 10.0)
        assert {hit.score for hit in hits[1:]} == {2.0}
        rest = [hit.article_id for hit in hits[1:]]
        assert rest == sorted(rest, reverse=True)
