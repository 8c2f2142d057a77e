"""Page dates: the date lines and metadata values of Vietnamese pages, to GMT+7 datetimes.

Hand-written regular expressions, compiled once, run over an accent-folded copy of the text
(``Thứ Tư`` → ``Thu Tu``) whose positions map back to the input, so each result carries the
exact substring it came from. Day comes before month unless a site declares ``order="MDY"``.
Neither dateutil (it reads ``GMT+7`` as UTC-7) nor dateparser (slow, wrong on many of these
strings) is used. Garbage in gives ``None``, never an exception.

    >>> parse_date("Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)").isoformat()
    '2018-07-04T15:34:00+07:00'
"""

from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from archiver.errors import ProfileError
from archiver.text import FOLD_TABLE

__all__ = [
    "ORDERS",
    "VN_TZ",
    "ParsedDate",
    "find_dates",
    "parse_date",
    "parse_epoch",
    "parse_iso",
    "validate_format",
]

VN_TZ = timezone(timedelta(hours=7))
# A news archive has no publication dates outside this range; anything else is a misread number.
MIN_YEAR, MAX_YEAR = 1990, 2100
ORDERS = ("DMY", "MDY")


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date found in text: the value in +07:00, where it came from, and how precise it is."""

    value: datetime
    raw: str
    precision: str  # "second" | "minute" | "date" | "relative"
    span: tuple[int, int]

    def isoformat(self) -> str:
        """``2018-07-04T15:34:00+07:00``: seconds always shown, microseconds dropped."""
        return self.value.replace(microsecond=0).isoformat()


# --- folding: one output character per input character, so spans stay valid -------------------


def _build_table() -> dict[int, str]:
    table = {code: base for code, base in FOLD_TABLE.items() if len(base) == 1}
    # Unicode spaces become ASCII spaces so the patterns can run with re.ASCII (fast, and \d
    # then never matches Arabic-Indic or full-width digits).
    table.update({code: " " for code in range(0x80, 0x3001) if chr(code).isspace()})
    table.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD), " "))
    table.update(dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212), "-"))
    return table


_TABLE = _build_table()


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Return the folded text and, when lengths differ (NFD input), folded → input positions."""
    if text.isascii():
        return text, None
    if unicodedata.is_normalized("NFC", text):
        return text.translate(_TABLE), None
    # Decomposed input: drop the combining marks and remember where each kept character was.
    kept: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if not unicodedata.combining(char):
            kept.append(char)
            index.append(i)
    index.append(len(text))
    return "".join(kept).translate(_TABLE), index


# --- patterns (run on folded text) ----------------------------------------------------------

_FLAGS = re.ASCII | re.IGNORECASE | re.VERBOSE
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUM_START = r"(?<![\d/:.])(?<!\d{3}-)"
_DATE = re.compile(
    rf"""
      {_NUM_START}(?P<y1>\d{{4}})(?P<s1>[/.\-])(?P<m1>\d{{1,2}})(?P=s1)(?P<d1>\d{{1,2}})
          (?!\d|[/.\-]\d)
    | {_NUM_START}(?P<a2>\d{{1,2}})(?P<s2>[/.\-])(?P<b2>\d{{1,2}})(?P=s2)(?P<y2>\d{{4}})
          (?!\d|[/.\-][^\W\d]|/\d)              # not a document number: 01/12/2018/ND-CP
    | (?:\bngay\s*:?\s*)?(?<![\d/:.])(?P<d3>\d{{1,2}})\s*thang\s*(?P<m3>\d{{1,2}})
          \s*(?:[,/\-]\s*)?(?:nam\s+)?(?P<y3>\d{{4}})(?!\d)
    | \b(?P<n4>{_MONTH})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}})(?!\d)
    | (?<![\d/:.])(?P<d5>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<n5>{_MONTH})\b\.?,?\s+
          (?P<y5>\d{{4}})(?!\d)
    """,
    _FLAGS,
)
_TIME_SRC = r"""
    (?<![\d:/.])(?P<h>\d{1,2})
    (?: :(?P<cm>\d{2})(?::(?P<cs>\d{2})(?:[.,]\d{1,6})?)?
      | \s*gio\b(?:\s*(?P<gm>\d{1,2})(?:\s*phut\b)?(?:\s*(?P<gs>\d{1,2})\s*giay\b)?)?
      | \s?[hg](?:\s?(?P<hm>\d{1,2})(?![\d/])(?:\s?(?:phut\b|p\b|'))?|(?![a-z]))
    )(?![\d/])
    (?:\s*(?P<ap>a\.?m|p\.?m|sa|ch|sang|trua|chieu|toi|dem|khuya)\b)?
    (?!\s*(?:truoc|ago)\b)                      # "2 giờ trước" is a duration, not a clock time
"""
_TIME = re.compile(_TIME_SRC, _FLAGS)
# Between a date and a time that follows it: ", " " - " " | " " lúc " "T".
_SEP_AFTER = re.compile(r"(?:\s*[,|\-:]\s*|\s+|T(?=\d))(?:(?:vao\s+)?luc\b\s*:?\s*)?", _FLAGS)
# Between a time and the date after it: " - ", " ngày ", ", lúc ".
_SEP_BEFORE_SRC = r"(?:\s*[,|\-]\s*|\s+)(?:(?:ngay|luc)\b\s*:?\s*)?"
_SEP_BEFORE = re.compile(_SEP_BEFORE_SRC, _FLAGS)
_TIME_BEFORE = re.compile(_TIME_SRC + _SEP_BEFORE_SRC + r"\Z", _FLAGS)
_TZ = re.compile(
    r"""\s*(?P<open>\()?\s*
    (?: (?P<zone>gmt|utc|ict)\b\s*(?:(?P<sign>[+\-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?!\d))?
      | (?P<bsign>[+\-])(?P<boh>\d{2}):?(?P<bom>\d{2})(?!\d)
      | (?<=\d)(?P<z>z)\b
    )(?(open)\s*\))""",
    _FLAGS,
)
_WEEKDAY_SRC = r"""\b(?:thu\s*[2-7]|thu\s+(?:hai|ba|tu|nam|sau|bay)|chu\s*nhat|cn|t[2-7]
    |monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|fri|sat|sun)\b\.?"""
_WEEKDAY_BEFORE = re.compile(rf"(?P<wd>{_WEEKDAY_SRC})\s*[,:\-|]?\s*(?:ngay\b\s*:?\s*)?\Z", _FLAGS)
_WEEKDAYS = {
    **{f"thu{n}": n - 2 for n in range(2, 8)},
    **{f"t{n}": n - 2 for n in range(2, 8)},
    "thuhai": 0,
    "thuba": 1,
    "thutu": 2,
    "thunam": 3,
    "thusau": 4,
    "thubay": 5,
    "chunhat": 6,
    "cn": 6,
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}
_RELATIVE = re.compile(
    rf"""
      \b(?P<just>vua\s+xong|vua\s+moi|moi\s+day|just\s+now)\b
    | (?<![\w.,])(?:(?P<n>\d{{1,4}})\s*|(?P<w>mot|hai|ba|an?|one)\s+)
        (?P<unit>giay|phut|gio|ngay|tuan|thang|nam|sec(?:ond)?s?|min(?:ute)?s?|hours?|days?
                 |weeks?|months?|years?)\s+(?:truoc|ago)\b
    | (?P<wd>{_WEEKDAY_SRC})\s+tuan\s+truoc\b
    | \b(?P<day>hom\s+nay|hom\s+qua|hom\s+kia|today|yesterday)\b
    """,
    _FLAGS,
)
_ANY_DIGIT = re.compile(r"\d")
_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "a": 1, "an": 1, "one": 1}
_DAYS_BACK = {"homnay": 0, "today": 0, "homqua": 1, "yesterday": 1, "homkia": 2}
# Unit (first three letters) -> (seconds, months) to go back.
_UNITS = {
    "gia": (1, 0),
    "sec": (1, 0),
    "phu": (60, 0),
    "min": (60, 0),
    "gio": (3600, 0),
    "hou": (3600, 0),
    "nga": (86400, 0),
    "day": (86400, 0),
    "tua": (604800, 0),
    "wee": (604800, 0),
    "tha": (0, 1),
    "mon": (0, 1),
    "nam": (0, 12),
    "yea": (0, 12),
}
_ISO = re.compile(
    r"""\s*(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})
    (?:[T\s]\s*(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?
       \s*(?:(?P<z>Z)|(?P<sign>[+\-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?)?\s*\Z""",
    _FLAGS,
)


# --- small builders -------------------------------------------------------------------------


def _make_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _date_of(m: re.Match[str], order: str) -> date | None:
    if m["y1"]:
        return _make_date(int(m["y1"]), int(m["m1"]), int(m["d1"]))
    if m["y2"]:
        first, second = int(m["a2"]), int(m["b2"])
        if order == "MDY":
            first, second = second, first
        return _make_date(int(m["y2"]), second, first)
    if m["y3"]:
        return _make_date(int(m["y3"]), int(m["m3"]), int(m["d3"]))
    if m["y4"]:
        return _make_date(int(m["y4"]), _MONTHS[m["n4"].lower()], int(m["d4"]))
    return _make_date(int(m["y5"]), _MONTHS[m["n5"].lower()], int(m["d5"]))


def _hour24(hour: int, marker: str | None) -> int:
    """Apply AM/PM, SA/CH or a Vietnamese part of the day to a 12-hour clock value."""
    if not marker or hour > 12:  # a 24-hour value keeps its meaning whatever follows it
        return hour
    marker = marker.lower().replace(".", "")
    if marker in ("am", "sa", "sang"):
        return 0 if hour == 12 else hour  # CafeF prints midnight as "00:35 AM"
    if marker in ("pm", "ch", "chieu"):
        return 12 if hour in (0, 12) else hour + 12
    if marker == "trua":  # noon: "11 giờ trưa" = 11:00, "1 giờ trưa" = 13:00
        return hour + 12 if 1 <= hour <= 5 else hour
    if hour == 12:  # "12 giờ đêm" = midnight
        return 0
    if marker == "toi":
        return hour + 12 if hour else 0
    return hour + 12 if hour >= 6 else hour  # đêm/khuya: "11 giờ đêm" = 23, "2 giờ đêm" = 2


_BAD = (-1, -1, -1, False)


def _clock_of(
    hour: str, minute: str | None, second: str | None, marker: str | None
) -> tuple[int, int, int, bool]:
    """(hour, minute, second, seconds given) from matched digits; ``_BAD`` when impossible."""
    h, mi, s = _hour24(int(hour), marker), int(minute or 0), int(second or 0)
    if h > 23 or mi > 59 or s > 59:
        return _BAD
    return h, mi, s, second is not None


def _clock(m: re.Match[str]) -> tuple[int, int, int, bool]:
    return _clock_of(m["h"], m["cm"] or m["gm"] or m["hm"], m["cs"] or m["gs"], m["ap"])


def _signed_zone(sign: str, hours: str, minutes: str | None) -> timezone | None:
    h, mi = int(hours), int(minutes or 0)
    if h > 14 or mi > 59:
        return None
    delta = timedelta(hours=h, minutes=mi)
    return timezone(-delta if sign == "-" else delta)


def _offset(m: re.Match[str]) -> timezone | None:
    """The zone of a ``_TZ`` match (GMT+7 means UTC+7: no POSIX sign flip); None if impossible."""
    if m["z"]:
        return UTC
    if m["bsign"]:
        return _signed_zone(m["bsign"], m["boh"], m["bom"])
    if m["sign"]:
        return _signed_zone(m["sign"], m["oh"], m["om"])
    return VN_TZ if m["zone"].lower() == "ict" else UTC


class _Text:
    """The input, its folded copy, and the map between their positions."""

    __slots__ = ("folded", "index", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self.index = _fold(text)

    def result(self, value: datetime, precision: str, start: int, end: int) -> ParsedDate | None:
        value = value.astimezone(VN_TZ)
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            return None
        if self.index is not None:
            start, end = self.index[start], self.index[end]
        return ParsedDate(value, self.text[start:end], precision, (start, end))


def _precision(clock: tuple[int, int, int, bool] | None) -> str:
    if clock is None:
        return "date"
    return "second" if clock[3] else "minute"


def _build(
    t: _Text,
    day: date,
    clock: tuple[int, int, int, bool] | None,
    start: int,
    end: int,
    zone: timezone | None = VN_TZ,
) -> ParsedDate | None:
    """Finish a date found at folded [start, end): read a zone after it, then make the result."""
    tz_match = _TZ.match(t.folded, end)
    if tz_match is not None:
        zone, end = _offset(tz_match), tz_match.end()
    if zone is None or clock == _BAD:
        return None
    h, mi, s, _ = clock or (0, 0, 0, False)
    value = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=zone)
    return t.result(value, _precision(clock), start, end)


# --- absolute dates -------------------------------------------------------------------------


def _time_after(folded: str, pos: int) -> re.Match[str] | None:
    sep = _SEP_AFTER.match(folded, pos)
    return _TIME.match(folded, sep.end()) if sep else None


def _own_time_after(folded: str, pos: int) -> re.Match[str] | None:
    """The time following a date, unless it is really the leading time of the next date."""
    tm = _time_after(folded, pos)
    if tm is None:
        return None
    # "18:37 26/08/2020 19:00 27/08/2020": 19:00 belongs to the second date.
    sep = _SEP_BEFORE.match(folded, tm.end())
    nxt = _DATE.match(folded, sep.end()) if sep else None
    if nxt is not None and _time_after(folded, nxt.end()) is None:
        return None
    return tm


def _weekday_start(t: _Text, day: date, start: int, floor: int) -> int:
    """Extend ``start`` over a weekday prefix that agrees with the date (a contradicting one is
    left out: the date wins)."""
    wm = _WEEKDAY_BEFORE.search(t.folded, max(floor, start - 30), start)
    if wm is None:
        return start
    return wm.start() if _weekday(wm["wd"]) == day.weekday() else start


def _weekday(name: str) -> int | None:
    """The weekday (Monday 0) a weekday name in the folded text means ("Thu 5", "Chu nhat",
    "Tues."), or None."""
    key = re.sub(r"[\s.]", "", name.lower())
    return _WEEKDAYS.get(key, _WEEKDAYS.get(key[:3]))


def _attach_time(
    folded: str, start: int, end: int, floor: int
) -> tuple[tuple[int, int, int, bool] | None, int, int]:
    """Find the time of a date at [start, end): after it if there is one, else before it."""
    tm = _own_time_after(folded, end)
    if tm is not None:
        return _clock(tm), start, tm.end()
    bm = _TIME_BEFORE.search(folded, max(floor, start - 40), start)
    if bm is not None:
        return _clock(bm), bm.start(), end
    return None, start, end


def _generic(t: _Text, m: re.Match[str], order: str, floor: int) -> ParsedDate | None:
    day = _date_of(m, order)
    if day is None:
        return None
    # A weekday belongs to the date, and a time may stand before both ("07:30, Thứ Ba, 11/03").
    start = _weekday_start(t, day, m.start(), floor)
    clock, start, end = _attach_time(t.folded, start, m.end(), floor)
    return _build(t, day, clock, start, end)


def _scan(t: _Text, order: str, formats: Sequence[str]) -> Iterator[ParsedDate]:
    """Yield every date candidate, format hints first, in text order within each source."""
    for fmt in formats:
        for m in _compile_format(fmt).finditer(t.folded):
            found = _from_format(t, m)
            if found is not None:
                yield found
    floor = 0
    for m in _DATE.finditer(t.folded):
        if m.start() < floor:
            continue
        found = _generic(t, m, order, floor)
        if found is not None:
            end = found.span[1]
            floor = end if t.index is None else bisect.bisect_left(t.index, end)
            yield found


# --- format hints ---------------------------------------------------------------------------

_DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})",
    "m": r"(?P<m>\d{1,2})",
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "p": r"(?P<p>a\.?m\.?|p\.?m\.?|sa|ch)",
    "b": rf"(?P<b>{_MONTH})",
    "B": rf"(?P<B>{_MONTH})",
    "a": rf"(?:{_WEEKDAY_SRC})",
    "A": rf"(?:{_WEEKDAY_SRC})",
    "%": "%",
    "z": r"(?P<z>[+\-]\d{2}:?\d{2}|z)",
    "Z": r"(?P<Z>(?:gmt|utc|ict)(?:\s*[+\-]\s*\d{1,2}(?::?\d{2})?)?)",
}


@lru_cache(maxsize=128)
def _compile_format(fmt: str) -> re.Pattern[str]:
    parts = [r"(?<![\d:/.])"]
    for token in re.findall(r"%.|\s+|[^%\s]+", fmt.translate(_TABLE)):
        if token.startswith("%"):
            if token[1:] not in _DIRECTIVES:
                raise ProfileError(f"unsupported directive {token!r} in {fmt!r}", field="formats")
            parts.append(_DIRECTIVES[token[1:]])
        else:
            parts.append(r"\s+" if token.isspace() else re.escape(token))
    try:
        pattern = re.compile("".join(parts) + r"(?!\d)", _FLAGS)
    except re.error as exc:
        raise ProfileError(f"date format {fmt!r} is not usable: {exc}", field="formats") from exc
    names = pattern.groupindex
    if not ({"Y", "y"} & names.keys() and "d" in names and {"m", "b", "B"} & names.keys()):
        raise ProfileError(f"date format {fmt!r} needs a day, a month and a year", field="formats")
    return pattern


def validate_format(fmt: str) -> None:
    """Raise :class:`ProfileError` if a site profile's date format cannot be used."""
    _compile_format(fmt)


def _from_format(t: _Text, m: re.Match[str]) -> ParsedDate | None:
    groups = m.groupdict()
    year = int(groups["Y"]) if groups.get("Y") else 2000 + int(groups["y"])
    month_name = groups.get("b") or groups.get("B")
    month = _MONTHS[month_name.lower()] if month_name else int(groups.get("m") or 1)
    day = _make_date(year, month, int(groups.get("d") or 1))
    if day is None:
        return None
    clock = None
    hour = groups.get("H") or groups.get("I")
    if hour is not None:
        clock = _clock_of(hour, groups.get("M"), groups.get("S"), groups.get("p"))
    zone: timezone | None = VN_TZ
    zone_text = groups.get("z") or groups.get("Z")
    if zone_text:
        zm = _TZ.match(zone_text)
        zone = UTC if zone_text.lower() == "z" else _offset(zm) if zm else None
    return _build(t, day, clock, *m.span(), zone=zone)


# --- relative dates -------------------------------------------------------------------------


def _vn_now(now: datetime | None) -> datetime:
    if now is None:
        now = datetime.now(VN_TZ)
    elif now.utcoffset() is None:  # naive: the caller's clock is Vietnam time
        now = now.replace(tzinfo=VN_TZ)
    return now.astimezone(VN_TZ).replace(microsecond=0)


def _months_back(now: datetime, months: int) -> datetime | None:
    total = now.year * 12 + now.month - 1 - months
    year, month = divmod(total, 12)
    if year < MIN_YEAR:
        return None
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _relative(t: _Text, now: datetime) -> ParsedDate | None:
    m = _RELATIVE.search(t.folded)
    if m is None:
        return None
    start, end = m.span()
    if m["just"]:
        return t.result(now, "relative", start, end)
    if m["unit"]:
        count = int(m["n"]) if m["n"] else _WORD_NUMBERS[m["w"].lower()]
        seconds, months = _UNITS[m["unit"][:3].lower()]
        value = _months_back(now, count * months)
        if value is None:
            return None
        return t.result(value - timedelta(seconds=count * seconds), "relative", start, end)
    if m["wd"]:  # "thứ 5 tuần trước": that weekday in the week (Monday first) before this one
        weekday = _weekday(m["wd"]) or 0
        day = now.date() - timedelta(days=now.weekday() + 7 - weekday)
        midnight = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
        return t.result(midnight, "relative", start, end)
    day = now.date() - timedelta(days=_DAYS_BACK[re.sub(r"\s", "", m["day"].lower())])
    clock, start, end = _attach_time(t.folded, start, end, 0)
    if clock == _BAD:
        return None
    h, mi, s, _ = clock or (0, 0, 0, False)
    value = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=VN_TZ)
    return t.result(value, "relative", start, end)


# --- public API -----------------------------------------------------------------------------


def _check_order(order: str) -> None:
    if order not in ORDERS:
        raise ProfileError(f"date order must be one of {ORDERS}, not {order!r}", field="order")


def parse_date(
    text: str,
    *,
    now: datetime | None = None,
    order: str = "DMY",
    formats: Sequence[str] = (),
) -> ParsedDate | None:
    """Return the first date (with its time, weekday and zone) in ``text``, or ``None``.

    Format hints are tried before the generic patterns. Relative forms ("2 giờ trước",
    "hôm qua lúc 15:34") count only when no absolute date is present; they are resolved
    against ``now`` (naive = Vietnam time; default: the current time).
    """
    if not text or not isinstance(text, str):
        return None
    _check_order(order)
    t = _Text(text)
    # Every absolute form has a number in it; most lines searched for a date are prose.
    found = next(_scan(t, order, formats), None) if _ANY_DIGIT.search(t.folded) else None
    if found is not None:
        return found
    try:
        return _relative(t, _vn_now(now))
    except (OverflowError, ValueError):  # a count so large the calendar ends first
        return None


def find_dates(
    text: str,
    *,
    now: datetime | None = None,
    order: str = "DMY",
    formats: Sequence[str] = (),
) -> list[ParsedDate]:
    """Every absolute date in a longer text, in order of position, without overlaps."""
    if not text or not isinstance(text, str):
        return []
    _check_order(order)
    accepted: list[ParsedDate] = []
    for found in _scan(_Text(text), order, formats):
        start, end = found.span
        if all(end <= s or start >= e for s, e in (p.span for p in accepted)):
            accepted.append(found)
    return sorted(accepted, key=lambda p: p.span)


def parse_epoch(value: str) -> ParsedDate | None:
    """Read a Unix time a page keeps in an attribute (``data-time="1726276500"``), in seconds
    (10 digits) or milliseconds (13), as +07:00; None for any other number, or one outside
    the years a news archive holds (a count, an id).

    >>> parse_epoch("1726276500").isoformat()
    '2024-09-14T08:15:00+07:00'
    """
    digits = value.strip() if isinstance(value, str) else ""
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (10, 13):
        return None
    seconds = int(digits) / (1000 if len(digits) == 13 else 1)
    when = datetime.fromtimestamp(seconds, VN_TZ)
    if not MIN_YEAR <= when.year <= MAX_YEAR:
        return None
    return ParsedDate(when.replace(microsecond=0), value, "second", (0, len(value)))


def parse_iso(value: str) -> ParsedDate | None:
    """Read a machine date from metadata: ISO 8601 and the broken variants Vietnamese sites emit
    (space before the offset, no offset = Vietnam time, ``+0700``, a space instead of ``T``)."""
    if not value or not isinstance(value, str):
        return None
    t = _Text(value)
    m = _ISO.match(t.folded)
    if m is None:
        return None
    day = _make_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    if day is None:
        return None
    h, mi, s, _ = _clock_of(m["h"], m["mi"], m["s"], None) if m["h"] else (0, 0, 0, False)
    if h < 0:
        return None
    zone = VN_TZ
    if m["z"] or m["sign"]:
        zone = UTC if m["z"] else _signed_zone(m["sign"], m["oh"], m["om"])
    if zone is None:
        return None
    precision = "second" if m["s"] else "minute" if m["h"] else "date"
    when = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=zone)
    return t.result(when, precision, m.start("y"), len(t.folded.rstrip()))
