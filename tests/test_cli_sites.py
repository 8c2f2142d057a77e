"""``archiver sites`` lists the profiles; ``archiver sites check`` shows what selectors match."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.sites import registry

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
TUOITRE = PAGES / "tuoitre" / "two-authors.html"
TUOITRE_URL = (
    "https://tuoitre.vn/can-tho-mo-tuyen-buyt-duong-song-noi-ben-ninh-kieu-voi-cho-noi-cai-rang"
    "-20260307080112345.htm"
)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def fresh_registry():
    registry.cache_clear()
    yield
    registry.cache_clear()


def test_sites_lists_every_profile_with_its_hosts_and_selector_fields():
    result = run("sites")
    assert result.exit_code == 0
    for profile in registry():
        assert f"{profile.name}  " in result.output
        for host in profile.hosts:
            assert host in result.output
    assert f"{len(registry())} profiles" in result.output
    assert "selectors:  title (2), lead (2), body (2), date (4), remove (7)" in result.output


def test_sites_verbose_prints_each_selector_and_the_profile_file():
    result = run("sites", "-v")
    assert result.exit_code == 0
    assert "    author      p.author_mail strong" in result.output
    assert "    dates       %d-%m-%Y - %I:%M %p" in result.output
    assert "https://vnexpress.net/rss/tin-moi-nhat.rss" in result.output
    assert str(Path("archiver") / "sites" / "cafef.toml") in result.output


def test_check_marks_the_selector_the_extractor_uses_and_what_it_reads():
    result = run("sites", "check", str(TUOITRE), "--url", TUOITRE_URL)
    assert result.exit_code == 0
    out = result.output
    assert "profile:  tuoitre (by host;" in out
    assert "url kind: article" in out
    assert "title: h1.detail-title" in out
    assert '  * h1.detail-title      1 match     "Cần Thơ mở tuyến buýt' in out
    assert '"07/03/2026 08:01 GMT+7"  -> 2026-03-07T08:01:00+07:00' in out
    # The header abbreviates the co-author; the byline closing the article names both.
    assert '  * div.author-info                  2 matches   "MINH KHANG - THANH HUYỀN"' in out
    assert "    h2.sapo             0 matches" in out
    assert "remove: 2 of 9 selectors match inside the body" in out
    assert "author:     MINH KHANG - THANH HUYỀN" in out


def test_check_says_when_the_generic_fallback_ran():
    page = PAGES / "baodautu" / "selectors-outdated.html"
    url = "https://baodautu.vn/doanh-nghiep-logistics-mo-rong-kho-lanh-d245912.html"
    result = run("sites", "check", str(page), "--url", url)
    assert result.exit_code == 0
    for field in ("title", "body", "author"):
        assert (
            f"{field}: generic fallback ran (profile baodautu: {field} selector matched nothing"
            in result.output
        )
    assert "date: generic fallback ran (profile baodautu: date selector matched no date" in (
        result.output
    )
    assert "    div.title-detail  0 matches" in result.output
    assert "title:      Doanh nghiệp logistics mở rộng kho lạnh" in result.output


def test_check_with_a_named_profile_uses_it_whatever_the_url():
    result = run(
        "sites", "check", str(TUOITRE), "--url", "https://example.vn/a.html", "--profile", "nld"
    )
    assert result.exit_code == 0
    assert "profile:  nld (given with --profile;" in result.output
    assert "url kind: not said by the URL patterns" in result.output
    assert "  * h1.detail-title" in result.output


def test_check_on_a_page_no_profile_covers_reports_generic_extraction():
    result = run("sites", "check", str(TUOITRE), "--url", "https://unknown-site.vn/tin/1.html")
    assert result.exit_code == 0
    assert "profile:  none" in result.output
    assert "title: " not in result.output.split("record:")[0]
    assert "record:" in result.output


def test_check_with_an_unknown_profile_fails_with_one_line():
    result = run("sites", "check", str(TUOITRE), "--url", TUOITRE_URL, "--profile", "nope")
    assert result.exit_code == 2
    assert "no profile called 'nope'" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_check_of_a_missing_file_fails_with_exit_2(tmp_path):
    result = run("sites", "check", str(tmp_path / "absent.html"), "--url", TUOITRE_URL)
    assert result.exit_code == 2
    assert "cannot read input" in result.output


def test_a_broken_extra_profile_makes_sites_fail_naming_the_file(tmp_path, fresh_registry):
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "broken"\n[selectors]\ntitle = ["h1[["]\n', encoding="utf-8")
    result = run("sites", env={"ARCHIVER_PROFILES": str(tmp_path)})
    assert result.exit_code == 2
    assert str(broken) in result.output and "field=selectors.title" in result.output


@pytest.mark.parametrize("args", [["sites", "--help"], ["sites", "check", "--help"]])
def test_sites_help_has_examples(args):
    result = run(*args)
    assert result.exit_code == 0
    assert "Example" in result.output and "archiver sites" in result.output
