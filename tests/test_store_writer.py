"""Saving: one article per canonical URL or content; history kept; aliases and copies linked."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from archiver.store import Archive
from store_support import OTHER_STORY, STORY, T0, article, exchange, index_matches, page, rows


@pytest.fixture
def archive(db_target):
    with Archive(db_target) as opened:
        yield opened


def count(archive: Archive, table: str) -> int:
    return archive.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_first_save_stores_fetch_article_and_index_entry(archive):
    result = archive.save(*page("https://vnexpress.net/a-1.html", view_count=10))
    assert result.outcome == "new"
    assert (
        count(archive, "fetches"),
        count(archive, "articles"),
        count(archive, "view_counts"),
    ) == (1, 1, 1)
    fetch = archive.conn.execute("SELECT article_id, outcome FROM fetches").fetchone()
    assert fetch == (result.article_id, "new")
    assert index_matches(archive, "da nang") == [result.article_id]


def test_refetch_with_same_content_is_unchanged_and_adds_a_view_count(archive):
    url = "https://vnexpress.net/a-1.html"
    first = archive.save(*page(url, view_count=10))
    again = archive.save(*page(url, view_count=25, when=T0 + timedelta(hours=3)))
    assert again.outcome == "unchanged"
    assert again.article_id == first.article_id
    series = archive.conn.execute(
        "SELECT observed_at, view_count FROM view_counts ORDER BY observed_at"
    ).fetchall()
    assert series == [("2024-03-05T09:00:00+07:00", 10), ("2024-03-05T12:00:00+07:00", 25)]
    latest, last_seen = archive.conn.execute(
        "SELECT view_count, last_seen_at FROM articles"
    ).fetchone()
    assert (latest, last_seen) == (25, "2024-03-05T12:00:00+07:00")
    assert count(archive, "article_versions") == 0


def test_identical_refetch_keeps_the_raw_body_once(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url))
    archive.save(*page(url, when=T0 + timedelta(days=1)))
    assert count(archive, "fetches") == 2
    assert count(archive, "bodies") == 1
    sha = archive.conn.execute("SELECT sha256 FROM fetches LIMIT 1").fetchone()[0]
    assert archive.body(sha) == page(url)[0].body


def test_changed_body_keeps_the_earlier_version_with_when_it_was_seen(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url))
    archive.save(*page(url, when=T0 + timedelta(hours=1)))
    edited = STORY.replace("3.500 tỷ đồng", "3.700 tỷ đồng")
    result = archive.save(*page(url, edited, when=T0 + timedelta(hours=5)))
    assert result.outcome == "updated"
    version = archive.conn.execute(
        "SELECT body, seen_from, seen_until, replaced_by FROM article_versions"
    ).fetchone()
    assert version == (STORY, "2024-03-05T09:00:00+07:00", "2024-03-05T10:00:00+07:00", "refetch")
    body, since = archive.conn.execute("SELECT body, content_since FROM articles").fetchone()
    assert (body, since) == (edited, "2024-03-05T14:00:00+07:00")
    # The index follows the text: the old figure is gone, the new one is found.
    assert archive.search('"3.700"') and not archive.search('"3.500"')


@pytest.mark.parametrize(
    "variant",
    [
        STORY.replace("hài lòng", "hài lòng ").replace("ủy ban", "uỷ ban"),
        unicodedata.normalize("NFD", STORY),
        STORY.replace("Thủ tướng", "THỦ TƯỚNG"),
    ],
    ids=["tone-placement", "nfd", "case"],
)
def test_normalisation_variants_are_not_changes(archive, variant):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url))
    result = archive.save(*page(url, variant, when=T0 + timedelta(hours=1)))
    assert result.outcome == "unchanged"
    assert count(archive, "article_versions") == 0


def test_same_content_under_another_url_becomes_an_alias(archive):
    first = archive.save(*page("https://vnexpress.net/a-1.html"))
    copy = archive.save(
        *page("https://m.vnexpress.net/print/a-1", STORY.replace("ủy ban", "uỷ ban"))
    )
    assert copy.outcome == "alias"
    assert copy.article_id == first.article_id
    assert count(archive, "articles") == 1
    alias = archive.conn.execute("SELECT url, matched_by FROM article_urls").fetchall()
    assert ("https://m.vnexpress.net/print/a-1", "content") in alias


def test_tracking_parameters_redirects_and_canonical_links_are_aliases(archive):
    ex = exchange(
        "https://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x",
        final_url="https://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x",
        redirects=("http://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x",),
    )
    art = article(
        "https://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x",
        canonical_url="https://vnexpress.net/a-1.html",
    )
    result = archive.save(ex, art)
    aliases = dict(archive.conn.execute("SELECT url, matched_by FROM article_urls").fetchall())
    assert aliases == {
        "http://vnexpress.net/a-1.html": "redirect",
        "https://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x": "normalized",
        "http://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x": "normalized",
    }
    stored = archive.conn.execute("SELECT url FROM articles").fetchone()[0]
    assert stored == "https://vnexpress.net/a-1.html"
    # The tracked URL, fetched again without a canonical link, finds the same article.
    again = archive.save(
        exchange("http://vnexpress.net/a-1.html?utm_source=facebook&fbclid=x"),
        article("http://vnexpress.net/a-1.html"),
    )
    assert (again.article_id, again.outcome) == (result.article_id, "unchanged")


def test_a_copy_that_later_diverges_becomes_its_own_article(archive):
    archive.save(*page("https://vnexpress.net/a-1.html"))
    assert archive.save(*page("https://baomoi.com/a-1.epi")).outcome == "alias"
    rewritten = STORY + "\n\nBáo Mới bổ sung: đoàn công tác còn làm việc tại Quảng Nam."
    result = archive.save(
        *page("https://baomoi.com/a-1.epi", rewritten, when=T0 + timedelta(days=1))
    )
    assert result.outcome == "new"
    assert count(archive, "articles") == 2
    assert count(archive, "article_urls") == 0


def test_near_copy_on_another_site_is_kept_and_linked_to_the_same_story(archive):
    original = archive.save(*page("https://vnexpress.net/a-1.html"))
    syndicated = STORY.replace("sáng nay", "sáng 5/3").replace("rất hài lòng", "hài lòng")
    copy = archive.save(
        *page("https://baodanang.vn/b-9.html", syndicated + " (Theo TTXVN)", site="baodanang")
    )
    assert copy.outcome == "new"
    assert copy.near_duplicates == (original.article_id,)
    stories = archive.conn.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
    assert stories == [
        (original.article_id, original.article_id),
        (copy.article_id, original.article_id),
    ]
    link = archive.conn.execute(
        "SELECT article_id, duplicate_of, similarity FROM near_duplicates"
    ).fetchone()
    assert link[:2] == (copy.article_id, original.article_id)
    assert 0.5 <= link[2] < 1.0


def test_a_different_story_is_not_linked(archive):
    archive.save(*page("https://vnexpress.net/a-1.html"))
    other = archive.save(
        *page("https://vnexpress.net/a-2.html", OTHER_STORY, title="Mưa lớn ở Nghệ An")
    )
    assert other.near_duplicates == ()
    assert count(archive, "near_duplicates") == 0


def test_a_page_that_is_not_an_article_stores_only_the_fetch(archive):
    result = archive.save(exchange("https://vnexpress.net/thoi-su"), None, site="vnexpress")
    assert (result.outcome, result.article_id) == ("not-article", None)
    listing = article("https://vnexpress.net/the-thao", body="", title="Thể thao")
    assert (
        archive.save(exchange("https://vnexpress.net/the-thao"), listing).outcome == "not-article"
    )
    assert count(archive, "articles") == 0
    assert rows(archive.path, "SELECT site, outcome FROM fetches")[0] == (
        "vnexpress",
        "not-article",
    )


def test_a_failed_fetch_is_recorded_with_its_error(archive):
    failed = exchange("https://vnexpress.net/x", b"", status=None, error="timed out after 30s")
    archive.save(failed, None)
    assert rows(archive.path, "SELECT status, error, sha256, length FROM fetches") == [
        (None, "timed out after 30s", None, 0)
    ]


def test_a_refetch_that_misses_a_field_does_not_erase_it(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url, author="Ngọc An"))
    result = archive.save(*page(url, author=None, when=T0 + timedelta(hours=1)))
    assert result.outcome == "unchanged"
    assert archive.conn.execute("SELECT author FROM articles").fetchone()[0] == "Ngọc An"


def test_an_older_copy_arriving_late_is_history_not_the_current_text(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url, when=T0 + timedelta(days=1)))
    older = STORY.replace("3.500", "3.000")
    result = archive.save(*page(url, older, when=T0))
    assert result.outcome == "updated"
    assert archive.conn.execute("SELECT body, first_seen_at FROM articles").fetchone() == (
        STORY,
        "2024-03-05T09:00:00+07:00",
    )
    assert rows(archive.path, "SELECT body, seen_from, seen_until FROM article_versions") == [
        (older, "2024-03-05T09:00:00+07:00", "2024-03-05T09:00:00+07:00")
    ]


def test_save_many_gives_the_same_outcomes_as_saving_one_by_one(tmp_path):
    items = [
        page("https://vnexpress.net/a-1.html", view_count=1),
        page("https://vnexpress.net/a-1.html?utm_campaign=x", view_count=2),
        page("https://dantri.com.vn/c.htm", site="dantri"),
        page("https://vnexpress.net/a-2.html", OTHER_STORY, title="Mưa lớn"),
        (exchange("https://vnexpress.net/"), None),
        page(
            "https://vnexpress.net/a-2.html", OTHER_STORY, title="Mưa lớn", when=T0 + timedelta(1)
        ),
    ]
    with Archive(tmp_path / "batch.db") as batch, Archive(tmp_path / "single.db") as single:
        together = batch.save_many(items, batch_size=4)
        apart = [single.save(*item) for item in items]
        assert [r.outcome for r in together] == [r.outcome for r in apart]
        assert [r.outcome for r in together] == [
            "new",
            "unchanged",
            "alias",
            "new",
            "not-article",
            "unchanged",
        ]
        dump = "SELECT id, url, site, content_hash, story_id FROM articles ORDER BY id"
        assert batch.conn.execute(dump).fetchall() == single.conn.execute(dump).fetchall()


CAPTIONS = ("Toàn cảnh hội nghị.", "Ảnh: Thùy Dung")


def test_captions_and_source_are_stored_and_a_caption_finds_its_article(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url, captions=CAPTIONS, source="TTXVN"))
    assert rows(archive.path, "SELECT captions, source FROM articles") == [
        ('["Toàn cảnh hội nghị.", "Ảnh: Thùy Dung"]', "TTXVN")
    ]
    assert [hit.url for hit in archive.search("toan canh")] == [url]
    assert [hit.url for hit in archive.search('captions:"hoi nghi"')] == [url]
    assert archive.search("toan canh")[0].marked() == "**Toàn cảnh** hội nghị. Ảnh: Thùy Dung"


def test_captions_found_later_are_indexed_and_a_refetch_without_them_keeps_them(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.save(*page(url))
    assert archive.search("toan canh") == []
    later = archive.save(*page(url, captions=CAPTIONS, when=T0 + timedelta(hours=1)))
    assert later.outcome == "updated"
    assert [hit.url for hit in archive.search("toan canh")] == [url]
    assert count(archive, "article_versions") == 0  # the text itself did not change
    again = archive.save(*page(url, when=T0 + timedelta(hours=2)))
    assert again.outcome == "unchanged"
    assert [hit.url for hit in archive.search("toan canh")] == [url]
    assert archive.check() == []


def test_empty_values_and_bytes_are_bound_as_they_are_without_an_adapter_lookup_miss():
    """The archive registers adapters that return ``None`` and ``bytes`` unchanged (the
    ``sqlite3`` module otherwise looks each one up and formats an error it then clears);
    one someone registered before is left in place."""
    import sqlite3

    from archiver.store import sqlite as engine

    for kind in (type(None), bytes):
        assert sqlite3.adapters[(kind, sqlite3.PrepareProtocol)](kind()) == kind()
    conn = sqlite3.connect(":memory:")
    bound = conn.execute("SELECT typeof(?), typeof(?), ?", (None, b"\x00\xff", b"ab")).fetchone()
    assert bound == ("null", "blob", b"ab")
    key = (bytes, sqlite3.PrepareProtocol)
    ours = sqlite3.adapters[key]
    try:
        sqlite3.register_adapter(bytes, bytes.hex)
        engine._adapt_as_is()
        assert sqlite3.adapters[key] is bytes.hex
        assert conn.execute("SELECT ?", (b"ab",)).fetchone() == ("6162",)
    finally:
        sqlite3.register_adapter(bytes, ours)
