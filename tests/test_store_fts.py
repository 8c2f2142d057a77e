"""The full-text index from other tools: plain SQL, sqlite-utils and pandas, as the README shows."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.store import Archive
from archiver.store.folding import index_fold
from archiver.store.fts import index_text
from store_support import OTHER_STORY, page, rows

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### The database from any tool", 1)[1].split("\n### ", 1)[0]
STORM = (
    "Bão số 3 gây mưa lớn và lũ ở Đà Nẵng; chính quyền thành phố Đà Nẵng đã sơ tán "
    "hàng nghìn hộ dân đến nơi an toàn."
)
PRICES = "Giá điện đã tăng từ tháng này; nhiều doanh nghiệp nâng giá bán."


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, re.S)


@pytest.fixture
def archive_dir(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
        archive.save_many(
            [
                page(
                    "https://vnexpress.net/bao-3.html",
                    STORM,
                    title="Bão số 3 đổ bộ Đà Nẵng",
                    published_at="2024-09-07T10:00:00+07:00",
                ),
                page("https://vnexpress.net/a-1.html"),
                page("https://dantri.com.vn/mua.htm", OTHER_STORY, title="Mưa lớn", site="dantri"),
                page("https://cafef.vn/gia-dien.chn", PRICES, title="Giá điện tăng", site="cafef"),
            ]
        )
    return tmp_path


SEARCH = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"


def test_plain_sql_finds_da_nang_typed_with_or_without_accents_and_d_stroke(archive_dir):
    db = archive_dir / "archive.db"
    for typed in ("da nang", "Đà Nẵng", "ĐÀ NẴNG", "Da Nang", "đà nẵng"):
        assert rows(db, SEARCH, typed) == [(1,), (2,), (4,)], typed
    # "đã" and "nâng" make article 4 a match of the words, not of the phrase.
    assert rows(db, SEARCH, '"da nang"') == [(1,), (2,)]
    assert rows(db, SEARCH, "title:Đà") == [(1,), (2,)]
    assert rows(db, SEARCH, "title:Đà AND title:bão") == [(1,)]


def test_a_phrase_typed_with_d_stroke_needs_folding_as_the_readme_says(archive_dir):
    db = archive_dir / "archive.db"
    assert rows(db, SEARCH, '"Đà Nẵng"') == []
    folded = SEARCH.replace("MATCH ?", "MATCH replace(replace(?, 'Đ', 'D'), 'đ', 'd')")
    assert rows(db, folded, '"Đà Nẵng"') == [(1,), (2,)]


def test_snippets_and_highlights_show_the_accented_text(archive_dir):
    db = archive_dir / "archive.db"
    ((text,),) = rows(
        db,
        "SELECT snippet(articles_fts, 2, '[', ']', '…', 9) FROM articles_fts "
        "WHERE articles_fts MATCH 'chinh quyen' AND rowid = 1",
    )
    assert text == "…ở Đà Nẵng; [chính] [quyền] thành phố Đà Nẵng…"
    ((marked,),) = rows(
        db,
        "SELECT highlight(articles_fts, 0, '<', '>') FROM articles_fts "
        "WHERE articles_fts MATCH 'da nang' AND rowid = 1",
    )
    assert marked == "Bão số 3 đổ bộ <Đà> <Nẵng>"
    ((title,),) = rows(db, "SELECT title FROM articles_fts WHERE rowid = 3")
    assert title == "Mưa lớn"


def test_sqlite_utils_recognises_the_index(archive_dir):
    db = sqlite_utils.Database(archive_dir / "archive.db")
    assert db["articles"].detect_fts() == "articles_fts"
    titles = [row["title"] for row in db["articles"].search("da nang", columns=["title"])]
    assert set(titles) == {
        "Bão số 3 đổ bộ Đà Nẵng",
        "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng",
        "Giá điện tăng",
    }


def test_the_readme_sql_examples_run(archive_dir):
    examples = _blocks("sql")
    assert len(examples) == 3
    db = archive_dir / "archive.db"
    first, phrase, months = (rows(db, sql) for sql in examples)
    # Words, not a phrase: "đã … nâng" (article 4) matches too; a phrase would not.
    assert first[0][0] == 1 and {row[0] for row in first} == {1, 2, 4}
    assert first[0][3] == "Bão số 3 đổ bộ Đà [Nẵng]"
    # Accent-insensitive both ways: "báo cáo" in article 2 is a "bão" match.
    assert [row[0] for row in phrase] == [1, 2]
    assert months == [("dantri", "2024-03", 1), ("vnexpress", "2024-09", 1)]


def _sqlite_utils() -> str:
    beside = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("sqlite-utils")
    assert found, "sqlite-utils is a dependency of archiver: its command should be installed"
    return found


@pytest.mark.slow
def test_the_readme_sqlite_utils_commands_run(archive_dir):
    (block,) = _blocks("sh")
    commands = [
        shlex.split(line) for line in block.splitlines() if line.startswith("sqlite-utils ")
    ]
    assert len(commands) == 3
    outputs = [
        subprocess.run(
            [_sqlite_utils(), *command[1:]],
            cwd=archive_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for command in commands
    ]
    assert "Bão số 3 đổ bộ Đà Nẵng" in outputs[0]
    assert "Bão số 3 đổ bộ Đà Nẵng" in outputs[1] and outputs[1].startswith("id,title")
    assert "[Thủ] [tướng]" in outputs[2]


def test_the_readme_pandas_example_runs(archive_dir, monkeypatch):
    pytest.importorskip("pandas")
    (block,) = _blocks("python")
    monkeypatch.chdir(archive_dir)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    assert "Bão số 3 đổ bộ Đà Nẵng" in out.getvalue()


def test_an_updated_article_leaves_a_consistent_index(archive_dir):
    with Archive(archive_dir / "archive.db") as archive:
        for version in ("Đường Điện Biên Phủ ngập sâu.", "Đoàn công tác đến Đồng Nai."):
            archive.save(*page("https://vnexpress.net/bao-3.html", version, title="Đổi mới"))
        assert archive.check() == []
        assert [hit.article_id for hit in archive.search("Đồng Nai")] == [1]
        assert archive.search("dien bien phu") == []


def test_indexed_text_is_the_folded_text_then_its_d_words_once():
    assert index_text("Đà Nẵng đã được 2 đồng đô; Đà") == (
        "da nang da duoc 2 dong do  da đà đã được đồng đô"
    )
    assert index_text("Hà Nội mưa lớn") == "ha noi mua lon"
    assert index_text(None) == index_text("") == ""


_WORDS = st.sampled_from(
    ["Đà", "Nẵng", "đã", "được", "ĐỒNG", "đô-la", "Điện_Biên", "an", "dân", "2024", "Ελλάδα", "x"]
)


@settings(derandomize=True, max_examples=300)
@given(st.lists(st.tuples(_WORDS, st.sampled_from([" ", ", ", "\n\n", "-", "…", "; "]))))
def test_the_d_words_are_those_a_word_regex_finds(pieces):
    text = "".join(word + gap for word, gap in pieces)
    expected = dict.fromkeys(w for w in re.findall(r"[^\W_]+", text.lower()) if "đ" in w)
    tail = index_text(text).removeprefix(index_fold(text))
    assert tail.split() == list(expected)
