"""The researcher's API: add articles, read them back as Article records, view-count series
and data frames, an archive in memory, and misuse answered with archiver's own errors."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from archiver import (
    Archive,
    ArchiverError,
    Article,
    InputError,
    NotFoundError,
    QueryError,
    StoreError,
)
from store_support import OTHER_STORY, T0, article, exchange, page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "dantri"


def test_an_archive_in_memory_needs_no_file_and_is_empty(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Archive(":memory:") as archive:
        assert archive.stats().totals["articles"] == 0
        archive.add(article("https://vnexpress.net/a-1.html"))
        assert archive.stats().totals["articles"] == 1
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match="read-only"):
        Archive(":memory:", readonly=True)


def test_added_articles_come_back_as_the_same_records(archive):
    first = article("https://vnexpress.net/a-1.html", view_count=12, captions=("Cầu cảng.",))
    second = article("https://dantri.com.vn/b-2.html", OTHER_STORY, title="Mưa", site="dantri")
    assert archive.add(first).outcome == "new"
    assert archive.add(second, html="<h1>Mưa</h1>", fetched_at="2024-03-06T10:00:00+07:00")
    assert archive.add(first).outcome == "unchanged"
    back = list(archive.articles())
    # The archive knows an article by its canonical URL; every other field is as added.
    assert back == [replace(a, canonical_url=a.url) for a in (first, second)]
    assert [a.lead for a in back] == [first.lead, second.lead]


def test_articles_are_filtered_as_export_filters_them(archive):
    archive.add(article("https://vnexpress.net/a-1.html"))
    archive.add(
        article(
            "https://dantri.com.vn/b-2.html",
            OTHER_STORY,
            title="Mưa",
            site="dantri",
            published_at="2024-05-01T07:00:00+07:00",
        )
    )

    def urls(**filters):
        return [a.url for a in archive.articles(**filters)]

    assert urls(site="dantri") == ["https://dantri.com.vn/b-2.html"]
    assert urls(since="2024-04") == ["https://dantri.com.vn/b-2.html"]
    assert urls(until="2024-03") == ["https://vnexpress.net/a-1.html"]
    assert urls(query="da nang") == ["https://vnexpress.net/a-1.html"]
    assert urls(author="ngoc an", site="vnexpress") == ["https://vnexpress.net/a-1.html"]
    assert urls(site="tuoitre") == []
    with pytest.raises(QueryError, match="--since"):
        archive.articles(since="March")


def test_an_article_is_found_by_id_canonical_url_alias_or_record(archive):
    saved = archive.save(*page("https://vnexpress.net/a-1.html?utm_source=x"))
    mobile = page(
        "https://m.vnexpress.net/a-1.html", canonical_url="https://vnexpress.net/a-1.html"
    )
    archive.save(*mobile)
    by_id = archive.article(saved.article_id)
    assert by_id.title == "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng"
    assert archive.article(by_id.url) == by_id
    assert archive.article("https://m.vnexpress.net/a-1.html") == by_id
    assert archive.article(by_id) == by_id
    with pytest.raises(NotFoundError, match=r"no article at https://x\.vn/"):
        archive.article("https://x.vn/")
    with pytest.raises(NotFoundError, match="no article with id 99"):
        archive.article(99)


def test_view_counts_are_the_series_observed_oldest_first(archive):
    url = "https://vnexpress.net/a-1.html"
    archive.add(article(url, view_count=10), fetched_at=T0)
    archive.add(article(url, view_count=40), fetched_at=datetime(2024, 3, 7, 9, tzinfo=T0.tzinfo))
    archive.add(article(url), fetched_at="2024-03-08T09:00:00+07:00")  # no counter read
    series = archive.view_counts(url)
    assert [(v.observed_at, v.view_count) for v in series] == [
        ("2024-03-05T09:00:00+07:00", 10),
        ("2024-03-07T09:00:00+07:00", 40),
    ]
    assert archive.view_counts(archive.article(url)) == series
    assert archive.article(url).view_count == 40


def test_an_added_page_can_be_extracted_again(archive):
    case = json.loads((PAGES / "layout-2026.json").read_text(encoding="utf-8"))
    html = (PAGES / "layout-2026.html").read_bytes()
    url = case["url"]
    archive.add(article(url, title="Tiêu đề cũ", site="dantri"), html=html)
    summary = archive.reparse()
    assert (summary.examined, summary.outcomes, summary.failed) == (1, {"updated": 1}, 0)
    assert archive.article(url).title == case["expected"]["title"]


def test_to_dataframe_has_a_row_per_article_with_lists_and_times():
    pd = pytest.importorskip("pandas")
    with Archive.memory() as archive:
        archive.add(article("https://vnexpress.net/a-1.html", view_count=3, captions=("Ảnh.",)))
        archive.add(
            article("https://dantri.com.vn/b-2.html", OTHER_STORY, title="Mưa", site="dantri")
        )
        frame = archive.to_dataframe()
        assert list(frame.index) == [1, 2]
        assert frame.loc[1, "captions"] == ["Ảnh."] and frame.loc[2, "captions"] == []
        assert frame.loc[1, "view_count"] == 3
        assert frame.loc[1, "published_at"] == pd.Timestamp("2024-03-05T08:30:00+07:00")
        small = archive.to_dataframe(site="dantri", fields=["title", "site"])
        assert list(small.columns) == ["title", "site"]
        assert small.to_dict("records") == [{"title": "Mưa", "site": "dantri"}]
        with pytest.raises(QueryError, match="unknown field"):
            archive.to_dataframe(fields=["nope"])


def test_to_dataframe_without_pandas_says_how_to_get_it(archive, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(InputError, match=r"pip install 'archiver\[pandas\]'"):
        archive.to_dataframe()


@pytest.mark.parametrize(
    "misuse",
    [
        lambda a: a.save(None, article("https://x.vn/a.html")),
        lambda a: a.save(exchange("https://x.vn/a.html"), "not an article"),
        lambda a: a.save_many([exchange("https://x.vn/a.html")]),
        lambda a: a.add(None),
        lambda a: a.add({"url": "https://x.vn/a.html"}),
        lambda a: a.add(Article(url="https://x.vn/a.html")),
        lambda a: a.add(article("https://x.vn/a.html"), html=42),
        lambda a: a.add(article("https://x.vn/a.html"), fetched_at="yesterday"),
        lambda a: a.add(article("https://x.vn/a.html"), fetched_at=3),
        lambda a: a.article(None),
        lambda a: a.article(1.5),
        lambda a: a.article(True),
        lambda a: a.view_counts(None),
        lambda a: a.search(None),
        lambda a: list(a.articles(query='"unbalanced')),
        lambda a: a.body("0" * 64),
        lambda a: a.finish_run(1, "done", {}),
        lambda a: a.finish_run(1, "finished", None),
        lambda a: a.start_run(["not", "a", "mapping"]),
        lambda a: a.save_many(None),
        lambda a: a.save_many([], batch_size=0),
        lambda a: list(a.articles(since=2024)),
        lambda a: list(a.articles(author=b"an")),
        lambda a: a.search("da nang", limit="3"),
        lambda a: a.search("da nang", until=3),
        lambda a: a.export(out=None),
        lambda a: a.export(out=io.StringIO(), fields="title"),
        lambda a: a.to_dataframe(fields=[1, 2]),
        lambda a: a.reparse(batch_size=None),
        lambda a: a.body_known(None),
    ],
)
def test_misuse_raises_archivers_own_errors_never_attribute_errors(archive, misuse):
    with pytest.raises(ArchiverError) as caught:
        misuse(archive)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("target", [None, 42, b"archive.db", ""])
def test_an_archive_is_named_by_a_path(target):
    with pytest.raises(InputError, match="file path"):
        Archive(target)


def test_a_closed_archive_says_so(tmp_path):
    archive = Archive(tmp_path / "a.db")
    archive.close()
    with pytest.raises(StoreError, match="closed"):
        list(archive.articles())
