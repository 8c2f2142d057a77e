"""Dedup keys: canonical URL and aliases, MinHash signatures, LSH buckets, the threshold."""

from __future__ import annotations

import random

import numpy as np

from archiver.store.dedup import (
    BANDS,
    BINS,
    ROWS,
    THRESHOLD,
    band_keys,
    minhash,
    shingle_hashes,
    similarities,
    similarity,
    url_identity,
)
from archiver.store.folding import index_fold
from store_support import OTHER_STORY, STORY


def signature(text: str) -> bytes:
    result = minhash(index_fold(text))
    assert result is not None
    return result


def test_declared_canonical_wins_and_every_other_url_is_an_alias_with_its_reason():
    identity = url_identity(
        canonical_url="https://vnexpress.net/a-1.html",
        article_url="https://vnexpress.net/a-1.html?utm_source=zalo",
        final_url="https://vnexpress.net/a-1.html?utm_source=zalo",
        requested_url="http://vnexpress.net/a-1",
    )
    assert identity.canonical == "https://vnexpress.net/a-1.html"
    assert dict(identity.aliases) == {
        "http://vnexpress.net/a-1": "redirect",
        "https://vnexpress.net/a-1.html?utm_source=zalo": "normalized",
    }


def test_print_version_declaring_a_canonical_is_a_canonical_alias():
    identity = url_identity(
        "https://dantri.com.vn/a.htm",
        None,
        "https://dantri.com.vn/print/a.htm",
        "https://dantri.com.vn/print/a.htm",
    )
    assert identity.aliases == (("https://dantri.com.vn/print/a.htm", "canonical"),)


def test_a_non_http_canonical_link_is_ignored():
    identity = url_identity("javascript:void(0)", None, "https://a.vn/x", "https://a.vn/x")
    assert identity == url_identity(None, None, "https://a.vn/x", "https://a.vn/x")
    assert identity.canonical == "https://a.vn/x"
    assert identity.aliases == ()


def test_signature_has_one_value_per_bin_and_is_stable():
    first = signature(STORY)
    assert len(first) == 2 * BINS
    assert signature(STORY) == first
    assert minhash("qua ngan") is None  # too short to compare


def test_small_edits_keep_similarity_high_and_other_stories_score_near_zero():
    edited = (
        STORY.replace("sáng nay", "sáng thứ ba").replace("cuối năm", "quý IV") + " (Theo TTXVN)"
    )
    same_topic = OTHER_STORY.replace("Nghệ An", "Đà Nẵng")
    assert similarity(signature(STORY), signature(STORY)) == 1.0
    assert similarity(signature(STORY), signature(edited)) >= THRESHOLD
    assert similarity(signature(STORY), signature(same_topic)) < 0.2


def test_tone_placement_and_case_do_not_change_the_signature():
    variant = STORY.replace("ủy ban", "uỷ ban").upper()
    assert signature(variant) == signature(STORY)


def test_near_copies_share_a_bucket_and_different_stories_do_not():
    original = set(band_keys(signature(STORY)))
    edited = set(band_keys(signature(STORY.replace("rất hài lòng", "hài lòng"))))
    other = set(band_keys(signature(OTHER_STORY)))
    assert 0 < len(original) <= BANDS
    assert original & edited
    assert not original & other


def test_bucket_keys_fit_in_a_sqlite_integer_and_name_their_band():
    keys = band_keys(signature(STORY))
    assert all(0 <= key < 2**63 for key in keys)
    assert len({key >> (16 * ROWS) for key in keys}) == len(keys)


def test_a_canonical_link_to_another_site_is_a_claim_and_a_subdomain_is_the_same_site():
    from archiver.store.dedup import url_identity

    copy = url_identity("https://a.vn/x-1.html", "https://b.vn/y.html", "https://b.vn/y.html", "")
    assert (copy.canonical, copy.claim) == ("https://b.vn/y.html", "https://a.vn/x-1.html")
    assert "https://a.vn/x-1.html" not in {url for url, _ in copy.aliases}
    mobile = url_identity(
        "https://a.vn/x-1.html", "https://m.a.vn/x.html", "https://m.a.vn/x.html", ""
    )
    assert (mobile.canonical, mobile.claim) == ("https://a.vn/x-1.html", None)


def test_shingle_hashes_are_pythons_tuple_hashes_of_three_word_ids():
    rng = random.Random(7)
    ids = [rng.randrange(2**60) for _ in range(300)] + [0, 1, 2**60 - 1]
    expected = [hash(t) & (2**64 - 1) for t in zip(ids, ids[1:], ids[2:], strict=False)]
    assert shingle_hashes(np.array(ids, dtype=np.uint64)).tolist() == expected


def test_an_articles_candidates_score_as_each_pair_does():
    rng = random.Random(5)
    # Few distinct values, empty bins (0xFFFF) among them: equal, unequal and unfilled bins.
    values = [0, 1, 2, 0xFFFF]

    def random_signature() -> bytes:
        return np.array([rng.choice(values) for _ in range(BINS)], dtype=np.uint16).tobytes()

    empty = np.full(BINS, 0xFFFF, dtype=np.uint16).tobytes()
    mine = random_signature()
    others = [random_signature() for _ in range(30)] + [mine, empty]
    assert similarities(mine, others) == [similarity(mine, other) for other in others]
    assert similarities(empty, [empty]) == [0.0]
    assert similarities(mine, []) == []
