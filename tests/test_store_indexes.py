"""Derived indexes: rebuilt when the code deriving them changes; the check finds damage."""

from __future__ import annotations

import random

import pytest

from archiver.store import Archive
from archiver.store.dedup import band_keys, minhash
from archiver.store.folding import index_fold
from archiver.store.indexes import MAX_CANDIDATES
from archiver.store.writer import Writer
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


@pytest.mark.parametrize("read_buckets_once", [True, False], ids=["batch", "one-at-a-time"])
def test_a_bucket_crowded_past_the_limit_does_not_hide_a_near_copy(
    db_target, monkeypatch, read_buckets_once
):
    if db_target.startswith("postgresql") and read_buckets_once:
        pytest.skip("a PostgreSQL writer looks its buckets up one article at a time")
    monkeypatch.setattr(Writer, "read_buckets_once", read_buckets_once)
    edited = STORY.replace("rất hài lòng", "hài lòng")
    keys = band_keys(minhash(index_fold(edited)))
    crowded = min(keys)  # the bucket a lookup by key reads first
    words = random.Random(7).choices(
        OTHER_STORY.split() + [f"từ{i}" for i in range(400)], k=50 * 3 * MAX_CANDIDATES
    )
    with Archive(db_target) as archive:
        # Unrelated articles first (lower ids), then the true near-copy of the new text.
        unrelated = [
            page(f"https://vnexpress.net/u-{i}.html", " ".join(words[i * 50 : i * 50 + 50]))
            for i in range(3 * MAX_CANDIDATES)
        ]
        unrelated_ids = [saved.article_id for saved in archive.save_many(unrelated)]
        near_copy = archive.save(*page("https://vnexpress.net/a-1.html")).article_id
        # Crowd one of the new text's buckets with them: each shares exactly that key.
        conn = archive.conn
        conn.executemany(
            "INSERT INTO minhash_bands(band_key, article_id) VALUES (?, ?)",
            [(crowded, article_id) for article_id in unrelated_ids],
        )
        if conn.in_transaction:
            conn.execute("COMMIT")
        for article_id in unrelated_ids:
            shared = conn.execute(
                "SELECT band_key FROM minhash_bands WHERE article_id = ?", (article_id,)
            ).fetchall()
            assert {key for (key,) in shared} & set(keys) == {crowded}
        copy = archive.save(*page("https://baomoi.com/x.epi", edited, site="baomoi", title="Sao"))
    assert (copy.outcome, copy.near_duplicates) == ("new", (near_copy,))


def test_the_batch_ranks_and_cuts_candidates_as_the_table_lookup_does():
    import sqlite3

    from archiver.store.indexes import _RANKED, Buckets

    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE minhash_bands(band_key, article_id, PRIMARY KEY (band_key, article_id))"
    )
    rng = random.Random(3)
    # Crowded buckets whose members share one, two or three of the looked-up keys.
    rows = {(rng.randrange(8), rng.randrange(400)) for _ in range(1500)}
    conn.executemany("INSERT INTO minhash_bands VALUES (?, ?)", sorted(rows))
    cur = conn.cursor()
    for keys in ([0], [0, 1, 2], [3, 5, 7, 9], list(range(8))):
        for article_id in (0, 17, 999):
            marks = ",".join("?" * len(keys))
            table = [
                row[0] for row in cur.execute(_RANKED.format(marks=marks), [*keys, article_id])
            ]
            batch = Buckets(cur, keys).candidates(keys, article_id)
            assert batch is not None and len(batch) == len(set(batch)) == len(table)
            # The same articles kept (their order does not matter: all are compared).
            assert set(batch) == set(table)
            assert article_id not in batch and len(batch) <= MAX_CANDIDATES
        assert len(table) == MAX_CANDIDATES  # the later key lists are crowded past the limit


def _near_copies(count: int) -> list:
    edits = [("sáng nay", f"sáng {n}/3") for n in range(1, count + 1)]
    return [
        page(f"https://site{n}.vn/b-{n}.html", STORY.replace(*edit), site=f"site{n}")
        for n, edit in enumerate(edits)
    ]


def test_a_stored_candidate_of_many_articles_in_a_batch_has_its_signature_read_once(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        original = archive.save(*page("https://vnexpress.net/a-1.html"))
        reads: list[str] = []
        archive.conn.set_trace_callback(
            lambda sql: reads.append(sql) if "minhash" in sql and "WHERE id IN" in sql else None
        )
        saved = archive.save_many(_near_copies(5), batch_size=10)
        archive.conn.set_trace_callback(None)
        stories = {row[0] for row in archive.conn.execute("SELECT story_id FROM articles")}
    assert all(original.article_id in result.near_duplicates for result in saved)
    assert stories == {original.article_id}
    assert len(reads) == 1


def test_a_candidate_whose_text_changes_in_the_batch_is_compared_by_its_new_signature(tmp_path):
    copies = _near_copies(4)
    # The original's text edited: still in some of the copies' buckets, with another signature.
    edited = STORY.replace("rất hài lòng", "hài lòng") + " " + OTHER_STORY[:200]
    changed = page("https://vnexpress.net/a-1.html", edited)
    batch = [copies[0], copies[1], changed, copies[2], copies[3]]
    results = []
    for name, save in (
        ("many", lambda archive: archive.save_many(batch, batch_size=10)),
        ("one", lambda archive: [archive.save(*item) for item in batch]),
    ):
        with Archive(tmp_path / f"{name}.db") as archive:
            archive.save(*page("https://vnexpress.net/a-1.html"))
            results.append(
                (
                    save(archive),
                    archive.conn.execute("SELECT * FROM near_duplicates ORDER BY 1, 2").fetchall(),
                    archive.conn.execute("SELECT id, story_id FROM articles").fetchall(),
                )
            )
    many, one = results
    assert many[0][2].outcome == "updated"
    assert [r.near_duplicates for r in many[0]] == [r.near_duplicates for r in one[0]]
    assert many[1:] == one[1:]
