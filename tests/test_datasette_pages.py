"""The archive's Datasette pages, loaded in a real headless browser (Debian's chromium).

`archiver datasette` serves a small archive on 127.0.0.1; chromium loads the pages
people use (the short article list, the ranked search reached from the table's
search box, the full table with long cells cut, an article's view-count chart) and
the DOM it builds is checked: the pages load and show rows. CI installs chromium
(`.ci/run`); elsewhere the test is skipped when no chromium is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from archiver.store import Archive
from process_support import free_port, serving
from store_support import OTHER_STORY, STORY, T0, page

pytest.importorskip("datasette", reason="pip install -e '.[test]' installs Datasette")

LONG_BODY = " ".join([STORY] * 6)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip("no chromium installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("datasette")
    path = folder / "archive.db"
    with Archive(path) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", LONG_BODY, view_count=120))
        archive.save(
            *page(
                "https://vnexpress.net/a-1.html", LONG_BODY, view_count=480, when=T0 + timedelta(1)
            )
        )
        archive.save(
            *page(
                "https://vnexpress.net/a-1.html", LONG_BODY, view_count=900, when=T0 + timedelta(7)
            )
        )
        archive.save(
            *page(
                "https://dantri.com.vn/b.htm", OTHER_STORY, title="Mưa lớn ở Nghệ An", site="dantri"
            )
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "archiver", "datasette", "--db", str(path), "--"]
    args += ["--host", "127.0.0.1", "--port", str(port)]

    def answering(_output: str) -> bool:
        try:
            return httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    with serving(args, folder, answering):
        yield base


def dom(url: str, tmp_path: Path, *, wait_ms: int = 3000) -> str:
    """The DOM chromium builds for ``url`` once its scripts ran (``--dump-dom``)."""
    done = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--virtual-time-budget={wait_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _cells(html: str, column: str) -> list[str]:
    return re.findall(rf'<td class="col-{column}[^"]*">(.*?)</td>', html, re.S)


def test_the_article_list_shows_short_rows_and_folds_the_column_descriptions(site, tmp_path):
    html = dom(f"{site}/archive/article_list", tmp_path)
    titles = _cells(html, "title")
    assert len(titles) == 2
    assert ">Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng</a>" in titles[0] + titles[1]
    assert all(len(cell) < 400 for cell in _cells(html, "excerpt"))
    assert '<details class="archiver-column-descriptions">' in html
    assert "<summary>Column descriptions (8)</summary>" in html
    assert '<details class="archiver-column-descriptions" open' not in html


def test_the_table_search_box_runs_the_ranked_search_with_highlights(site, tmp_path):
    html = dom(f"{site}/archive/articles?_search=da+nang", tmp_path)
    assert '<body class="query db-archive query-search">' in html
    titles = _cells(html, "title")
    assert len(titles) == 1 and "Đà Nẵng</a>" in titles[0]
    assert "<mark>Đà</mark> <mark>Nẵng</mark>" in html


def test_long_cells_of_the_articles_table_are_cut(site, tmp_path):
    html = dom(f"{site}/archive/articles", tmp_path)
    bodies = _cells(html, "body")
    assert len(bodies) == 2
    assert len(LONG_BODY) > 1000
    assert all(len(body) < 400 for body in bodies)
    assert any("…" in body for body in bodies)


def test_an_articles_view_counts_open_as_a_chart(site, tmp_path):
    listing = dom(f"{site}/archive/article_list", tmp_path)
    (link,) = re.findall(r'<a href="([^"]*view_count_series[^"]*)"', listing)
    html = dom(site + link.replace("&amp;", "&"), tmp_path, wait_ms=8000)
    assert "vega-embed" in html
    assert re.search(r'<canvas[^>]*class="marks"|<svg[^>]*class="marks"', html)
