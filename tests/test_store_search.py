"""Search: accent- and đ-insensitive matching, bm25 ranking, snippets of original text, filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from archiver.errors import QueryError
from archiver.store import Archive
from archiver.store import search as search_module
from store_support import OTHER_STORY, T0, page

EXTRA = (
    "Chị Lan, một người dân ở Huế, nói: “Tôi chưa bao giờ thấy nước lên nhanh như vậy.” "
    "Nhiều hộ gia đình phải dời đồ đạc lên tầng hai trong đêm."
)


# Unrelated briefs, so that word statistics (bm25's IDF) look like a real archive's.
FILLER = [
    page(
        f"https://laodong.vn/tin-{n}.htm",
        f"Bản tin số {n}: giá vàng trong nước biến động, ngân hàng điều chỉnh lãi suất kỳ hạn "
        f"{n} tháng. Thị trường chứng khoán tăng {n} điểm trong phiên giao dịch.",
        title=f"Bản tin kinh tế số {n}",
        site="laodong",
        when=T0 - timedelta(days=1),
    )
    for n in range(1, 41)
]


@pytest.fixture(scope="module")
def archive(module_db_target):
    path = module_db_target
    with Archive(path) as opened:
        opened.save_many(
            [
                *FILLER,
                page("https://vnexpress.net/a-1.html"),
                page(
                    "https://dantri.com.vn/b-2.htm",
                    OTHER_STORY,
                    title="Mưa lớn ở Nghệ An",
                    site="dantri",
                    author="Đỗ Thị Lập",
                    published_at="2023-11-20T07:00:00+07:00",
                ),
                page(
                    "https://tuoitre.vn/c-3.htm",
                    EXTRA,
                    title="Nước lên nhanh ở Huế",
                    site="tuoitre",
                    author="Nhóm PV",
                    published_at="2024-02-01T10:00:00+07:00",
                ),
                page(
                    "https://thanhnien.vn/d-4.htm",
                    "Ông Thuỷ cho biết đã đi qua cảng Đà Nẵng nhiều lần. Năm nay đã khác.\n\n"
                    "Những chuyến tàu chở hàng ra vào tấp nập, công nhân làm việc cả ngày lẫn "
                    "đêm để kịp tiến độ giao hàng cho các đối tác ở châu Âu và Nhật Bản.",
                    title="Chuyện ở cảng",
                    site="thanhnien",
                    author="Anh Thúy",
                    published_at="2024-03-10T10:00:00+07:00",
                    when=T0 + timedelta(days=5),
                ),
            ]
        )
    with Archive(path, readonly=True) as reader:
        yield reader


def titles(hits):
    return [hit.title for hit in hits]


@pytest.mark.parametrize(
    "typed",
    ["da nang", "Đà Nẵng", "DA NANG", "thu tuong", "hai long", '"hài lòng"', "tướng*"],
)
def test_folded_queries_find_text_with_diacritics_and_d_stroke(archive, typed):
    assert "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng" in titles(archive.search(typed))


def test_a_phrase_in_the_title_ranks_above_scattered_words(archive):
    hits = archive.search("da nang")
    assert hits[0].title == "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng"
    assert "Chuyện ở cảng" in titles(hits)  # "đã ... năng": both words, not the phrase
    assert hits[0].score > hits[-1].score > 0


def test_snippets_show_original_text_with_the_matches_marked(archive):
    hit = archive.search("hai long")[0]
    assert "rất hài lòng với tiến độ" in hit.snippet
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["hài lòng"]
    assert "**hài lòng**" in hit.marked()


def test_a_long_body_gives_a_window_around_the_match(archive):
    hit = archive.search('"kinh te bien"')[0]
    assert hit.snippet.startswith("… ")
    assert "**kinh tế biển**" in hit.marked()
    assert len(hit.snippet) <= search_module.SNIPPET_CHARS + 4


def test_exact_keeps_only_the_diacritics_typed_and_ignores_tone_placement(archive):
    assert titles(archive.search("thuy")) == ["Chuyện ở cảng"]
    hits = archive.search("Thủy", exact=True)  # the page says "Thuỷ" (new placement)
    assert titles(hits) == ["Chuyện ở cảng"]
    assert [hits[0].snippet[s:e] for s, e in hits[0].highlights] == ["Thuỷ"]
    assert archive.search("Thúy", exact=True) == []  # Thúy is only the author
    assert titles(archive.search("da nang", exact=True)) == []
    assert set(titles(archive.search("Đà Nẵng", exact=True))) == {
        "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng",
        "Chuyện ở cảng",
    }


def test_boolean_operators_and_prefixes(archive):
    assert set(titles(archive.search('"mua lon" OR "nuoc len"'))) == {
        "Mưa lớn ở Nghệ An",
        "Nước lên nhanh ở Huế",
    }
    assert set(titles(archive.search("nguoi dan NOT hue"))) == {
        "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng",
        "Mưa lớn ở Nghệ An",
    }
    assert titles(archive.search("title:hue")) == ["Nước lên nhanh ở Huế"]


def test_filters_by_site_period_and_author(archive):
    assert titles(archive.search("nguoi dan", site="dantri")) == ["Mưa lớn ở Nghệ An"]
    assert titles(archive.search("nguoi", until="2023")) == ["Mưa lớn ở Nghệ An"]
    assert set(titles(archive.search("nguoi", since="2024-02", until="2024-02"))) == {
        "Nước lên nhanh ở Huế"
    }
    assert titles(archive.search("nguoi", author="do thi lap")) == ["Mưa lớn ở Nghệ An"]
    assert titles(archive.search("cang", author="thuy")) == ["Chuyện ở cảng"]


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("nguoi", {"site": "tuoitre"}),
        ("ban tin", {"site": "laodong"}),
        ("ban tin", {"site": "laodong", "since": "2024", "until": "2024"}),
        ("nguoi OR cang", {"since": "2024-01"}),
        ("da nang", {"site": "thanhnien", "since": "2024-03-01"}),
        ("nguoi", {"site": "nowhere"}),
        ("nguoi", {"since": "2031"}),
    ],
)
def test_site_and_date_filters_keep_exactly_the_unfiltered_hits_that_pass(archive, query, options):
    def passes(hit):
        site, published = options.get("site"), hit.published_at or ""
        since = options.get("since")
        return (
            (site is None or hit.site == site)
            and (since is None or published[: len(since)] >= since)
            and ("until" not in options or published[:4] <= options["until"])
        )

    expected = [h.url for h in archive.search(query, limit=1000) if passes(h)]
    assert [h.url for h in archive.search(query, limit=1000, **options)] == expected
    assert archive.search("cang", author="thu") == []  # whole words of the name only


def test_only_the_newest_matches_are_ranked_when_a_word_is_everywhere(archive, monkeypatch):
    monkeypatch.setattr(search_module, "CANDIDATES", 2)
    everywhere = archive.search("ban OR nguoi OR cang", limit=100)
    assert len(everywhere) == 2
    newest = archive.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    assert {hit.article_id for hit in everywhere} == {newest, newest - 1}


@pytest.mark.parametrize("typed", ['"da nang', "AND", "(a", "NOT a"])
def test_fts_syntax_errors_become_query_errors(archive, typed):
    with pytest.raises(QueryError):
        archive.search(typed)


def test_bad_limits_and_dates_are_query_errors(archive):
    with pytest.raises(QueryError, match="--limit"):
        archive.search("a", limit=0)
    with pytest.raises(QueryError, match="--since"):
        archive.search("a", since="tháng 3")
    with pytest.raises(QueryError, match="not a real date"):
        archive.search("a", until="2024-02-30")


def test_injection_attempts_match_nothing_and_change_nothing(archive):
    assert archive.search("x'; DROP TABLE articles; --") == []
    assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(FILLER) + 4


def test_search_works_on_text_outside_the_fast_code_page(db_target):
    with Archive(db_target) as archive:
        archive.save(
            *page(
                "https://a.vn/1",
                "Đoàn đến Ελλάδα và 中国 rồi về Đà Nẵng hôm qua.",
                title="Chuyến đi",
            )
        )
        hit = archive.search("da nang")[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Đà Nẵng"]


def test_unrelated_stories_are_not_returned(archive):
    assert titles(archive.search("cau cang")) == ["Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng"]


def test_filtered_searches_interleaved_on_one_connection_leave_no_temporary_table(archive):
    from archiver.store.search import iter_search

    if archive.database.engine != "sqlite":
        pytest.skip("SQLite's filtered search and its temporary tables")
    first = iter_search(archive.conn, "nguoi", site="tuoitre", limit=5)
    second = iter_search(archive.conn, "ban tin", site="laodong", since="2020", limit=50)
    assert next(first).title == "Nước lên nhanh ở Huế"
    assert len(list(second)) == 40
    assert list(first) == []
    temp = archive.conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'")
    assert temp.fetchall() == []
