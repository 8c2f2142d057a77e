"""Tests for archiver.dates: Vietnamese date lines, relative forms, metadata values."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.dates import (
    VN_TZ,
    ParsedDate,
    find_dates,
    parse_date,
    parse_epoch,
    parse_iso,
    validate_format,
)
from archiver.errors import ProfileError

NOW = datetime(2026, 3, 7, 10, 0)  # a Saturday, naive = Vietnam time

# (visible text, expected isoformat, expected precision). Sources: site notes and crawler code.
REAL_WORLD = [
    # old provincial portal (ASP.NET, 12-hour clock, "(GMT +7)" with a space)
    ("Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)", "2018-07-04T15:34:00+07:00", "minute"),
    # VnExpress: day and month not zero-padded
    ("Thứ tư, 4/7/2018, 15:34 (GMT+7)", "2018-07-04T15:34:00+07:00", "minute"),
    ("Thứ sáu, 6/8/2021, 01:08 (GMT+7)", "2021-08-06T01:08:00+07:00", "minute"),
    ("Thứ tư, 13/1/2021, 00:00 (GMT+7)", "2021-01-13T00:00:00+07:00", "minute"),
    # Tuổi Trẻ / NLĐ
    ("29/12/2025 22:32 GMT+7", "2025-12-29T22:32:00+07:00", "minute"),
    ("07/03/2026 08:01 GMT+7", "2026-03-07T08:01:00+07:00", "minute"),
    # VietnamNet
    ("Thứ Sáu, 26/12/2025 - 22:10", "2025-12-26T22:10:00+07:00", "minute"),
    ("Thứ Bảy, 07/03/2026 - 08:52", "2026-03-07T08:52:00+07:00", "minute"),
    ("07/03/2026 08:52 (GMT+07:00)", "2026-03-07T08:52:00+07:00", "minute"),
    # Dân Trí
    ("Thứ năm, 25/02/2021 - 15:52", "2021-02-25T15:52:00+07:00", "minute"),
    ("Thứ bảy, 07/03/2026 - 08:07", "2026-03-07T08:07:00+07:00", "minute"),
    # Znews / old Thanh Niên: time first
    ("18:37 26/08/2020", "2020-08-26T18:37:00+07:00", "minute"),
    ("15:34 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("15:34 - 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("Cập nhật lúc 07:30, Thứ Ba, 11/03/2025 (GMT+7)", "2025-03-11T07:30:00+07:00", "minute"),
    ("07:30, Thứ Ba, 11/03/2025", "2025-03-11T07:30:00+07:00", "minute"),
    ("15:34, 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("15:34 | 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("15:34:20 04/07/2018", "2018-07-04T15:34:20+07:00", "second"),
    # old Lao Động / Nhân Dân
    ("04/07/2018 | 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("04-07-2018, 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    # Báo Tây Ninh, Joomla, Nghệ An portal
    ("Thứ sáu: 15:00 ngày 09/02/2024", "2024-02-09T15:00:00+07:00", "minute"),
    ("Thứ ba, 25 Tháng 1 2022 16:22", "2022-01-25T16:22:00+07:00", "minute"),
    ("25 Tháng 1 2022 16:22", "2022-01-25T16:22:00+07:00", "minute"),
    ("Tin đăng ngày: 6/2/2020 - Xem: 92", "2020-02-06T00:00:00+07:00", "date"),
    # Báo Chính phủ, baodautu
    ("03/01/2026 08:56", "2026-01-03T08:56:00+07:00", "minute"),
    ("- 07/03/2026 08:47", "2026-03-07T08:47:00+07:00", "minute"),
    ("Thứ Bảy, Ngày 07 tháng 03 năm 2026", "2026-03-07T00:00:00+07:00", "date"),
    # CafeF: 12-hour clock that prints midnight as 00
    ("07-03-2026 - 09:40 AM", "2026-03-07T09:40:00+07:00", "minute"),
    ("07-03-2026 - 00:35 AM", "2026-03-07T00:35:00+07:00", "minute"),
    ("07-03-2026 - 12:05 AM", "2026-03-07T00:05:00+07:00", "minute"),
    ("07-03-2026 - 12:05 PM", "2026-03-07T12:05:00+07:00", "minute"),
    ("07-03-2026 - 03:40 PM", "2026-03-07T15:40:00+07:00", "minute"),
    # dates in words (docbao patterns)
    ("ngày 04 tháng 07 năm 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("ngày 4 tháng 7 năm 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("Ngày 4 Tháng 7, 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("ngày 4 tháng 7 , 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("04 Tháng 7 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("NGÀY 4 THÁNG 7, 2018 | 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Ngày 4 Tháng 7, 2018 | 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Hà Nội, ngày 04 tháng 07 năm 2018", "2018-07-04T00:00:00+07:00", "date"),
    # labels before the date
    ("Cập nhật: 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Cập nhật lúc 15:34 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("Đăng lúc: 15:34 ngày 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("Ngày đăng: 04/07/2018", "2018-07-04T00:00:00+07:00", "date"),
    ("Ngày: 04/07/2018", "2018-07-04T00:00:00+07:00", "date"),
    ("Thời gian: 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Published: 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Quyết định số 1234/QĐ-UBND ngày 04/07/2018", "2018-07-04T00:00:00+07:00", "date"),
    # Vietnamese hour forms
    ("15 giờ 34 phút, ngày 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("15h34 ngày 4/7/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("15h ngày 4/7/2018", "2018-07-04T15:00:00+07:00", "minute"),
    ("15H34, 04/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    ("Ngày 04/07/2018 lúc 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018, lúc 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 3:34 chiều", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 03:34 CH", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 03:34 SA", "2018-07-04T03:34:00+07:00", "minute"),
    ("8 giờ tối ngày 4/7/2018", "2018-07-04T20:00:00+07:00", "minute"),
    ("11 giờ đêm ngày 4/7/2018", "2018-07-04T23:00:00+07:00", "minute"),
    ("04/07/2018 lúc 9 giờ sáng", "2018-07-04T09:00:00+07:00", "minute"),
    ("1 giờ trưa ngày 4/7/2018", "2018-07-04T13:00:00+07:00", "minute"),
    ("04/07/2018 15:34:00", "2018-07-04T15:34:00+07:00", "second"),
    ("Đăng 04/07/2018, 2 giờ trước", "2018-07-04T00:00:00+07:00", "date"),
    # weekday prefixes in every spelling
    ("T2, 02/07/2018 08:00", "2018-07-02T08:00:00+07:00", "minute"),
    ("Thứ hai, 02/07/2018 08:00", "2018-07-02T08:00:00+07:00", "minute"),
    ("CN, 08/07/2018 09:00", "2018-07-08T09:00:00+07:00", "minute"),
    ("Chủ nhật, 08/07/2018 09:00", "2018-07-08T09:00:00+07:00", "minute"),
    ("Chủ Nhật, 08/07/2018 09:00", "2018-07-08T09:00:00+07:00", "minute"),
    ("thu 4, 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Thu tu, 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("THỨ TƯ, 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Thứ Tư, 04/07/2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    # other separators and spaces
    ("04.07.2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 \u2013 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("15:34\u00a0-\u00a004/07/2018", "2018-07-04T15:34:00+07:00", "minute"),
    # zones: GMT+7 is UTC+7 (no POSIX sign flip); other offsets converted to +07:00
    ("04/07/2018 15:34 GMT+07:00", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 15:34 UTC+7", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 15:34 +07:00", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 08:34 GMT+0", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 08:34 UTC", "2018-07-04T15:34:00+07:00", "minute"),
    ("04/07/2018 03:34 GMT-5", "2018-07-04T15:34:00+07:00", "minute"),
    ("2018-07-04T08:34:00Z", "2018-07-04T15:34:00+07:00", "second"),
    ("2018-07-04 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    # English editions
    ("July 4, 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("Jul. 4, 2018", "2018-07-04T00:00:00+07:00", "date"),
    ("4 July 2018 15:34", "2018-07-04T15:34:00+07:00", "minute"),
    ("Wednesday, July 4, 2018 3:34 PM", "2018-07-04T15:34:00+07:00", "minute"),
]

REJECTED = [
    "31/02/2020",
    "29/02/2019",
    "13/13/2020",
    "32/01/2020",
    "0/0/2020",
    "15:34",
    "04/07/18",
    "04/07/18 15:34",
    "04/07",
    "ngày 4/7",
    "Tháng 7/2018",
    "Lượt xem: 136",
    "7331 Lượt xem",
    "Hotline: 0903.123.456",
    "Điện thoại: 0235 3812 345",
    "Số 12/2018/NĐ-CP",
    "Nghị định 12/2018/NĐ-CP",
    "Nghị định 01/12/2018/NĐ-CP",
    "Phiên bản 1.2.3",
    "version 2.10.1",
    "Tỷ số 3-2",
    "3-2",
    "04/07/2018 25:00",
    "04/07/2018 15:60",
    "04/07/2018 15:34 GMT+25",
    "1/1/1850",
    "99/99/9999",
    "",
    "không có ngày nào ở đây",
]


@pytest.mark.parametrize(("text", "iso", "precision"), REAL_WORLD)
def test_real_world_date_lines(text: str, iso: str, precision: str) -> None:
    found = parse_date(text, now=NOW)
    assert found is not None, text
    assert found.isoformat() == iso
    assert found.precision == precision
    assert found.value.utcoffset() == timedelta(hours=7)
    assert text[found.span[0] : found.span[1]] == found.raw


def test_table_covers_at_least_sixty_real_world_strings() -> None:
    assert len({text for text, _, _ in REAL_WORLD}) >= 60


@pytest.mark.parametrize("text", REJECTED)
def test_non_dates_and_impossible_dates_are_rejected(text: str) -> None:
    assert parse_date(text, now=NOW) is None


def test_day_comes_before_month() -> None:
    assert parse_date("04/07/2018").value.month == 7


def test_raw_and_span_cover_the_whole_date_line() -> None:
    text = "Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)"
    found = parse_date(text)
    assert found.raw == text
    assert found.span == (0, len(text))


def test_labels_are_left_out_of_raw() -> None:
    found = parse_date("Cập nhật: 04/07/2018 15:34")
    assert (found.raw, found.span) == ("04/07/2018 15:34", (10, 26))
    assert parse_date("Tin đăng ngày: 6/2/2020 - Xem: 92").raw == "6/2/2020"


def test_time_after_a_date_is_not_misread_as_a_day() -> None:
    # The lesson from the prototype: "15:34 - 04/07/2018" once read as day 34.
    found = parse_date("15:34 - 04/07/2018")
    assert (found.value.day, found.value.hour, found.value.minute) == (4, 15, 34)


def test_contradicting_weekday_is_ignored_and_the_date_wins() -> None:
    found = parse_date("Thứ 2, 04/07/2018 15:34")  # 4 July 2018 was a Wednesday
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"
    assert found.raw == "04/07/2018 15:34"


def test_decomposed_input_keeps_spans_into_the_original_text() -> None:
    text = unicodedata.normalize("NFD", "Cập nhật: Thứ tư, 4/7/2018, 15:34 (GMT+7)")
    found = parse_date(text)
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"
    assert text[found.span[0] : found.span[1]] == found.raw
    assert unicodedata.normalize("NFC", found.raw) == "Thứ tư, 4/7/2018, 15:34 (GMT+7)"


def test_isoformat_always_shows_seconds_and_drops_microseconds() -> None:
    value = datetime(2018, 7, 4, 15, 34, 0, 123456, tzinfo=VN_TZ)
    assert ParsedDate(value, "x", "second", (0, 1)).isoformat() == "2018-07-04T15:34:00+07:00"


def test_first_date_of_a_longer_line_is_returned() -> None:
    found = parse_date("Bài viết 04/07/2018 15:34, sửa lại 05/07/2018 09:00")
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"


# --- order="MDY" ---------------------------------------------------------------------------


def test_us_order_is_used_only_when_declared() -> None:
    text = "7/4/2018 3:34:00 PM"
    assert parse_date(text, order="MDY").isoformat() == "2018-07-04T15:34:00+07:00"
    assert parse_date(text).isoformat() == "2018-04-07T15:34:00+07:00"
    assert parse_date(text, order="MDY").precision == "second"


def test_us_order_rejects_impossible_months() -> None:
    assert parse_date("12/31/2018", order="MDY").isoformat() == "2018-12-31T00:00:00+07:00"
    assert parse_date("12/31/2018") is None


def test_us_order_leaves_dates_in_words_alone() -> None:
    found = parse_date("ngày 4 tháng 7 năm 2018", order="MDY")
    assert found.isoformat() == "2018-07-04T00:00:00+07:00"


def test_unknown_order_is_a_profile_error() -> None:
    with pytest.raises(ProfileError):
        parse_date("04/07/2018", order="YDM")


# --- format hints --------------------------------------------------------------------------


def test_format_hint_reads_cafef_midnight() -> None:
    found = parse_date("07-03-2026 - 00:35 AM", formats=["%d-%m-%Y - %I:%M %p"])
    assert found.isoformat() == "2026-03-07T00:35:00+07:00"
    assert found.raw == "07-03-2026 - 00:35 AM"


def test_format_hint_is_tried_before_the_generic_patterns() -> None:
    found = parse_date("7/4/2018 3:34:00 PM", formats=["%m/%d/%Y %I:%M:%S %p"])
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"
    assert found.precision == "second"


def test_format_hint_with_vietnamese_words_matches_any_case_and_accents() -> None:
    found = parse_date("NGÀY 4 THÁNG 7, 2018 | 15:34", formats=["Ngày %d Tháng %m, %Y | %H:%M"])
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"


def test_format_hint_with_offset_converts_to_vietnam_time() -> None:
    found = parse_date("2018-07-04 08:34 +0000", formats=["%Y-%m-%d %H:%M %z"])
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"


def test_unmatched_format_hint_falls_back_to_generic_parsing() -> None:
    found = parse_date("04/07/2018 15:34", formats=["%Y.%m.%d"])
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"


@pytest.mark.parametrize("fmt", ["%d/%m/%Y %Q", "%H:%M", "%m/%Y", "%d/%d/%Y"])
def test_unusable_format_is_a_profile_error(fmt: str) -> None:
    with pytest.raises(ProfileError):
        validate_format(fmt)


# --- relative forms ------------------------------------------------------------------------

RELATIVE = [
    ("Vừa xong", "2026-03-07T10:00:00+07:00"),
    ("vừa mới", "2026-03-07T10:00:00+07:00"),
    ("30 giây trước", "2026-03-07T09:59:30+07:00"),
    ("30 phút trước", "2026-03-07T09:30:00+07:00"),
    ("2 giờ trước", "2026-03-07T08:00:00+07:00"),
    ("3 ngày trước", "2026-03-04T10:00:00+07:00"),
    ("1 tuần trước", "2026-02-28T10:00:00+07:00"),
    ("2 tháng trước", "2026-01-07T10:00:00+07:00"),
    ("1 năm trước", "2025-03-07T10:00:00+07:00"),
    ("hôm nay", "2026-03-07T00:00:00+07:00"),
    ("hôm qua", "2026-03-06T00:00:00+07:00"),
    ("hôm kia", "2026-03-05T00:00:00+07:00"),
    ("Hôm qua lúc 15:34", "2026-03-06T15:34:00+07:00"),
    ("hôm nay 08:00", "2026-03-07T08:00:00+07:00"),
    ("Đăng 08:00 hôm nay", "2026-03-07T08:00:00+07:00"),
    ("thứ 5 tuần trước", "2026-02-26T00:00:00+07:00"),
    ("2 hours ago", "2026-03-07T08:00:00+07:00"),
    ("yesterday", "2026-03-06T00:00:00+07:00"),
]


@pytest.mark.parametrize(("text", "iso"), RELATIVE)
def test_relative_forms_resolve_against_now(text: str, iso: str) -> None:
    found = parse_date(text, now=NOW)
    assert found.isoformat() == iso
    assert found.precision == "relative"
    assert text[found.span[0] : found.span[1]] == found.raw


def test_aware_now_is_converted_to_vietnam_time() -> None:
    now = datetime(2026, 3, 7, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    assert parse_date("2 giờ trước", now=now).isoformat() == "2026-03-07T08:00:00+07:00"
    assert parse_date("hôm nay", now=datetime(2026, 3, 6, 20, 0, tzinfo=UTC)).value.day == 7


def test_month_arithmetic_clamps_to_the_end_of_the_month() -> None:
    found = parse_date("1 tháng trước", now=datetime(2026, 3, 31, 10, 0))
    assert found.isoformat() == "2026-02-28T10:00:00+07:00"


def test_absolute_date_wins_over_a_relative_form() -> None:
    found = parse_date("2 giờ trước - 04/07/2018 15:34", now=NOW)
    assert found.isoformat() == "2018-07-04T15:34:00+07:00"
    assert found.precision == "minute"


def test_relative_with_impossible_time_is_rejected() -> None:
    assert parse_date("hôm qua lúc 25:00", now=NOW) is None


def test_relative_far_in_the_past_is_out_of_range() -> None:
    assert parse_date("9999 năm trước", now=NOW) is None


def test_default_now_is_the_current_time() -> None:
    found = parse_date("Vừa xong")
    assert abs(found.value - datetime.now(VN_TZ)) < timedelta(minutes=1)


# --- find_dates ----------------------------------------------------------------------------


def test_find_dates_returns_every_date_with_its_span() -> None:
    text = (
        "Bài 1: 18:37 26/08/2020. Bài 2 cập nhật 04/07/2018 | 15:34, "
        "sự kiện diễn ra ngày 4 tháng 7 năm 2018."
    )
    found = find_dates(text)
    assert [f.raw for f in found] == [
        "18:37 26/08/2020",
        "04/07/2018 | 15:34",
        "ngày 4 tháng 7 năm 2018",
    ]
    assert [f.isoformat() for f in found] == [
        "2020-08-26T18:37:00+07:00",
        "2018-07-04T15:34:00+07:00",
        "2018-07-04T00:00:00+07:00",
    ]
    assert all(text[f.span[0] : f.span[1]] == f.raw for f in found)
    assert [f.span[0] for f in found] == sorted(f.span[0] for f in found)


def test_find_dates_gives_a_leading_time_to_the_date_it_precedes() -> None:
    found = find_dates("18:37 26/08/2020 19:00 27/08/2020")
    assert [f.isoformat() for f in found] == [
        "2020-08-26T18:37:00+07:00",
        "2020-08-27T19:00:00+07:00",
    ]


def test_find_dates_gives_a_trailing_time_to_the_date_it_follows() -> None:
    found = find_dates("04/07/2018 15:34 - 05/07/2018 16:00")
    assert [f.raw for f in found] == ["04/07/2018 15:34", "05/07/2018 16:00"]


def test_find_dates_skips_document_numbers_and_impossible_dates() -> None:
    found = find_dates("Nghị định 12/2018/NĐ-CP ngày 31/02/2020, sửa đổi ngày 01/03/2020.")
    assert [f.raw for f in found] == ["01/03/2020"]


def test_find_dates_ignores_relative_forms() -> None:
    assert find_dates("2 giờ trước, hôm qua", now=NOW) == []
    assert find_dates("") == []


def test_find_dates_with_a_format_hint_does_not_double_count() -> None:
    text = "a 07-03-2026 - 00:35 AM b 08-03-2026 - 01:00 PM"
    found = find_dates(text, formats=["%d-%m-%Y - %I:%M %p"])
    assert [f.isoformat() for f in found] == [
        "2026-03-07T00:35:00+07:00",
        "2026-03-08T13:00:00+07:00",
    ]


# --- parse_iso -----------------------------------------------------------------------------

ISO = [
    ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00", "second"),
    ("2018-07-28T00:35:00", "2018-07-28T00:35:00+07:00", "second"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00", "minute"),
    ("2021-01-13T00:00:00+0700", "2021-01-13T00:00:00+07:00", "second"),
    ("2018-07-04T08:34:00Z", "2018-07-04T15:34:00+07:00", "second"),
    ("2018-07-04T08:34:00+00:00", "2018-07-04T15:34:00+07:00", "second"),
    ("2018-07-04T03:34:00-05:00", "2018-07-04T15:34:00+07:00", "second"),
    ("2018-07-04T15:34:00.123456+07:00", "2018-07-04T15:34:00+07:00", "second"),
    ("2018-07-04T15:34+07:00", "2018-07-04T15:34:00+07:00", "minute"),
    ("2018-07-04", "2018-07-04T00:00:00+07:00", "date"),
]


@pytest.mark.parametrize(("value", "iso", "precision"), ISO)
def test_parse_iso_reads_metadata_forms(value: str, iso: str, precision: str) -> None:
    found = parse_iso(value)
    assert found.isoformat() == iso
    assert found.precision == precision


def test_parse_iso_strips_surrounding_space_from_raw() -> None:
    found = parse_iso(" 2018-07-04T15:34:00+07:00 ")
    assert (found.raw, found.span) == ("2018-07-04T15:34:00+07:00", (1, 26))


@pytest.mark.parametrize(
    "value",
    ["2018-02-30", "2018-07-04T25:00", "2018-07-04T15:34:00+25:00", "04/07/2018", "", "soon"],
)
def test_parse_iso_rejects_what_is_not_an_iso_date(value: str) -> None:
    assert parse_iso(value) is None


# --- never raises --------------------------------------------------------------------------


def _check(text: str, found: ParsedDate | None) -> None:
    if found is None:
        return
    assert 1990 <= found.value.year <= 2100
    assert found.value.utcoffset() == timedelta(hours=7)
    assert text[found.span[0] : found.span[1]] == found.raw
    assert found.precision in ("second", "minute", "date", "relative")


@settings(max_examples=300, database=None, deadline=None)
@given(st.text())
def test_arbitrary_text_gives_none_or_a_date_in_range(text: str) -> None:
    _check(text, parse_date(text, now=NOW))
    _check(text, parse_iso(text))
    for found in find_dates(text):
        _check(text, found)


_PIECES = [
    *"0123456789",
    "/",
    "-",
    ".",
    ":",
    " ",
    ",",
    "|",
    "(",
    ")",
    "+",
    "h",
    "T",
    "Z",
    "Thứ ",
    "thu ",
    "CN",
    "ngày ",
    "tháng ",
    "năm ",
    "lúc ",
    "giờ ",
    "phút ",
    "trước",
    "hôm qua",
    "GMT",
    "UTC",
    "AM",
    "PM",
    "SA",
    "CH",
    "chiều",
    "tối",
    "đêm",
    "2018",
    "20",
    "31",
    "12",
    "\u0301",
    "\u00a0",
    "July ",
    "vừa xong",
]


@settings(max_examples=300, database=None, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.datetimes())
def test_date_shaped_garbage_never_raises(text: str, now: datetime) -> None:
    _check(text, parse_date(text, now=now))
    _check(text, parse_date(text, now=now, order="MDY"))
    _check(text, parse_iso(text))
    for found in find_dates(text):
        _check(text, found)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1789348500", "2026-09-14T08:15:00+07:00"),  # seconds
        ("1789348500123", "2026-09-14T08:15:00+07:00"),  # milliseconds
        (" 1726276500 ", "2024-09-14T08:15:00+07:00"),
    ],
)
def test_a_unix_time_reads_as_vietnam_time(value: str, expected: str) -> None:
    parsed = parse_epoch(value)
    assert parsed is not None and parsed.isoformat() == expected


@pytest.mark.parametrize(
    "value", ["42", "123456789", "12345678901", "9999999999999", "1789348500.5", "١٧٨٩٣٤٨٥٠٠", ""]
)
def test_a_number_that_is_no_unix_time_of_a_news_year_is_not_read(value: str) -> None:
    # A count or an id (not 10 or 13 digits), a time past 2100, a fraction, other digits.
    assert parse_epoch(value) is None
