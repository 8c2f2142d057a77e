"""WACZ: `export-warc --wacz` packs a directory's WARCs, index and pages, valid for the reference
validator (py-wacz's `wacz validate`)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.errors import InputError
from archiver.warc.wacz import WaczPage, write_wacz
from warc_support import crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("wacz")
    db, _ = crawl(root, warc=True)
    return root, db


def _validator() -> str:
    pytest.importorskip("wacz", reason="pip install -e '.[test]' installs py-wacz")
    found = shutil.which("wacz", path=str(Path(sys.executable).parent)) or shutil.which("wacz")
    assert found, "py-wacz is installed but its wacz command is not"
    return found


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_validator(), "validate", "-f", str(path)], capture_output=True, text=True, timeout=300
    )


def test_export_warc_wacz_writes_a_file_the_reference_validator_accepts(crawled, tmp_path):
    root, db = crawled
    target = tmp_path / "crawl.wacz"
    result = CliRunner().invoke(
        main, ["export-warc", str(root / "warcs"), "--db", str(db), "--wacz", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "pages) into" in result.output
    done = validate(target)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout


def test_the_wacz_layout_follows_the_specification(crawled, tmp_path):
    root, db = crawled
    target = tmp_path / "crawl.wacz"
    CliRunner().invoke(
        main, ["export-warc", str(root / "warcs"), "--db", str(db), "--wacz", str(target)]
    )
    with zipfile.ZipFile(target) as packed:
        infos = {info.filename: info for info in packed.infolist()}
        warcs = sorted(name for name in infos if name.startswith("archive/"))
        assert warcs == sorted(f"archive/{p.name}" for p in (root / "warcs").glob("*.warc.gz"))
        # A player seeks in the WARCs and the index: they are stored, not deflated.
        assert all(infos[name].compress_type == zipfile.ZIP_STORED for name in warcs)
        assert infos["indexes/index.cdx"].compress_type == zipfile.ZIP_STORED
        index = packed.read("indexes/index.cdx").decode().splitlines()
        assert index == sorted(index)
        assert {json.loads(line.split(" ", 2)[2])["filename"] for line in index} == {
            name.removeprefix("archive/") for name in warcs
        }
        header, *pages = map(json.loads, packed.read("pages/pages.jsonl").decode().splitlines())
        assert header["format"] == "json-pages-1.0"
        assert pages and all(page["ts"].endswith("Z") and page["title"] for page in pages)
        titles = {page["title"] for page in pages}
        assert len(titles) == len(pages)  # one page per article
        package = json.loads(packed.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        assert package["software"].startswith("archiver ")
        for resource in package["resources"]:
            data = packed.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        digest = json.loads(packed.read("datapackage-digest.json"))
        assert (
            digest["hash"]
            == "sha256:" + hashlib.sha256(packed.read("datapackage.json")).hexdigest()
        )


def test_the_validator_rejects_a_tampered_wacz(crawled, tmp_path):
    root, _ = crawled
    good = tmp_path / "good.wacz"
    write_wacz(
        root / "warcs", good, pages=[WaczPage("http://example.vn/", "2024-03-05T09:00:00+07:00")]
    )
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"example.vn", b"example.com")
            copy.writestr(info, data)
    assert validate(good).returncode == 0
    assert validate(bad).returncode != 0


def test_without_archived_articles_every_html_page_is_a_page(crawled, tmp_path):
    root, _ = crawled
    summary = write_wacz(root / "warcs", tmp_path / "plain.wacz")
    with zipfile.ZipFile(tmp_path / "plain.wacz") as packed:
        pages = packed.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert summary.pages == len(pages) > 0
    assert all(json.loads(page)["url"].startswith("http") for page in pages)


def test_a_directory_without_warcs_is_refused(tmp_path):
    with pytest.raises(InputError, match="no WARC files"):
        write_wacz(tmp_path, tmp_path / "x.wacz")
    assert not (tmp_path / "x.wacz").exists()


def test_page_times_are_utc():
    line = json.loads(WaczPage("http://a.vn/", "2024-03-05T09:00:00+07:00", "Tin").line())
    assert line["ts"] == "2024-03-05T02:00:00Z" and line["title"] == "Tin"
