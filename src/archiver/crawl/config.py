"""What a crawl is asked to do: its sites, scope and settings, from arguments and a config file.

A scheduled crawl of many sites is one TOML file (``archiver crawl --config crawl.toml``)::

    user_agent = "archiver/0.1 (+mailto:archive@example.org)"   # say who you are
    delay = 2.0                  # any Settings field: seconds between requests to a host
    revisit_after = ["1h", "1d", "7d", "30d"]

    [[site]]
    name = "tamky"               # a profile name ...

    [[site]]
    url = "http://hoian.gov.vn/" # ... or any URL
    profile = "tamky"            # the same CMS on another host
    delay = 3.0
    allow_hosts = ["static.hoian.gov.vn"]   # widen the scope beyond the seed hosts
    since = "2024-01"            # don't backfill older articles (2024, 2024-01, 2024-01-31)
    until = "2024-06"            # nor newer ones: the period to archive
    max_pages = 2000
    max_time = "20m"             # this site's share of a run (any Settings field may appear)

Settings resolve in this order, later wins: ``archiver.settings.DEFAULTS``, the
profile's ``[crawl]`` table, the file's top level, the file's ``[[site]]`` entry,
command-line options. The archivist's file beats the shipped profile: a global
``delay = 5`` chosen for politeness is never lowered by a profile's ``delay = 2``.
``since`` and ``until`` (the period, :mod:`archiver.crawl.period`) resolve the same way,
each end on its own; durations (``max_time``) are seconds or ``"90s"``, ``"45m"``,
``"1h30m"``. URLs named together (arguments, ``--urls`` files) are one target per host.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archiver.crawl.outcome import parse_interval
from archiver.crawl.period import Period
from archiver.errors import ConfigError, ProfileError
from archiver.settings import DEFAULTS, Settings
from archiver.sites import Profile, ProfileRegistry, registry
from archiver.urls import explicit_port, host_of, is_http_url, normalize_url

_SETTING_NAMES = {f.name for f in dataclasses.fields(Settings)}
_SITE_KEYS = {
    "name",
    "url",
    "urls",
    "profile",
    "allow_hosts",
    "since",
    "until",
    "max_pages",
} | _SETTING_NAMES
_TOP_KEYS = {"site", "db", "allow_hosts", "operator", "since", "until"} | _SETTING_NAMES
#: Settings that a config file may write as durations ("45m"); they hold seconds.
_DURATIONS = {"max_time"}


def port_allowed(
    host: str, port: int | None, origins: Container[tuple[str, int | None]], ported: Container[str]
) -> bool:
    """Scope is per origin: a host named with a port (a seed ``http://h:8080/``, an
    ``allow_hosts`` entry ``"h:8080"``) allows the ports it was named with; any other
    host its scheme's default port only (``port`` None), http and https alike."""
    if host in ported:
        return (host, port) in origins
    return port is None


def in_domains(host: str, domains: Container[str]) -> bool:
    """True when ``host`` or one of its parent domains is in ``domains`` (one lookup per label)."""
    while host:
        if host in domains:
            return True
        host = host.partition(".")[2]
    return False


@dataclass(frozen=True, slots=True)
class Target:
    """One site of a crawl: where to start, what is in scope, and how politely."""

    name: str
    seeds: tuple[str, ...]
    hosts: frozenset[str]
    profile: Profile | None
    settings: Settings
    #: First and last day of the period to archive (``--since``/``--until``; None: open).
    since: date | None = None
    until: date | None = None
    #: This site's own page budget (its ``[[site]]`` entry's ``max_pages``; 0: none).
    max_pages: int = 0
    #: (host, port) pairs named with a port (None: the default port), and those hosts.
    origins: frozenset[tuple[str, int | None]] = frozenset()
    ported: frozenset[str] = frozenset()

    @property
    def period(self) -> Period:
        return Period(self.since, self.until)

    def in_scope(self, url: str) -> bool:
        if not is_http_url(url):
            return False
        host = host_of(url)
        return in_domains(host, self.hosts) and port_allowed(
            host, explicit_port(url), self.origins, self.ported
        )


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    targets: tuple[Target, ...]
    settings: Settings
    db: str | None = None
    operator: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    _by_host: dict[str, Target] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_host: dict[str, Target] = {}
        for target in self.targets:
            for host in target.hosts:
                by_host.setdefault(host, target)
        object.__setattr__(self, "_by_host", by_host)

    def target_for(self, url: str) -> Target | None:
        """The target whose scope holds ``url`` (the most specific host wins)."""
        return self.target_for_host(host_of(url))

    def target_for_host(self, host: str) -> Target | None:
        """The target of ``host`` or of its nearest parent domain (one lookup per label)."""
        while host:
            target = self._by_host.get(host)
            if target is not None:
                return target
            host = host.partition(".")[2]
        return None


def load_config(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"cannot read config: {error.strerror or error}", url=str(path)
        ) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"config is not valid TOML: {error}", url=str(path)) from error
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}", url=str(path))
    for index, site in enumerate(data.get("site", [])):
        if not isinstance(site, dict):
            raise ConfigError(f"[[site]] entry {index + 1} must be a table", url=str(path))
        bad = set(site) - _SITE_KEYS
        if bad:
            raise ConfigError(
                f"unknown keys in [[site]] entry {index + 1}: {', '.join(sorted(bad))}",
                url=str(path),
            )
    return data


def make_plan(
    names: list[str],
    *,
    config: dict[str, Any] | None = None,
    profile: str | None = None,
    overrides: dict[str, Any] | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    profiles: ProfileRegistry | None = None,
) -> CrawlPlan:
    """Resolve command-line site names/URLs and config entries into crawl targets.

    ``since``/``until`` (``2024``, ``2024-03``, ``2024-03-05`` or a date) bound every
    target's period; URLs among ``names`` are grouped into one target per host.
    """
    profiles = profiles or registry()
    config = config or {}
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    top = {k: v for k, v in config.items() if k in _SETTING_NAMES}
    base = _apply(DEFAULTS, top, "config")
    # The period resolves as settings do, each end on its own: option, entry, top level.
    period = Period.parse(since, until)
    top_period = Period.parse(config.get("since"), config.get("until"), names=("since", "until"))
    entries: list[dict[str, Any]] = [dict(e) for e in config.get("site", [])]
    by_host: dict[str, dict[str, Any]] = {}
    for name in names:
        if "://" not in name:
            entries.append({"name": name, **({"profile": profile} if profile else {})})
            continue
        # Many URLs of one host (a --urls file) are one site with many seeds.
        host = host_of(name) if is_http_url(name) else name
        entry = by_host.get(host)
        if entry is None:
            entry = by_host[host] = {"urls": [], **({"profile": profile} if profile else {})}
            entries.append(entry)
        entry["urls"].append(name)
    if not entries:
        raise ConfigError("nothing to crawl: name a site profile or a URL, or give --config")
    global_allow = [str(h) for h in config.get("allow_hosts", [])]
    targets = [
        _target(entry, top, profiles, overrides, (period, top_period), global_allow)
        for entry in entries
    ]
    return CrawlPlan(
        targets=tuple(targets),
        settings=_apply(base, overrides, "option"),
        db=config.get("db"),
        operator=config.get("operator"),
    )


def _target(
    entry: dict[str, Any],
    top: dict[str, Any],
    profiles: ProfileRegistry,
    overrides: dict[str, Any],
    periods: tuple[Period, Period],
    global_allow: list[str],
) -> Target:
    forced = entry.get("profile")
    urls = [entry["url"]] if "url" in entry else list(entry.get("urls", []))
    try:
        if "name" in entry and not urls:
            prof = profiles.get(str(entry["name"]))
        elif forced:
            prof = profiles.get(str(forced))
        else:
            prof = profiles.for_url(urls[0]) if urls else None
    except ProfileError as error:
        raise ConfigError(
            f"{error.message}; give a profile name or an http(s) URL", site=error.site
        ) from None
    for url in urls:
        if not is_http_url(url):
            raise ConfigError("only http and https URLs can be crawled", url=url)
    if urls:
        seeds = [normalize_url(u) for u in urls]
        hosts = {host_of(u) for u in seeds}
        name = str(entry.get("name") or (prof.name if prof and forced else host_of(seeds[0])))
    else:
        assert prof is not None
        discovery = prof.discovery
        seeds = [normalize_url(u) for u in (*discovery.seeds, *discovery.listings)]
        if not seeds:
            seeds = [f"https://{prof.hosts[0]}/"] if prof.hosts else []
        if not seeds:
            raise ConfigError("the profile names no host or seed to start from", site=prof.name)
        hosts = {h.removeprefix("www.") for h in prof.hosts} | {host_of(u) for u in seeds}
        name = prof.name
    allowed = [_host_port(h, name) for h in [*entry.get("allow_hosts", []), *global_allow]]
    hosts |= {h for h, _ in allowed}
    origins = {(host_of(u), explicit_port(u)) for u in seeds}
    origins |= {(h, p) for h, p in allowed if p is not None}
    ported = {h for h, p in origins if p is not None}
    # A host named both with and without a port keeps its default port too.
    origins |= {(h, None) for h, p in allowed if p is None and h in ported}
    settings = _apply(
        DEFAULTS, dict(prof.crawl) if prof else {}, f"profile {prof.name if prof else ''}"
    )
    settings = _apply(settings, top, "config")
    settings = _apply(settings, {k: v for k, v in entry.items() if k in _SETTING_NAMES}, name)
    settings = _apply(settings, overrides, "option")
    try:
        own = Period.parse(entry.get("since"), entry.get("until"), names=("since", "until"))
        option, top_period = periods
        period = option.merged(own.merged(top_period))
    except ConfigError as error:
        raise ConfigError(error.message, site=name, field=error.field) from None
    return Target(
        name=name,
        seeds=tuple(dict.fromkeys(seeds)),
        hosts=frozenset(hosts),
        profile=prof,
        settings=settings,
        since=period.first,
        until=period.last,
        max_pages=int(entry.get("max_pages") or 0),
        origins=frozenset(origins),
        ported=frozenset(ported),
    )


def _host_port(entry: object, site: str) -> tuple[str, int | None]:
    """An ``allow_hosts`` entry: ``"cdn.example.vn"`` or ``"127.0.0.2:8081"``."""
    text = str(entry).strip().lower()
    host, _, port = text.rpartition(":") if ":" in text.rpartition("]")[2] else (text, "", "")
    if not port:
        return host_of(f"http://{text}/"), None
    if not port.isdigit():
        raise ConfigError(f"allow_hosts entry {entry!r} has a bad port", site=site)
    return host_of(f"http://{host}/"), int(port)


def _apply(settings: Settings, values: dict[str, Any], where: str) -> Settings:
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _SETTING_NAMES:
            continue
        current = getattr(settings, key)
        if key in _DURATIONS and isinstance(value, str):
            try:
                value = parse_interval(value).total_seconds()
            except ValueError as error:
                raise ConfigError(f"{key}: {error}", site=where, field=key) from None
        if key in _DURATIONS and isinstance(value, int | float) and not value >= 0:
            raise ConfigError(f"{key} must be 0 or more seconds", site=where, field=key)
        if isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        if isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(current):
            raise ConfigError(
                f"setting {key} must be {type(current).__name__}, not {type(value).__name__}",
                site=where,
                field=key,
            )
        clean[key] = value
    return dataclasses.replace(settings, **clean) if clean else settings
