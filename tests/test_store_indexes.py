"""Derived indexes: rebuilt when the code deriving them changes; the check finds damage."""

from __future__ import annotations

from archiver.store import Archive
from archiver.store.dedup import band_keys, minhash
from archiver.store.folding import index_fold
from store_support import OTHER_STORY, STORY, page


def test_a_changed_folding_rebuilds_the_full_text_index_on_open(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))
        archive.conn.execute("UPDATE archive_meta SET value = 'older' WHERE key = 'fold_probe'")
        archive.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')")
        assert archive.search("da nang") == []
    with Archive(path) as archive:
        assert archive.rebuilt == ["full-text index"]
        assert archive.search("da nang")
        assert archive.check() == []
    with Archive(path) as archive:
        assert archive.rebuilt == []


def test_changed_signatures_are_recomputed_and_rebucketed(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))
        archive.conn.execute("UPDATE archive_meta SET value = 'older' WHERE key = 'minhash_probe'")
        archive.conn.execute("DELETE FROM minhash_bands")
        archive.conn.execute("UPDATE articles SET minhash = NULL")
    with Archive(path) as archive:
        assert archive.rebuilt == ["near-duplicate signatures"]
        assert archive.conn.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] > 0
        edited = STORY.replace("rất hài lòng", "hài lòng")
        copy = archive.save(*page("https://baomoi.com/x.epi", edited, site="baomoi", title="Sao"))
        assert (copy.outcome, copy.near_duplicates) == ("new", (1,))


def test_content_hashes_of_an_older_key_are_recomputed_so_a_refetch_is_not_an_edit(tmp_path):
    path = tmp_path / "archive.db"
    url = "https://vnexpress.net/a-1.html"
    with Archive(path) as archive:
        archive.save(*page(url))
        # As an archive written with the previous content key looks.
        archive.conn.execute("DELETE FROM archive_meta WHERE key = 'content_probe'")
        archive.conn.execute("UPDATE articles SET content_hash = 'v1-hash'")
    with Archive(path) as archive:
        assert archive.rebuilt == ["content hashes"]
        again = archive.save(*page(url))
        assert again.outcome == "unchanged"
        assert archive.conn.execute("SELECT count(*) FROM article_versions").fetchone() == (0,)


def test_the_check_reports_orphans_and_index_drift(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=3))
        archive.save(*page("https://vnexpress.net/a-2.html", OTHER_STORY, title="Mưa"))
        assert archive.check() == []
        archive.conn.execute("PRAGMA foreign_keys = OFF")
        archive.conn.execute(
            "INSERT INTO view_counts VALUES (999, '2024-01-01T00:00:00+07:00', 1, NULL)"
        )
        archive.conn.execute("DELETE FROM articles_fts_docsize WHERE id = 2")
        problems = archive.check()
    assert "1 view_counts rows without their article" in problems
    assert "1 articles missing from the index" in problems


def test_an_archive_signed_by_earlier_code_gets_every_signature_and_bucket_anew(db_target):
    with Archive(db_target) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))
        archive.save(*page("https://vnexpress.net/a-2.html", OTHER_STORY, title="Mưa"))
        # As the previous word hashing left it: its probe, other signatures, other buckets.
        conn = archive.conn
        conn.execute(
            "UPDATE archive_meta SET value = 'dfcea3d20030325c' WHERE key = 'minhash_probe'"
        )
        conn.execute("UPDATE articles SET minhash = ?", (bytes(range(128)),))
        conn.execute("UPDATE minhash_bands SET band_key = band_key + 1")
        if conn.in_transaction:
            conn.execute("COMMIT")
    with Archive(db_target) as archive:
        assert archive.rebuilt == ["near-duplicate signatures"]
        stored = archive.conn.execute("SELECT id, body, minhash FROM articles ORDER BY id")
        for article_id, body, sig in stored.fetchall():
            assert bytes(sig) == minhash(index_fold(body))
            buckets = archive.conn.execute(
                "SELECT band_key FROM minhash_bands WHERE article_id = ? ORDER BY band_key",
                (article_id,),
            ).fetchall()
            assert [key for (key,) in buckets] == sorted(band_keys(bytes(sig)))
        edited = STORY.replace("rất hài lòng", "hài lòng")
        copy = archive.save(*page("https://baomoi.com/x.epi", edited, site="baomoi", title="Sao"))
        assert (copy.outcome, copy.near_duplicates) == ("new", (1,))
        assert archive.check() == []
