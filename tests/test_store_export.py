"""Export: JSON lines and CSV in UTF-8 (BOM on request), filtered by site and period."""

from __future__ import annotations

import csv
import io
import json

import pytest

from archiver.errors import QueryError, StoreError
from archiver.store import Archive
from archiver.store.export import COLUMNS
from store_support import OTHER_STORY, STORY, page, random_pages


@pytest.fixture
def archive(archive):
    archive.save(*page("https://vnexpress.net/a-1.html", view_count=12))
    archive.save(
        *page(
            "https://dantri.com.vn/b.htm",
            OTHER_STORY,
            title="Mưa lớn",
            site="dantri",
            published_at="2023-12-31T23:00:00+07:00",
        )
    )
    return archive


def test_json_lines_hold_one_article_each_with_readable_vietnamese(archive):
    out = io.StringIO()
    assert archive.export(out=out) == 2
    lines = out.getvalue().splitlines()
    assert "Đà Nẵng" in lines[0]  # not \u-escaped
    first = json.loads(lines[0])
    assert list(first) == list(COLUMNS)
    assert (first["url"], first["body"], first["view_count"]) == (
        "https://vnexpress.net/a-1.html",
        STORY,
        12,
    )
    assert first["warnings"] == []


def test_csv_with_bom_round_trips_multi_paragraph_bodies(archive):
    out = io.StringIO(newline="")
    assert archive.export(format="csv", bom=True, out=out) == 2
    text = out.getvalue()
    assert text.startswith("\ufeffid,url,site,title")
    records = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [r["site"] for r in records] == ["vnexpress", "dantri"]
    assert records[0]["body"] == STORY


def test_csv_quotes_text_with_quotes_commas_and_newlines(db_target):
    title = 'Ông nói: "không", rồi đi'
    with Archive(db_target) as archive:
        archive.save(*page("https://a.vn/1", STORY, title=title, view_count=None))
        out = io.StringIO(newline="")
        archive.export(format="csv", out=out)
    record = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert (record["title"], record["body"], record["view_count"]) == (title, STORY, "")
    assert out.getvalue().endswith("\r\n")


def test_export_filters_by_site_and_period(archive):
    def urls(**filters):
        out = io.StringIO()
        archive.export(out=out, **filters)
        return [json.loads(line)["url"] for line in out.getvalue().splitlines()]

    assert urls(site="dantri") == ["https://dantri.com.vn/b.htm"]
    assert urls(since="2024") == ["https://vnexpress.net/a-1.html"]
    assert urls(until="2023-12") == ["https://dantri.com.vn/b.htm"]
    assert urls(site="vnexpress", until="2023") == []


def test_an_unknown_format_is_refused(archive):
    with pytest.raises(StoreError, match="unknown export format"):
        archive.export(format="xml", out=io.StringIO())


def test_captions_and_source_are_exported_as_a_list_and_as_lines(db_target):
    captions = ("Toàn cảnh hội nghị.", 'Ông nói "có". Ảnh: T.D')
    with Archive(db_target) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", captions=captions, source="TTXVN"))
        jsonl, table = io.StringIO(), io.StringIO(newline="")
        archive.export(out=jsonl)
        archive.export(format="csv", out=table)
    record = json.loads(jsonl.getvalue())
    assert (record["captions"], record["source"]) == (list(captions), "TTXVN")
    row = next(csv.DictReader(io.StringIO(table.getvalue(), newline="")))
    assert (row["captions"], row["source"]) == ("\n".join(captions), "TTXVN")


@pytest.fixture
def formulas(db_target):
    with Archive(db_target) as opened:
        opened.save(
            *page(
                "https://vnexpress.net/f.html",
                '=HYPERLINK("http://x.example","bấm")\n\nĐoạn hai.',
                title="+84 912 345 678",
                author="@ngocan",
            )
        )
        opened.save(
            *page("https://vnexpress.net/g.html", OTHER_STORY, title="-5 độ C", author="\tTab")
        )
        opened.save(*page("https://vnexpress.net/h.html", STORY, title="\rCR đầu dòng"))
        yield opened


def _csv_records(archive: Archive, **options) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    archive.export(format="csv", out=out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_csv_cells_that_start_like_a_formula_are_neutralised(formulas):
    records = _csv_records(formulas)
    assert [r["title"] for r in records] == ["'+84 912 345 678", "'-5 độ C", "'\rCR đầu dòng"]
    assert records[0]["body"].startswith("'=HYPERLINK(")
    assert records[0]["lead"].startswith("'=HYPERLINK(")
    assert [r["author"] for r in records[:2]] == ["'@ngocan", "'\tTab"]
    # Numbers and ordinary text are untouched.
    assert records[0]["id"] == "1" and records[0]["url"] == "https://vnexpress.net/f.html"


def test_csv_raw_writes_formula_cells_verbatim_and_json_is_always_verbatim(formulas):
    records = _csv_records(formulas, raw=True)
    assert [r["title"] for r in records] == ["+84 912 345 678", "-5 độ C", "\rCR đầu dòng"]
    out = io.StringIO()
    formulas.export(out=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["body"].startswith('=HYPERLINK("http://x.example"')
    assert lines[0]["author"] == "@ngocan"


def test_export_by_query_author_and_fields(archive):
    out = io.StringIO()
    count = archive.export(out=out, query="mua lon", fields=["id", "title", "site"])
    assert count == 1
    assert json.loads(out.getvalue()) == {"id": 2, "title": "Mưa lớn", "site": "dantri"}
    out = io.StringIO(newline="")
    archive.export(format="csv", out=out, author="ngoc an", fields=["url", "author"])
    assert out.getvalue().split("\r\n") == [
        "url,author",
        '"https://vnexpress.net/a-1.html","Ngọc An"',
        '"https://dantri.com.vn/b.htm","Ngọc An"',
        "",
    ]


def test_export_query_finds_every_match_not_only_the_best(db_target):
    with Archive(db_target) as many:
        many.save_many(random_pages(0, 30))
        out = io.StringIO()
        assert many.export(out=out, query="bai", fields=["id"]) == 30


def test_export_rejects_unknown_fields_and_bad_queries_before_writing(archive):
    out = io.StringIO()
    with pytest.raises(QueryError, match="unknown field 'titel'"):
        archive.export(out=out, fields=["id", "titel"])
    with pytest.raises(QueryError, match="unbalanced quote"):
        archive.export(out=out, query='"Đà Nẵng', bom=True)
    assert out.getvalue() == ""
