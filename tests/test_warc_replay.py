"""Replay from WARCs: captures in order, revisits answered with the original payload."""

from __future__ import annotations

import gzip

import httpx

from archiver.cli.replay import _site
from archiver.replay import ReplayTransport
from archiver.warc import read_records, warc_site
from crawl_support import article_url
from warc_support import heritrix_warc, page, wget_warc


def test_a_warc_is_served_as_a_site(tmp_path):
    path = wget_warc(tmp_path / "w.warc", [1, 2])
    site = warc_site([path])
    with httpx.Client(transport=ReplayTransport(site)) as client:
        response = client.get(article_url(1))
        assert response.status_code == 200 and response.content == page(1)
        assert "transfer-encoding" not in response.headers
        assert client.get("http://tin.example/nowhere").status_code == 404


def test_a_revisit_answers_with_its_original_payload_in_capture_order(tmp_path):
    path = heritrix_warc(tmp_path / "h.warc.gz", [2], revisit=2)
    site = warc_site([tmp_path])
    assert len(site.urls) == 1
    with httpx.Client(transport=ReplayTransport(site)) as client:
        first = client.get(article_url(2))
        second = client.get(article_url(2))
    assert first.content == second.content == page(2)
    assert path.exists()


def test_a_damaged_file_serves_what_comes_before_the_damage(tmp_path):
    path = heritrix_warc(tmp_path / "h.warc.gz", [1, 2])
    at = [e for e in read_records(path)][4].pointer.offset
    data = path.read_bytes()
    path.write_bytes(data[:at] + gzip.compress(b"junk\r\n\r\n"))
    problems = []
    site = warc_site([path], on_damage=problems.append)
    assert site.urls == [article_url(1)] and len(problems) == 1


def test_the_replay_command_tells_warcs_from_replay_directories(tmp_path):
    wget_warc(tmp_path / "w.warc", [1])
    assert _site((str(tmp_path),)).urls == [article_url(1)]
    assert _site((str(tmp_path / "w.warc"),)).urls == [article_url(1)]
