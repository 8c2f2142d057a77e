"""What crosses the pipes of the parsing workers pickles as constructor calls: the same
objects back, without dataclasses' per-call state methods (a BUILD step)."""

from __future__ import annotations

import pickle
import pickletools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from archiver.article import Article
from archiver.crawl.analyze import Analysis, Found
from archiver.crawl.period import Period
from archiver.fetch.exchange import Exchange
from archiver.pickling import pickled_by_fields
from archiver.store.prepare import prepare


def _trip(value: object) -> object:
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def _opcodes(value: object) -> set[str]:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return {op.name for op, _, _ in pickletools.genops(data)}


def _exchange(fetched_at: datetime) -> Exchange:
    return Exchange(
        url="https://a.vn/bai-1.html",
        final_url="https://a.vn/bai-1.html",
        status=200,
        fetched_at=fetched_at,
        response_headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"x"')),
        body="<html><p>Thủ tướng</p></html>".encode(),
        http_version="HTTP/1.1",
        ip_address="127.0.0.2",
        redirects=("https://a.vn/r/1",),
        elapsed=0.05,
        decoded=("gzip",),
    )


def _article() -> Article:
    return Article(
        url="https://a.vn/bai-1.html",
        title="Thủ tướng thăm Đà Nẵng",
        body="Đoạn một của bài viết về chuyến thăm.\n\nĐoạn hai, dài hơn một chút nữa.",
        captions=("Ảnh: TTXVN",),
        published_at="2024-05-01T08:30:00+07:00",
        view_count=12,
        warnings=("w",),
        lead="Đoạn một.",
    )


def test_an_analysis_comes_back_from_a_worker_equal_field_for_field():
    exchange = _exchange(datetime(2024, 5, 1, 1, 30, 15, 123456, tzinfo=UTC))
    article = _article()
    prepared = prepare(exchange, article, site="a.vn", body_known=lambda _: False, compress_level=1)
    analysis = Analysis(
        article=article,
        found=(Found("https://a.vn/bai-2.html", "article", None, "a.vn"),),
        next_pages=("https://a.vn/trang-2",),
        notes=("n",),
        content="html",
        prepared=prepared,
        outside_period=None,
    )
    back = _trip(analysis)
    assert back == analysis
    assert back.article.lead == article.lead  # compared by nothing else (compare=False)
    assert type(back.prepared.article) is type(prepared.article)


@pytest.mark.parametrize(
    "value",
    [
        _article(),
        Analysis(content="html"),
        Found("https://a.vn/x", "listing"),
        Period(date(2024, 1, 1), None),
        _exchange(datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        _exchange(datetime(2024, 5, 1, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
    ],
    ids=["article", "analysis", "found", "period", "exchange", "exchange-vn-time"],
)
def test_records_pickle_as_a_call_with_their_fields_not_as_state_set_afterwards(value):
    assert "BUILD" not in _opcodes(value)
    assert _trip(value) == value


def test_the_records_a_worker_prepares_pickle_without_state_steps():
    exchange = _exchange(datetime(2024, 5, 1, 1, 30, tzinfo=UTC))
    prepared = prepare(
        exchange, _article(), site="a.vn", body_known=lambda _: False, compress_level=1
    )
    assert "BUILD" not in _opcodes(prepared)
    assert _trip(prepared) == prepared


@pytest.mark.parametrize(
    "fetched_at",
    [
        datetime(2024, 5, 1, 1, 30, 15, 999999, tzinfo=UTC),
        datetime(2024, 5, 1, 1, 30, tzinfo=timezone(timedelta(hours=7))),
        datetime(2024, 5, 1, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        datetime(2024, 5, 1, 8, 30),
    ],
    ids=["utc", "fixed-offset", "zoneinfo", "naive"],
)
def test_an_exchange_keeps_its_time_and_time_zone_exactly(fetched_at):
    back = _trip(_exchange(fetched_at))
    assert back.fetched_at == fetched_at
    assert back.fetched_at.tzinfo is fetched_at.tzinfo or back.fetched_at.tzinfo == (
        fetched_at.tzinfo
    )
    assert back.fetched_at.utcoffset() == fetched_at.utcoffset()


def test_a_utc_exchange_time_travels_as_text_not_as_a_datetime():
    # A datetime with a time zone pickles through copyreg, in Python: 5x its ISO text.
    data = pickle.dumps(_exchange(datetime.now(UTC)), pickle.HIGHEST_PROTOCOL)
    assert b"datetime\x94" not in data and b"timezone" not in data
    assert _trip(_exchange(datetime(2024, 5, 1, tzinfo=UTC))).fetched_at.tzinfo is UTC


def test_a_class_with_a_field_outside_init_is_refused():
    with pytest.raises(TypeError, match="outside __init__"):

        @pickled_by_fields
        @dataclass(frozen=True, slots=True)
        class Counted:
            name: str
            size: int = field(default=0, init=False)


def test_a_subclass_not_decorated_itself_refuses_to_pickle_as_its_parent():
    @pickled_by_fields
    @dataclass(frozen=True)
    class Parent:
        a: int
        b: int

    @dataclass(frozen=True)
    class Child(Parent):
        c: int = 0

    with pytest.raises(TypeError, match="not pickled_by_fields"):
        pickle.dumps(Child(1, 2, 3))
