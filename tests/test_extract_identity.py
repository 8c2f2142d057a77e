"""Extraction output on every fixture, byte for byte, against the records saved before the
pipeline moved out of ``extract/__init__.py`` (issue 12): a refactoring changes nothing.

The same records of the real pages (outside the repository) are compared by
``python bench/identity.py compare FILE``. When extraction is meant to change, bump
``EXTRACTOR_VERSION`` and save the records again:
``python bench/identity.py dump fixtures/extract-records.json --fixtures-only``.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench_support import load_bench

ROOT = Path(__file__).resolve().parent.parent
SAVED = ROOT / "fixtures" / "extract-records.json"


def _identity():
    return load_bench("identity")


def test_every_fixture_extracts_to_the_saved_record_byte_for_byte():
    identity = _identity()
    saved = json.loads(SAVED.read_text(encoding="utf-8"))
    now = identity.records(identity.fixture_cases())
    assert len(now) == len(saved) > 0
    assert identity.differences(saved, now) == []


def test_a_changed_record_is_named_with_its_fields():
    identity = _identity()
    before = {"page [profiles]": json.dumps({"title": "A", "body": "x"})}
    now = {"page [profiles]": json.dumps({"title": "A", "body": "y"})}
    assert identity.differences(before, now) == ["changed: page [profiles]: body"]
