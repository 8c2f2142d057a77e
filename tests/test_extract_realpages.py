"""Real saved pages (../shared/realpages, outside the repository): what kind of page each is.

Skipped when the pages are absent (a user's clone has none). Field-by-field accuracy is
measured by ``bench/accuracy.py``; this only guards the page kinds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver import extract
from archiver.sites import profile_from_dict

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"
GOLD = ROOT / "bench" / "data" / "gold-realpages.json"
LISTINGS = sorted(REALPAGES.glob("*/home-listing*.html"))
needs_pages = pytest.mark.skipif(not REALPAGES.exists(), reason="../shared/realpages is absent")


@needs_pages
@pytest.mark.parametrize("page", LISTINGS, ids=lambda p: p.name)
def test_a_home_page_is_a_listing_by_its_content_whatever_its_url(page: Path):
    # Not at the site's root, with no profile: only the teasers can tell.
    generic = profile_from_dict({"name": "generic"})
    article = extract(
        page.read_bytes(), "https://tin.example.vn/thoi-su/trang-2.htm", profile=generic
    )
    assert not article.is_article
    assert (article.published_at, article.author, article.body) == (None, None, None)


@needs_pages
def test_annotated_articles_are_articles_with_their_headline():
    for gold in json.loads(GOLD.read_text(encoding="utf-8")):
        page = REALPAGES / gold["file"]
        if not page.exists():
            continue
        article = extract(page.read_bytes(), gold["url"])
        assert article.is_article, gold["file"]
        assert article.title == gold["title"], gold["file"]
