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


# --- time budget and period ----------------------------------------------------------


def test_max_time_in_a_config_file_is_a_duration_or_seconds(tmp_path):
    path = tmp_path / "crawl.toml"
    path.write_text(
        'max_time = "1h30m"\n[[site]]\nname = "tamky"\n[[site]]\nname = "dantri"\n'
        'max_time = "20m"\n[[site]]\nname = "vnexpress"\nmax_time = 90\n',
        encoding="utf-8",
    )
    plan = make_plan([], config=load_config(path))
    assert plan.settings.max_time == 5400.0
    assert [t.settings.max_time for t in plan.targets] == [5400.0, 1200.0, 90.0]
    # The command line beats them all.
    option = make_plan([], config=load_config(path), overrides={"max_time": 60.0})
    assert {t.settings.max_time for t in option.targets} == {60.0}


@pytest.mark.parametrize(
    ("value", "message"),
    [("soon", "max_time: a duration looks like 90s"), (-5, "max_time must be 0 or more")],
)
def test_a_bad_max_time_names_the_setting(value, message):
    with pytest.raises(CrawlError, match=message):
        make_plan(["tamky"], config={"max_time": value})


def test_since_and_until_take_a_year_a_month_or_a_day_as_search_does():
    (target,) = make_plan(["tamky"], since="2024", until="2024-02").targets
    assert (target.since, target.until) == (date(2024, 1, 1), date(2024, 2, 29))
    (target,) = make_plan(["tamky"], since="2024-03-05", until="2024-03-05").targets
    assert (target.since, target.until) == (date(2024, 3, 5), date(2024, 3, 5))


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", None, "--since expects a date like 2024, 2024-03 or 2024-03-05"),
        (None, "2024-02-30", "--until: '2024-02-30' is not a real date"),
        ("2024-05", "2024-04", "--since 2024-05 is after --until 2024-04"),
    ],
)
def test_a_bad_period_is_a_one_line_config_error(since, until, message):
    with pytest.raises(CrawlError, match=message) as caught:
        make_plan(["tamky"], since=since, until=until)
    assert "\n" not in str(caught.value)


def test_each_end_of_the_period_resolves_option_then_site_entry_then_top_level():
    config = {
        "since": "2020",
        "until": "2020-06",
        "site": [{"name": "tamky", "until": "2021"}, {"name": "dantri", "since": 2019}],
    }
    tamky, dantri = make_plan([], config=config).targets
    assert (tamky.since, tamky.until) == (date(2020, 1, 1), date(2021, 12, 31))
    assert (dantri.since, dantri.until) == (date(2019, 1, 1), date(2020, 6, 30))
    tamky, dantri = make_plan([], config=config, since="2020-03").targets
    assert tamky.since == dantri.since == date(2020, 3, 1)
    assert (tamky.until, dantri.until) == (date(2021, 12, 31), date(2020, 6, 30))
    # dantri's period would end before it starts: said, not left silently empty.
    with pytest.raises(CrawlError, match=r"since 2021-03-01 is after until 2020-06-30.*dantri"):
        make_plan([], config=config, since="2021-03")


def test_a_toml_date_and_a_bad_period_in_a_site_entry(tmp_path):
    path = tmp_path / "crawl.toml"
    path.write_text('[[site]]\nname = "tamky"\nsince = 2024-01-31\n', encoding="utf-8")
    (target,) = make_plan([], config=load_config(path)).targets
    assert target.since == date(2024, 1, 31) and target.until is None
    with pytest.raises(CrawlError, match=r"since expects a date like .*site=tamky"):
        make_plan([], config={"site": [{"name": "tamky", "since": "31/01/2024"}]})


def test_urls_of_one_host_are_one_target_with_many_seeds():
    plan = make_plan(
        ["http://a.vn/x", "http://www.a.vn/y", "http://b.vn/", "tamky", "http://a.vn:8080/z"]
    )
    names = [t.name for t in plan.targets]
    assert names == ["a.vn", "b.vn", "tamky"]
    a = plan.targets[0]
    assert a.seeds == ("http://a.vn/x", "http://www.a.vn/y", "http://a.vn:8080/z")
    assert a.in_scope("http://a.vn:8080/other") and a.in_scope("http://a.vn/other")


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
