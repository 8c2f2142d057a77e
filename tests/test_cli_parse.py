"""``archiver parse``: the record on stdout, one clear line on stderr, documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver import FIELDS, extract
from archiver.cli import main
from archiver.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "pages" / "tamky" / "table-layout.html"
SEED_URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785"
LISTING = (
    """<html><head><title>Tin tức - Cổng thông tin</title></head><body><h1>Tin tức</h1>
<ul>"""
    + "".join(
        f'<li><a href="/tin-tuc/bai-viet-so-{i}-123{i}.html">Tiêu đề bài viết số {i} về hoạt '
        f"động của thành phố trong tháng này</a><p>Tóm tắt ngắn của bài {i}.</p></li>"
        for i in range(20)
    )
    + "</ul></body></html>"
)


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_parse_file_prints_exactly_the_public_fields_as_json():
    result = run("parse", str(SEED), "--url", SEED_URL, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == list(FIELDS)
    assert record["title"].startswith("Tam Kỳ dẫn đầu")
    assert record["site"] == "tamky"


def test_parse_without_json_prints_a_readable_summary():
    result = run("parse", str(SEED), "--url", SEED_URL)
    assert result.exit_code == 0
    assert "published:  2018-07-04T15:34:00+07:00" in result.stdout
    assert "author:     Thùy Dung" in result.stdout
    assert "views:      136" in result.stdout


def test_listing_page_exits_1_with_one_line_and_still_prints_json(tmp_path):
    page = tmp_path / "listing.html"
    page.write_text(LISTING, encoding="utf-8")
    result = run("parse", str(page), "--url", "https://tamky.gov.vn/tin-tuc", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["body"] is None
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not an article" in result.stderr


def test_listing_page_asked_for_its_main_text_exits_0_with_its_text(tmp_path):
    page = tmp_path / "listing.html"
    sapos = "".join(
        f"<div><a href='/tin-{i}.html'>Tiêu đề bài viết số {i} về hoạt động của thành phố</a>"
        f"<div>Tóm tắt bài {i}: thành phố tiếp tục triển khai các giải pháp, tăng cường kiểm tra, "
        "bảo đảm tiến độ và chất lượng công trình.</div></div>"
        for i in range(8)
    )
    page.write_text(
        f"<html><head><title>Tin tức</title></head><body><main>{sapos}</main></body></html>"
    )
    url = "https://tin.example.vn/tin-tuc"
    assert run("parse", str(page), "--url", url).exit_code == 1
    result = run("parse", str(page), "--url", url, "--json", "--main-text")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert "Tóm tắt bài 7" in record["body"]
    assert any("listing" in warning for warning in record["warnings"])


def test_unreadable_input_exits_2_without_traceback(tmp_path):
    result = run("parse", str(tmp_path / "missing.html"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith("archiver: cannot read input")


def test_directory_input_exits_2(tmp_path):
    result = run("parse", str(tmp_path))
    assert result.exit_code == 2
    assert "directory" in result.stderr


def test_binary_junk_is_not_an_article_and_never_a_traceback(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    result = run("parse", str(junk), "--json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)["title"] is None


def test_standard_input_is_read_with_dash():
    result = run("parse", "-", "--url", SEED_URL, "--json", input=SEED.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["view_count"] == 136


def test_unknown_profile_is_one_line_exit_2():
    result = run("parse", str(SEED), "--profile", "no-such-site")
    assert result.exit_code == 2
    assert "no profile called 'no-such-site'" in result.stderr


def test_parse_url_fetches_from_a_local_server(tmp_path):
    from archiver.replay import ReplayServer, ReplaySite

    site_dir = tmp_path / "site"
    (site_dir / "files").mkdir(parents=True)
    (site_dir / "files" / "a.html").write_bytes(SEED.read_bytes())
    manifest = {
        "format": "archiver-replay",
        "version": 1,
        "pages": {SEED_URL: {"file": "files/a.html", "headers": {"Content-Type": "text/html"}}},
    }
    (site_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with ReplayServer(ReplaySite(site_dir)) as base:
        url = base.rstrip("/") + "/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785"
        result = run("parse", url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["view_count"] == 136


def test_parse_url_that_answers_404_exits_2(tmp_path):
    from archiver.replay import ReplayServer, ReplaySite

    site_dir = tmp_path / "site"
    site_dir.mkdir()
    manifest = {
        "format": "archiver-replay",
        "version": 1,
        "pages": {"http://x.vn/": {"text": "hi"}},
    }
    (site_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with ReplayServer(ReplaySite(site_dir)) as base:
        result = run("parse", base.rstrip("/") + "/missing")
    assert result.exit_code == 2
    assert "404" in result.stderr


def test_a_url_that_cannot_be_parsed_is_one_line_and_exit_2(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<h1>Tin</h1><p>Nội dung.</p>", encoding="utf-8")
    result = run("parse", str(page), "--url", "http://[::1")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a usable URL" in result.stderr


def test_extract_raises_the_projects_error_for_a_url_that_cannot_be_parsed():
    with pytest.raises(InputError, match="not a usable URL"):
        extract(b"<h1>Tin</h1>", "http://[::1")
