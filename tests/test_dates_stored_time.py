"""The crawl reads an article's publication time the way ``parse_iso`` does, faster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.dates import parse_iso
from archiver.dates.stored import iso, stored_time


def _parsed(text: str) -> datetime | None:
    parsed = parse_iso(text)
    return parsed.value if parsed is not None else None


@settings(max_examples=400, database=None, deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)),
    st.integers(min_value=-24 * 60 + 1, max_value=24 * 60 - 1),
)
def test_a_stored_time_reads_as_parse_iso_reads_it(moment: datetime, minutes: int) -> None:
    text = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes))).isoformat()
    expected = _parsed(text)
    if expected is None:  # a year or an offset parse_iso refuses: as before, the turn fails
        with pytest.raises(AttributeError):
            stored_time(text)
        return
    got = stored_time(text)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()
    assert iso(got) == iso(expected)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05T09:15:00+07:00",
        "2024-03-05T09:15:00-00:00",
        "2024-03-05T09:15:00+14:59",
        "2024-02-29T23:59:59+07:00",
        "2024-03-05T09:15+07:00",  # no seconds
        "2024-03-05 09:15:00+07:00",  # a space for the T
        "2024-03-05T09:15:00+0700",
        "2024-03-05T09:15:00Z",
        "2024-03-05T09:15:00",  # no offset: Vietnam time
        "2024-03-05",
        "2024-03-05T09:15:00.123+07:00",
        " 2024-03-05T09:15:00+07:00",
    ],
)
def test_other_forms_read_as_parse_iso_reads_them(text: str) -> None:
    assert stored_time(text) == _parsed(text)


def test_impossible_stored_times_fail_as_before() -> None:
    for text in (
        "2023-02-29T10:00:00+07:00",
        "2024-03-05T24:00:00+07:00",
        "1989-12-31T10:00:00+07:00",
    ):
        assert _parsed(text) is None
        with pytest.raises(AttributeError):
            stored_time(text)


def test_no_publication_time_is_none() -> None:
    assert stored_time(None) is None
    assert stored_time("") is None
    assert stored_time("2024-03-05T09:15:00+07:00") == datetime(2024, 3, 5, 2, 15, tzinfo=UTC)
