"""Timestamps in Vietnam time, and --since/--until bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.dates.stored import date_bounds, iso
from archiver.errors import QueryError


def test_times_are_stored_in_vietnam_time_to_the_second():
    assert iso(datetime(2024, 3, 4, 20, 15, 30, 999, tzinfo=UTC)) == "2024-03-05T03:15:30+07:00"
    assert iso(datetime(2024, 3, 4, 20, 15, 30)) == "2024-03-05T03:15:30+07:00"  # naive = UTC


@pytest.mark.parametrize(
    ("since", "until", "bounds"),
    [
        ("2024", None, ("2024-01-01", None)),
        (None, "2024", (None, "2025-01-01")),
        ("2024-03", "2024-03", ("2024-03-01", "2024-04-01")),
        (None, "2024-12", (None, "2025-01-01")),
        ("2024-02-29", "2024-02-29", ("2024-02-29", "2024-03-01")),
    ],
)
def test_periods_include_the_whole_day_month_or_year_named(since, until, bounds):
    assert date_bounds(since, until) == bounds


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("05/03/2024", None, "--since expects a date like"),
        (None, "2023-02-29", "not a real date"),
        ("2024-05", "2024-04", "is after --until"),
    ],
)
def test_bad_dates_are_query_errors(since, until, message):
    with pytest.raises(QueryError, match=message):
        date_bounds(since, until)
