"""The recorder: exchanges written in the replay format, read back by ReplaySite."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from archiver.errors import InputError
from archiver.fetch.exchange import Exchange
from archiver.replay import Recorder, ReplaySite, ReplayTransport

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def exchange(
    url: str,
    body: bytes = b"<html>x</html>",
    status: int | None = 200,
    final_url: str | None = None,
    redirects: tuple[str, ...] = (),
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),),
) -> Exchange:
    return Exchange(
        url=url,
        final_url=final_url or url,
        status=status,
        fetched_at=NOW,
        response_headers=headers,
        body=body,
        redirects=redirects,
    )


def test_recorded_pages_replay_identically(tmp_path: Path) -> None:
    page = "<html><body>Tam Kỳ dẫn đầu</body></html>".encode("windows-1258", "replace")
    with Recorder(tmp_path) as recorder:
        recorder.record(
            exchange(
                "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931",
                page,
                headers=(
                    ("Content-Type", "text/html; charset=windows-1258"),
                    ("ETag", '"e1"'),
                    ("Content-Encoding", "gzip"),
                    ("Content-Length", "12"),
                    ("Set-Cookie", "ASP.NET_SessionId=abc"),
                ),
            )
        )
        recorder.record(
            exchange(
                "http://vnexpress.net/rss/tin-moi-nhat.rss",
                b"<rss/>",
                headers=(("Content-Type", "application/rss+xml"),),
            )
        )
    site = ReplaySite(tmp_path)
    with httpx.Client(transport=ReplayTransport(site)) as client:
        article = client.get("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931")
        feed = client.get("http://vnexpress.net/rss/tin-moi-nhat.rss")
        again = client.get(
            "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931",
            headers={"If-None-Match": '"e1"'},
        )
    assert article.content == page
    assert article.headers["content-type"] == "text/html; charset=windows-1258"
    assert "set-cookie" not in article.headers and "content-encoding" not in article.headers
    assert feed.content == b"<rss/>"
    assert again.status_code == 304


def test_file_names_are_hashes_under_the_host(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    name = recorder.file_name("http://tamky.gov.vn/../../etc/passwd?x=<>|", "text/html")
    assert name.startswith("files/tamky.gov.vn/") and name.endswith(".html")
    assert ".." not in name and "<" not in name and "|" not in name
    assert recorder.file_name("http://a.vn/1", None) != recorder.file_name("http://a.vn/2", None)


def test_redirect_chain_becomes_redirect_entries(tmp_path: Path) -> None:
    with Recorder(tmp_path) as recorder:
        recorder.record(
            exchange(
                "http://tamky.gov.vn/old",
                final_url="http://tamky.gov.vn/new",
                redirects=("http://tamky.gov.vn/mid",),
            )
        )
    with httpx.Client(transport=ReplayTransport(ReplaySite(tmp_path))) as client:
        response = client.get("http://tamky.gov.vn/old", follow_redirects=True)
    assert str(response.url) == "http://tamky.gov.vn/new"
    assert [str(r.url) for r in response.history] == [
        "http://tamky.gov.vn/old",
        "http://tamky.gov.vn/mid",
    ]


def test_failed_and_not_modified_exchanges_are_not_recorded(tmp_path: Path) -> None:
    with Recorder(tmp_path) as recorder:
        assert recorder.record(exchange("http://a.vn/", b"first"))
        assert not recorder.record(exchange("http://a.vn/", b"", status=304))
        assert not recorder.record(exchange("http://a.vn/down", b"", status=None))
    site = ReplaySite(tmp_path)
    assert site.urls == ["http://a.vn/"]
    with httpx.Client(transport=ReplayTransport(site)) as client:
        assert client.get("http://a.vn/").content == b"first"


def test_recording_into_an_existing_directory_adds_to_it(tmp_path: Path) -> None:
    with Recorder(tmp_path) as recorder:
        recorder.record(exchange("http://a.vn/1"))
    with Recorder(tmp_path) as recorder:
        recorder.record(exchange("http://a.vn/2"))
    assert sorted(ReplaySite(tmp_path).urls) == ["http://a.vn/1", "http://a.vn/2"]


def test_manifest_on_disk_is_always_complete_json(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, flush_every=2)
    recorder.record(exchange("http://a.vn/1"))
    assert not (tmp_path / "manifest.json").exists()  # not flushed yet: nothing half-written
    recorder.record(exchange("http://a.vn/2"))
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert set(data["pages"]) == {"http://a.vn/1", "http://a.vn/2"}
    assert not list(tmp_path.glob(".tmp-*"))
    assert not list((tmp_path / "files").rglob(".tmp-*"))


def test_unreadable_existing_manifest_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{broken")
    with pytest.raises(InputError, match="unreadable"):
        Recorder(tmp_path)
