"""A batch is saved as its saves one at a time would be: the batch-wide work (signatures
computed together, dedup keys and LSH buckets read once per batch) changes no decision
and no stored byte."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.store import Archive
from archiver.store.dedup import (
    _CUT,
    _FMIX_1,
    _FMIX_2,
    _K,
    _KEPT_POWERS,
    _LAST_SPACE,
    _LENGTH_MIX,
    MAX_WORDS,
    MIN_SHINGLES,
    _word_id,
    _word_ids,
    band_keys,
    band_keys_many,
    minhash,
    minhash_many,
)
from archiver.store.folding import _collapse, fold_and_key, fold_for_index
from archiver.store.fts import index_text
from archiver.store.rows import compress
from store_support import (
    OTHER_STORY,
    STORY,
    T0,
    exchange,
    page,
    random_pages,
    random_story,
    redirected_pages,
    rows,
)


def tricky_batch() -> list:
    """Saves that decide on each other within one batch: every dedup path at least once."""
    a = "https://vnexpress.net/a-1.html"
    items = [
        page(a),
        page(a),  # the same again: unchanged
        page(a, STORY + " Cập nhật lúc 10 giờ.", when=T0 + timedelta(hours=1)),  # new text
        page("https://vnexpress.net/a-1-copy.html"),  # a's first text elsewhere: stored already
        page("https://vnexpress.net/a-2.html", STORY + " Cập nhật lúc 10 giờ."),  # a's text now
        page("https://baomoi.com/c.epi", STORY.replace("sáng nay", "chiều qua"), site="baomoi"),
        page("https://tuoitre.vn/s.htm", STORY, site="tuoitre", canonical_url=a),  # a claim
        page("https://vnexpress.net/b.html", OTHER_STORY, view_count=5),
        page("https://vnexpress.net/b.html", OTHER_STORY, view_count=9, when=T0 + timedelta(1)),
        page("https://vnexpress.net/old.html", random_story(3), when=T0 + timedelta(days=2)),
        page("https://vnexpress.net/old.html", random_story(4), when=T0 - timedelta(days=2)),
        page("https://vnexpress.net/x.html", "Cafe\u0301 Đà Nẵng ﬁ İstanbul 中文. " + STORY[:200]),
        (exchange("https://vnexpress.net/lien-he.html"), None),
        *random_pages_with_copies(),
    ]
    redirected, article = page(a + "?utm_source=fb")
    items.append((replace(redirected, final_url=a, redirects=(a + "?utm_source=fb",)), article))
    # A content alias whose page then changes: it becomes an article of its own.
    copy_url = "https://vnexpress.net/a-1-copy.html"
    items.append(page(copy_url, OTHER_STORY + " Bản riêng.", when=T0 + timedelta(days=3)))
    return items


def random_pages_with_copies() -> list:
    pages = []
    for n in range(12):
        story = random_story(100 + n // 2, words=150)  # each story twice, on two sites
        site = "vnexpress" if n % 2 else "dantri"
        pages.append(page(f"https://{site}.vn/r-{n}.html", story, site=site, title=f"Tin {n}"))
    return pages


def table_rows(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts%'"
        )
    ]
    found = {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in tables
        if table != "sites"
    }
    conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, articles_fts, instance)")
    found["index"] = conn.execute("SELECT * FROM temp.terms ORDER BY 1, 2, 3, 4").fetchall()
    conn.close()
    return found


def test_a_batch_stores_the_same_rows_as_its_saves_one_by_one(tmp_path):
    items = tricky_batch()
    with Archive(tmp_path / "one.db") as archive:
        one_by_one = [archive.save_many([item])[0] for item in items]
    with Archive(tmp_path / "batch.db") as archive:
        batched = archive.save_many(items)
    assert batched == one_by_one
    outcomes = {result.outcome for result in batched}
    assert outcomes == {"new", "unchanged", "updated", "alias", "not-article"}
    assert any(result.near_duplicates for result in batched)
    assert table_rows(tmp_path / "batch.db") == table_rows(tmp_path / "one.db")


def test_a_batch_decides_as_its_saves_one_by_one_on_either_engine(archive, tmp_path):
    items = tricky_batch()
    with Archive(tmp_path / "one.db") as reference:
        expected = [reference.save_many([item])[0] for item in items]
    batched = archive.save_many(items, batch_size=7)  # batches that split the pairs too

    def decisions(results):  # ids differ between engines: the article a result names
        first_seen = {}
        for result in results:
            first_seen.setdefault(result.article_id, len(first_seen))
        return [
            (result.outcome, first_seen[result.article_id], len(result.near_duplicates))
            for result in results
        ]

    assert decisions(batched) == decisions(expected)
    assert archive.check() == []


_WORDS = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "ha", "noi"]), max_size=60)
_ODD_WORDS = st.lists(st.text(min_size=1, max_size=4), max_size=450)
#: Folded texts: words and runs of spaces, spaces leading and trailing too.
_TEXTS = st.lists(
    st.tuples(st.one_of(_WORDS, _ODD_WORDS), st.sampled_from([" ", "  "]), st.booleans()).map(
        lambda parts: (" " if parts[2] else "") + parts[1].join(parts[0]) + parts[1] * parts[2]
    )
)


@settings(derandomize=True, max_examples=200)
@given(_TEXTS)
def test_signatures_of_a_batch_are_each_texts_signature(texts):
    expected = [minhash(text) for text in texts]
    assert minhash_many(texts) == expected
    assert band_keys_many(expected) == [band_keys(signature) for signature in expected]


def test_signatures_of_a_batch_larger_than_one_sort_are_each_texts_signature():
    texts = [random_story(n, words=60) for n in range(2100)]
    texts[5] = " ".join(texts[5].split()[: MIN_SHINGLES - 1])
    assert minhash_many(texts) == [minhash(text) for text in texts]


def _reference_word_id(word: str) -> int:
    """A word's id as :mod:`archiver.store.dedup` defines it, one word at a time in Python."""
    mask = 2**64 - 1
    value = sum(ord(char) * pow(_K, place, 2**64) for place, char in enumerate(word))
    value = (value + len(word) * int(_LENGTH_MIX)) & mask
    for multiplier in (int(_FMIX_1), int(_FMIX_2), None):
        value ^= value >> 33
        if multiplier is not None:
            value = value * multiplier & mask
    return value >> 4


def _reference_ids(texts: list[str]) -> tuple[list[int], list[int]]:
    kept = [text.split()[:MAX_WORDS] for text in texts]
    ids = [_reference_word_id(w) for some in kept for w in some]
    assert ids == [_word_id(w) for some in kept for w in some]  # one text's way
    return ids, [len(some) for some in kept]


def test_words_are_split_at_every_kind_of_whitespace_as_str_split_does():
    assert [chr(code) for code in range(_LAST_SPACE + 1, 0x110000) if chr(code).isspace()] == []
    texts = ["a\u3000b\tc\nd\x1ce\u00a0f", "\u2028g\u200bh"]  # U+200B is no space
    assert _word_ids(texts)[1].tolist() == [6, 1]
    # ASCII text (folded Vietnamese) takes a byte a character: the same words.
    ascii_texts = ["a b\tc\nd\x1ce\x1ff\x0bg\x0ch\ri", " x  y "]
    assert _word_ids(ascii_texts)[1].tolist() == [9, 2]
    assert _word_ids(ascii_texts)[0].tolist() == _reference_ids(ascii_texts)[0]


@settings(derandomize=True, max_examples=200)
@given(_TEXTS)
def test_word_ids_are_each_words_hash_and_only_the_first_words_are_read(texts):
    ids, counts = _word_ids(texts)
    assert (ids.tolist(), counts.tolist()) == _reference_ids(texts)


def test_a_text_cut_before_its_first_words_end_is_read_whole():
    long_words = " ".join(f"{'x' * 30}{n}" for n in range(MAX_WORDS + 5))  # past the cut
    many = " ".join(f"w{n}" for n in range(3 * MAX_WORDS))  # its words end before the cut
    spaces = " " * (_CUT + 10) + many  # the cut falls in its leading spaces
    texts = [long_words, many, spaces, "ngắn 𝔘 chữ"]
    ids, counts = _word_ids(texts)
    assert counts.tolist() == [MAX_WORDS, MAX_WORDS, MAX_WORDS, 3]
    assert (ids.tolist(), counts.tolist()) == _reference_ids(texts)


def test_a_batch_wider_than_one_pass_has_each_texts_word_ids(monkeypatch):
    texts = [random_story(n, words=80) for n in range(40)]
    expected = _reference_ids(texts)
    monkeypatch.setattr("archiver.store.dedup._CHARS_PER_PASS", 1000)
    ids, counts = _word_ids(texts)
    assert (ids.tolist(), counts.tolist()) == expected


@settings(derandomize=True, max_examples=300)
@given(st.binary(max_size=40).map(lambda raw: bytes(b" ab\xe1"[byte % 4] for byte in raw)))
def test_collapsing_spaces_is_joining_the_split_words(spaced):
    assert _collapse(spaced) == b" ".join(spaced.split())


def test_a_kept_compressor_gives_the_bytes_of_a_fresh_one():
    import random
    import sys

    if sys.version_info >= (3, 14):
        from compression import zstd
    else:
        from backports import zstd

    rng = random.Random(7)
    bodies = [STORY.encode() * n for n in range(4)] + [rng.randbytes(n) for n in (0, 1, 900)]
    for level in (1, 3, 1, 19):
        for body in bodies + bodies[::-1]:
            blob, compression = compress(body, level)
            fresh = zstd.compress(body, level)
            assert (blob, compression) == (
                (fresh, "zstd") if len(fresh) < len(body) else (body, "none")
            )


_PIECES = st.sampled_from(
    [
        *("Đà", "Nẵng", "đã", "ĐỒNG", "đô-la", "Điện_Biên", "an", "2024", "Ελλάδα", "ΟΔΟΣ"),
        *("İ", "ß", "Cafe\u0301", "đe\u0301", "\u212b", "中文", "“", "…", "_", "x"),
    ]
)


@settings(derandomize=True, max_examples=400)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", ", ", "\n\n", "-", "\t", "\xa0"]))))
def test_folding_for_the_index_in_one_pass_gives_what_each_function_gives(pieces):
    text = "".join(word + gap for word, gap in pieces)
    folded, key, d_words = fold_for_index(text)
    assert (folded, key) == fold_and_key(text)
    assert index_text(text, folded, d_words) == index_text(text)
    assert fold_for_index(text, key=False) == (folded, b"", d_words)


def test_a_batch_compresses_only_the_bodies_the_archive_lacks(archive):
    first = page("https://vnexpress.net/a-1.html")
    archive.save(*first)
    second = page("https://vnexpress.net/b.html", OTHER_STORY, title="Mưa lớn")
    prepared = archive.database.prepare_many([(*first, None), (*second, None), (*second, None)])
    assert [item.blob is None for item in prepared] == [True, False, False]
    assert prepared[1].sha256 == prepared[2].sha256 != prepared[0].sha256


def test_a_text_longer_than_the_kept_power_tables_is_hashed_with_tables_of_its_own():
    from archiver.store import dedup

    giant = "x" * (_KEPT_POWERS + 10)  # a word with no space for that long
    texts = ["mot hai ba", f"{giant} bon nam", "sau bay"]
    ids, counts = _word_ids(texts)
    assert counts.tolist() == [3, 3, 2]
    assert ids.tolist() == [_word_id(w) for text in texts for w in text.split()]
    assert len(dedup._POWERS.up) <= _KEPT_POWERS


def bridged_stories() -> list:
    """Three pages on three sites, the middle one a near-copy of each end (which are not
    near-copies of each other), saved ends first: the middle one merges two stories."""
    words = random_story(500, words=300).split()
    texts = [" ".join(words[start : start + 200]) for start in (0, 100, 50)]
    sites = ("vnexpress", "dantri", "tuoitre")
    return [
        page(f"https://{site}.vn/cau-{n}.html", text, site=site, title=f"Cầu {n}")
        for n, (site, text) in enumerate(zip(sites, texts, strict=True))
    ]


def test_holding_a_batchs_new_rows_stores_what_writing_each_at_once_stores(tmp_path, monkeypatch):
    # Writer.batch_rows holds a batch's new articles (their fetch, page, index, bucket,
    # link and view-count rows) until the batch ends or a statement needs them: the
    # lookups, near-copies and story merges that read them meanwhile must decide as if
    # every row had been written at once.
    from archiver.store.writer import Writer

    items = [*tricky_batch(), *bridged_stories()]
    with Archive(tmp_path / "held.db") as archive:
        held = archive.save_many(items)
    monkeypatch.setattr(Writer, "batch_rows", False)
    with Archive(tmp_path / "direct.db") as archive:
        direct = archive.save_many(items)
        assert archive.check() == []
    assert held == direct
    assert table_rows(tmp_path / "held.db") == table_rows(tmp_path / "direct.db")
    # The middle page linked both ends, and their stories became one.
    first, third, middle = held[-3:]
    assert middle.near_duplicates == (first.article_id, third.article_id)
    assert third.near_duplicates == ()
    stories = rows(
        tmp_path / "held.db", "SELECT DISTINCT story_id FROM articles WHERE url LIKE ?", "%/cau-%"
    )
    assert stories == [(first.article_id,)]


def _count_flushes(monkeypatch) -> list[int]:
    """Spy on the held rows' flushes: the number of articles each one writes."""
    from archiver.store.indexes import Pending

    written: list[int] = []
    flush = Pending.flush

    def counting(self) -> None:
        if self.articles:
            written.append(sum(len(group) for group in self.articles.values()))
        flush(self)

    monkeypatch.setattr(Pending, "flush", counting)
    return written


def test_new_articles_with_aliases_are_written_together_when_the_batch_ends(tmp_path, monkeypatch):
    # A real crawl's articles have aliases (http→https redirects, ?utm_ links): holding
    # their alias rows keeps the batch one executemany per table, not one per article.
    written = _count_flushes(monkeypatch)
    with Archive(tmp_path / "a.db") as archive:
        results = archive.save_many(redirected_pages(0, 20))
        assert archive.check() == []
    assert {result.outcome for result in results} == {"new"}
    assert written == [20]
    assert rows(
        tmp_path / "a.db", "SELECT count(*), count(DISTINCT article_id) FROM article_urls"
    ) == [(40, 20)]


def test_a_page_under_an_alias_of_a_held_article_is_that_article(tmp_path, monkeypatch):
    # The alias rows wait with their article; a later save of the batch found under one
    # of those URLs (here with new text, so only the URL can match) must still find it.
    from archiver.store.writer import Writer

    first, second = redirected_pages(0, 6), redirected_pages(6, 4)
    items = [*first, page("http://vnexpress.vn/bai-2.html", OTHER_STORY), *second]
    written = _count_flushes(monkeypatch)
    with Archive(tmp_path / "held.db") as archive:
        held = archive.save_many(items)
        assert archive.check() == []
    # Held until that lookup needed them, then until the batch ended.
    assert written == [6, 4]
    assert held[6].outcome == "updated"
    assert held[6].article_id == held[2].article_id
    monkeypatch.setattr(Writer, "batch_rows", False)
    with Archive(tmp_path / "direct.db") as archive:
        direct = archive.save_many(items)
    assert held == direct
    assert table_rows(tmp_path / "held.db") == table_rows(tmp_path / "direct.db")


def _syndicated(start: int, originals: list[str]) -> list:
    """:func:`random_pages` on another site, each naming one of ``originals`` as canonical."""
    return [
        page(
            fetched.url.replace("vnexpress.vn", "baomoi.vn"),
            found.body,
            site="baomoi",
            canonical_url=original,
        )
        for (fetched, found), original in zip(
            random_pages(start, len(originals)), originals, strict=True
        )
    ]


def test_syndicated_copies_look_up_only_urls_the_archive_or_batch_holds(tmp_path, monkeypatch):
    # A copy naming another site's page as canonical is linked to that page when the
    # archive has it (stored before, saved earlier in the batch, or known by an alias);
    # when neither the archive nor the batch has the URL, the copy must not end the
    # batch's executemany to look it up.
    from archiver.store.writer import Writer

    originals = [*random_pages(0, 2), *redirected_pages(2, 1)]
    claimed = [*(fetched.url for fetched, _ in originals[:2]), originals[2][0].url]
    elsewhere = [f"https://vnexpress.vn/goc-{n}.html" for n in range(20)]
    items = [*originals[1:], *_syndicated(10, elsewhere), *_syndicated(30, claimed)]
    written = _count_flushes(monkeypatch)
    with Archive(tmp_path / "held.db") as archive:
        first = archive.save_many(originals[:1])
        held = archive.save_many(items)
        assert archive.check() == []
    assert {result.outcome for result in held} == {"new"}
    # Only the copies of archived pages flush, each when saved (its own row with the rest).
    assert written == [1, 23, 1, 1]
    assert [result.near_duplicates for result in held[2:22]] == [()] * 20
    expected = [first[0].article_id, held[0].article_id, held[1].article_id]
    assert [result.near_duplicates for result in held[22:]] == [(n,) for n in expected]
    monkeypatch.setattr(Writer, "batch_rows", False)
    with Archive(tmp_path / "direct.db") as archive:
        archive.save_many(originals[:1])
        direct = archive.save_many(items)
    assert held == direct
    assert table_rows(tmp_path / "held.db") == table_rows(tmp_path / "direct.db")
