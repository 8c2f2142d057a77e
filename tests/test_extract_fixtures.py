"""Every fixture page under fixtures/pages gives exactly the record stored beside it."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

from archiver import FIELDS
from archiver.extract import extract

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURES = ROOT / "pages"
# Site pages, and the pages in legacy or mis-declared encodings.
CASES = sorted(FIXTURES.rglob("*.json")) + sorted((ROOT / "encodings").glob("*.json"))


def _load(case: Path):
    spec = json.loads(case.read_text(encoding="utf-8"))
    html = case.with_suffix(".html").read_bytes()
    fetched_at = spec.get("fetched_at")
    article = extract(
        html,
        spec["url"],
        headers=spec.get("headers"),
        fetched_at=datetime.fromisoformat(fetched_at) if fetched_at else None,
        profile=spec.get("profile"),
    )
    return spec, article


def test_there_are_fixtures_for_every_shipped_profile():
    from archiver.sites import registry

    covered = {case.parent.name for case in CASES}
    missing = {profile.name for profile in registry()} - covered
    assert not missing, f"profiles without fixtures: {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_page_gives_its_expected_record(case: Path):
    spec, article = _load(case)
    assert set(spec["expected"]) == set(FIELDS)
    assert article.to_dict() == spec["expected"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_record_text_is_nfc_and_collapsed(case: Path):
    _, article = _load(case)
    for name in ("title", "author", "author_raw", "published_raw"):
        value = getattr(article, name)
        if value is not None:
            assert unicodedata.is_normalized("NFC", value)
            assert value == " ".join(value.split())
    for paragraph in article.paragraphs:
        assert unicodedata.is_normalized("NFC", paragraph)
        assert paragraph == " ".join(paragraph.split())
        assert "\u200b" not in paragraph and "\u00ad" not in paragraph
    for stamp in (article.published_at, article.updated_at):
        if stamp is not None:
            assert stamp.endswith("+07:00")
