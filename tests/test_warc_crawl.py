"""``crawl --warc``: records as turns end, pointers on fetch rows, wire codings, revisits."""

from __future__ import annotations

import base64
import hashlib

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.crawl import run_crawl
from archiver.crawl.config import make_plan
from archiver.replay import Entry, ReplayServer, ReplaySite, ResponseSpec
from archiver.store.warcs import WarcPointer
from archiver.warc import read_entry, read_records
from crawl_support import article_html, rows
from warc_support import crawl, warcio

HOST = "http://nen.example"


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """The fixture site crawled twice into one archive, both runs writing WARCs."""
    root = tmp_path_factory.mktemp("twice")
    db, _ = crawl(root)
    first = set((root / "warcs").glob("*.warc.gz"))
    crawl(root)
    second = set((root / "warcs").glob("*.warc.gz")) - first
    return root, db, sorted(first), sorted(second)


def test_every_fetch_with_a_response_points_at_its_record(twice):
    _, db, _, _ = twice
    fetched = rows(
        db,
        "SELECT url, final_url, status, sha256, warc_file, warc_offset, warc_length FROM fetches",
    )
    assert fetched
    for _url, final_url, status, sha256, file, offset, length in fetched:
        if status is None:
            assert file is None
            continue
        entry = read_entry(WarcPointer(file, offset, length))
        assert entry.target_uri == final_url and entry.status == status
        if entry.kind == "response" and sha256:
            assert hashlib.sha256(entry.payload).hexdigest() == sha256


def test_second_crawl_writes_revisits_that_refer_to_the_first_crawls_records(twice):
    _root, _, first, second = twice
    originals = {e.record_id: e for path in first for e in read_records(path)}
    revisits = [e for path in second for e in read_records(path) if e.kind == "revisit"]
    profiles = {e.warc("WARC-Profile").rsplit("/", 1)[-1] for e in revisits}
    assert profiles == {"identical-payload-digest", "server-not-modified"}
    for revisit in revisits:
        original = originals[revisit.warc("WARC-Refers-To")]
        assert original.kind == "response" and original.target_uri == revisit.target_uri
        assert revisit.warc("WARC-Refers-To-Date") == original.date
    # Unchanged articles were refetched: no second copy of their payload.
    copies = [e for e in read_records(second[0]) if e.kind == "response" and e.status == 200]
    assert len(copies) < len(revisits)
    for path in (*first, *second):
        code, output = warcio("check", str(path))
        assert code == 0, output


def test_the_index_lists_both_runs_sorted(twice):
    root, _, first, second = twice
    lines = (root / "warcs" / "index.cdxj").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert {p.name for p in (*first, *second)} <= {
        line.rsplit('"filename": "', 1)[1][:-2] for line in lines
    }


def coded_site() -> tuple[ReplaySite, dict[str, bytes]]:
    pages = {f"{HOST}/tin-{n}.html": article_html(n, _published(n)).encode() for n in (1, 2, 3)}
    knobs = [{"gzip": True}, {"chunked": True}, {"gzip": True, "chunked": True}]
    links = "".join(f'<a href="{url}">{n}</a>' for n, url in enumerate(pages, 1))
    entries = [
        Entry(f"{HOST}/robots.txt", (ResponseSpec(text="User-agent: *\n"),)),
        Entry(f"{HOST}/", (ResponseSpec(text=f"<html><body>{links}</body></html>"),)),
        *(
            Entry(url, (ResponseSpec(text=body.decode(), **knob),))
            for (url, body), knob in zip(pages.items(), knobs, strict=True)
        ),
    ]
    return ReplaySite(entries=entries), pages


def _published(n: int):
    from datetime import UTC, datetime, timedelta

    return datetime(2024, 3, 5, tzinfo=UTC) - timedelta(days=n)


def test_gzip_and_chunked_responses_get_digests_of_the_payload_and_agreeing_headers(tmp_path):
    site, pages = coded_site()
    with ReplayServer(site) as proxy:
        plan = make_plan([f"{HOST}/"], overrides={"delay": 0.0})
        run_crawl(
            plan,
            db=str(tmp_path / "a.db"),
            proxy=proxy,
            live=False,
            quiet=True,
            warc=tmp_path / "warcs",
        )
    (path,) = (tmp_path / "warcs").glob("*.warc.gz")
    responses = {
        e.target_uri: e for e in read_records(path, load=lambda e: True) if e.kind == "response"
    }
    seen_codings = set()
    for url, body in pages.items():
        entry = responses[url]
        headers = {k.lower(): v for k, v in entry.http_headers}
        assert entry.payload == body
        digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
        assert entry.warc("WARC-Payload-Digest") == digest
        assert "transfer-encoding" not in headers and "content-encoding" not in headers
        assert headers["content-length"] == str(len(body))
        seen_codings |= {k for k in headers if k.startswith("x-orig-")}
    assert {"x-orig-content-encoding", "x-orig-transfer-encoding"} <= seen_codings
    code, output = warcio("check", "-v", str(path))
    assert code == 0 and "failed" not in output, output


def test_crawl_command_takes_a_warc_directory(tmp_path):
    site, _pages = coded_site()
    with ReplayServer(site) as proxy:
        result = CliRunner().invoke(
            main,
            [
                "crawl",
                f"{HOST}/",
                "--db",
                str(tmp_path / "a.db"),
                "--delay",
                "0",
                "--workers",
                "0",
                "--proxy",
                proxy,
                "--quiet",
                "--warc",
                str(tmp_path / "warcs"),
            ],
        )
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "warcs").glob("*.warc.gz"))
    assert len(written) == 1 and (tmp_path / "warcs" / "index.cdxj").exists()
    assert rows(tmp_path / "a.db", "SELECT count(*) FROM fetches WHERE warc_file IS NULL") == [(0,)]
