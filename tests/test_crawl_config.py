"""Crawl plans: site names and URLs become targets with scope and resolved settings."""

from __future__ import annotations

from datetime import date

import pytest

from archiver.crawl.config import load_config, make_plan
from archiver.errors import CrawlError


def test_profile_name_gives_its_seeds_hosts_and_crawl_settings():
    plan = make_plan(["tamky"])
    (target,) = plan.targets
    assert target.name == "tamky"
    assert target.profile is not None and target.profile.name == "tamky"
    assert "tamky.gov.vn" in target.hosts
    assert target.seeds[0] == "http://tamky.gov.vn/"
    assert target.settings.delay == 2.0  # from the profile's [crawl] table


def test_url_is_scoped_to_its_own_host_and_finds_its_profile_by_fingerprint():
    plan = make_plan(["http://hoian.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=7"])
    (target,) = plan.targets
    assert target.hosts == {"hoian.gov.vn"}
    assert target.profile is not None and target.profile.name == "tamky"
    assert target.in_scope("http://hoian.gov.vn/x")
    assert target.in_scope("http://www.hoian.gov.vn/x")
    assert not target.in_scope("http://quangnam.gov.vn/x")
    assert not target.in_scope("ftp://hoian.gov.vn/x")


def test_forced_profile_applies_to_another_host():
    plan = make_plan(["http://example.gov.vn/"], profile="tamky")
    assert plan.targets[0].profile.name == "tamky"


def test_command_line_options_override_profile_and_config():
    config = {"delay": 5.0, "site": [{"name": "tamky", "delay": 4.0}]}
    plan = make_plan([], config=config, overrides={"delay": 0.5, "per_host": None})
    assert plan.targets[0].settings.delay == 0.5
    assert plan.targets[0].settings.per_host == 1


def test_config_site_entry_beats_profile_and_top_level():
    config = {"delay": 5.0, "site": [{"name": "tamky", "delay": 4.0, "since": "2024-01-31"}]}
    (target,) = make_plan([], config=config).targets
    assert target.settings.delay == 4.0
    assert target.since == date(2024, 1, 31)


def test_config_widens_the_scope():
    config = {"site": [{"url": "http://hoian.gov.vn/", "allow_hosts": ["cdn.hoian.gov.vn"]}]}
    (target,) = make_plan([], config=config).targets
    assert target.in_scope("http://cdn.hoian.gov.vn/a.html")


def test_unknown_name_is_a_clear_error():
    with pytest.raises(CrawlError, match="no profile called 'nosuchsite'"):
        make_plan(["nosuchsite"])


def test_non_http_url_is_refused():
    with pytest.raises(CrawlError, match="only http and https"):
        make_plan(["ftp://example.vn/"])


def test_nothing_to_crawl_is_a_clear_error():
    with pytest.raises(CrawlError, match="nothing to crawl"):
        make_plan([])


def test_bad_config_file_names_the_problem(tmp_path):
    bad = tmp_path / "crawl.toml"
    bad.write_text("delay = [\n", encoding="utf-8")
    with pytest.raises(CrawlError, match="not valid TOML"):
        load_config(bad)
    bad.write_text('speed = 3\n[[site]]\nname = "tamky"\n', encoding="utf-8")
    with pytest.raises(CrawlError, match="unknown config keys: speed"):
        load_config(bad)
    bad.write_text('[[site]]\nname = "tamky"\nfast = true\n', encoding="utf-8")
    with pytest.raises(CrawlError, match="unknown keys in \\[\\[site\\]\\] entry 1: fast"):
        load_config(bad)


def test_wrongly_typed_setting_is_refused():
    with pytest.raises(CrawlError, match="delay must be float"):
        make_plan(["tamky"], config={"delay": "fast"})
