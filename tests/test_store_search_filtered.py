"""Filtered search: the newest matches passing the filters, ranked by bm25, as one SQL says."""

from __future__ import annotations

import itertools

import pytest

from archiver.store import Archive
from archiver.store import search as search_module
from archiver.store.query import parse
from store_support import page

SITES = ("vnexpress", "dantri", "tuoitre")
WORDS = ("bão", "lũ", "mưa", "nắng", "mư*", "bã*", "lu*")


def body(n: int) -> str:
    # Words repeated a varying number of times: varied scores, and articles alike in
    # every count (same length, same words) to score exactly alike.
    rain = " ".join(["mưa lớn"] * (1 + n % 3))
    storm = " ".join(["bão"] * (1 + n % 4))
    extra = "lũ quét ở miền núi" if n % 5 == 0 else "nắng nóng kéo dài"
    return f"Bản tin thời tiết mã {n}: {rain}, {storm}; {extra}."


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("filtered") / "archive.db"
    pages = [
        page(
            f"https://{SITES[n % 3]}.vn/tin-{n}.html",
            body(n),
            title=f"Thời tiết ngày {n}",
            site=SITES[n % 3],
            published_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
        )
        for n in range(240)
    ]
    with Archive(path) as opened:
        opened.save_many(pages)
    with Archive(path, readonly=True) as reader:
        yield reader


def expected(archive, word, window, site=None, since=None):
    """The newest ``window`` matches passing the filters, best bm25 first, equal scores by id."""
    clauses, params = search_module.article_filters(site, since, None, None)
    passing = {
        row[0]
        for row in archive.conn.execute(
            "SELECT a.id FROM articles a" + (" WHERE " + " AND ".join(clauses) if clauses else ""),
            params,
        )
    }
    weights = ", ".join(map(str, search_module.WEIGHTS))
    matches = archive.conn.execute(
        f"SELECT rowid, bm25(articles_fts, {weights}) FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC",
        (parse(word).fts,),
    ).fetchall()
    newest = [row for row in matches if row[0] in passing][:window]
    return [row[0] for row in sorted(newest, key=lambda row: (row[1], row[0]))]


@pytest.mark.parametrize("window", [5, 40, 5_000])
@pytest.mark.parametrize(
    ("site", "since"),
    [
        (None, None),
        ("dantri", None),  # a third of the archive
        ("dantri", "2024-06"),  # a sixth of it, spread over its whole range
        (None, "2024-12"),  # a twelfth
        ("tuoitre", "2024-12"),  # a handful
        ("tuoitre", "2025-01"),  # nothing
    ],
)
@pytest.mark.parametrize("word", WORDS)
def test_a_filtered_search_ranks_the_newest_matches_passing_the_filters(
    archive, monkeypatch, word, site, since, window
):
    monkeypatch.setattr(search_module, "CANDIDATES", window)
    hits = archive.search(word, site=site, since=since, limit=300)
    assert [hit.article_id for hit in hits] == expected(archive, word, window, site, since)


@pytest.mark.parametrize("word", ["bão", "bã*"])
def test_articles_scoring_alike_come_in_the_order_of_their_ids(archive, word):
    hits = archive.search(word, site="dantri", limit=300)
    scores = [hit.score for hit in hits]
    assert len(set(scores)) < len(scores)  # (the archive holds such ties)
    for before, after in itertools.pairwise(hits):
        if before.score == after.score:
            assert before.article_id < after.article_id
