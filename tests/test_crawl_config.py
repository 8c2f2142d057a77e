"""Crawl plans: site names and URLs become targets with scope and resolved settings."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from archiver.crawl.config import load_config, make_plan
from archiver.errors import CrawlError
from archiver.settings import DEFAULTS, Settings
from archiver.sites import ProfileRegistry
from archiver.sites.profile import _SECTIONS as PROFILE_SCHEMA


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


# --- precedence, one setting at a time ------------------------------------------------
#
# Later wins: DEFAULTS, the profile's [crawl] table, the config file's top level, its
# [[site]] entry, the command line. The archivist's file beats the shipped profile.


def _other_value(name: str, current: object, step: int = 1) -> object:
    """A valid value of setting ``name`` different from ``current`` (and from other steps)."""
    if isinstance(current, bool):
        return not current if step % 2 else current
    if isinstance(current, int):
        return current + 3 * step
    if isinstance(current, float):
        return current + 1.5 * step
    if isinstance(current, str):
        return f"{current} step-{step}"
    if name == "retry_statuses":
        return [500 + step, 503]
    if name == "revisit_after":
        return [f"{step}h", "2d"]
    raise AssertionError(f"no test value for setting {name}")


SETTINGS = sorted(f.name for f in dataclasses.fields(Settings))
# Booleans have two values only: the entry and the option alternate them.
TOGGLES = {f.name for f in dataclasses.fields(Settings) if isinstance(f.default, bool)}


def _registry(tmp_path: Path, crawl: dict[str, object]) -> ProfileRegistry:
    lines = ['name = "portal"', 'hosts = ["portal.example.vn"]', "[crawl]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in crawl.items()]
    (tmp_path / "portal.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ProfileRegistry.from_dirs(tmp_path)


def _as_setting(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def test_every_profile_crawl_key_is_a_setting_tested_below():
    assert set(PROFILE_SCHEMA["crawl"]) == set(PROFILE_VALUES)
    assert set(PROFILE_VALUES) <= set(SETTINGS)


PROFILE_VALUES = {"delay": 2.0, "per_host": 2, "user_agent": "profile-agent", "max_pages": 40}


@pytest.mark.parametrize("name", sorted(PROFILE_VALUES))
def test_config_top_level_beats_the_profiles_crawl_table(name, tmp_path):
    registry = _registry(tmp_path, {name: PROFILE_VALUES[name]})
    ours = _other_value(name, PROFILE_VALUES[name], 2)
    (target,) = make_plan(["portal"], config={name: ours}, profiles=registry).targets
    assert getattr(target.settings, name) == ours
    # Without the config, the profile's value still beats the default.
    (target,) = make_plan(["portal"], profiles=registry).targets
    assert getattr(target.settings, name) == PROFILE_VALUES[name]


@pytest.mark.parametrize("name", SETTINGS)
def test_each_setting_resolves_defaults_then_top_level_then_site_then_option(name):
    default = getattr(DEFAULTS, name)
    top, site, option = (_other_value(name, default, step) for step in (1, 2, 3))
    url = "http://portal.example.vn/"

    def resolved(config: dict[str, object], overrides: dict[str, object] | None = None):
        (target,) = make_plan([], config=config, overrides=overrides).targets
        return getattr(target.settings, name)

    assert resolved({"site": [{"url": url}]}) == default
    assert resolved({name: top, "site": [{"url": url}]}) == _as_setting(top)
    if name not in TOGGLES:  # a boolean has no third value to tell the layers apart
        assert resolved({name: top, "site": [{"url": url, name: site}]}) == _as_setting(site)
    option_value = _as_setting(option if name not in TOGGLES else not default)
    config = {name: top, "site": [{"url": url, name: site}]}
    assert resolved(config, {name: option_value}) == option_value
