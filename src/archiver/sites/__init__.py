"""The site profiles shipped with archiver, and how a page finds its profile.

    >>> from archiver.sites import registry
    >>> registry().for_url("https://vnexpress.net/abc-4220047.html").name
    'vnexpress'

Profiles are the ``*.toml`` files in this folder. Extra folders can be added
with the ``ARCHIVER_PROFILES`` environment variable (``os.pathsep``-separated),
so an archivist adds a site without touching the package.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from archiver.errors import ProfileError
from archiver.sites.profile import Discovery, Profile, Selectors, load_profile, profile_from_dict
from archiver.urls import host_of

__all__ = [
    "Discovery",
    "Profile",
    "ProfileRegistry",
    "Selectors",
    "load_profile",
    "profile_from_dict",
    "registry",
]

PROFILE_DIR = Path(__file__).parent


class ProfileRegistry:
    """A set of profiles with lookups by name, host and fingerprint."""

    def __init__(self, profiles: list[Profile]) -> None:
        self._by_name: dict[str, Profile] = {}
        for profile in profiles:
            if profile.name in self._by_name:
                raise ProfileError(
                    "two profiles share this name "
                    f"({self._by_name[profile.name].source}, {profile.source})",
                    site=profile.name,
                )
            self._by_name[profile.name] = profile
        #: Each host a profile names, with the first profile naming it (see ``for_url``).
        self._by_host: dict[str, Profile] = {}
        for profile in self._by_name.values():
            for name in profile.hosts:
                self._by_host.setdefault(name, profile)

    @classmethod
    def from_dirs(cls, *dirs: str | Path) -> ProfileRegistry:
        profiles: dict[str, Profile] = {}
        for folder in dirs:
            found: dict[str, Profile] = {}
            for path in sorted(Path(folder).glob("*.toml")):
                profile = load_profile(path)
                if profile.name in found:
                    raise ProfileError(
                        f"two profiles share this name ({found[profile.name].source}, {path})",
                        site=profile.name,
                    )
                found[profile.name] = profile
            profiles.update(found)  # later folders override shipped profiles
        return cls(list(profiles.values()))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._by_name.values(), key=lambda p: p.name))

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> Profile:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name))
            raise ProfileError(f"no profile called {name!r} (known: {known})", site=name) from None

    def for_url(self, url: str) -> Profile | None:
        """The profile whose hosts cover ``url``'s host, else one whose URL fingerprint matches."""
        # The longest matching host wins (e.vnexpress.net over vnexpress.net): the host, then
        # each domain above it (what ``Profile.host_match`` measures, one lookup each).
        host = host_of(url).lower()
        while True:
            found = self._by_host.get(host)
            if found is not None:
                return found
            dot = host.find(".")
            if dot < 0:
                break
            host = host[dot + 1 :]
        for profile in self._by_name.values():
            if any(p.search(url) for p in profile.fingerprint_urls):
                return profile
        return None

    def for_page(self, url: str, tree: LexborHTMLParser) -> Profile | None:
        """Like :meth:`for_url`, then by markup fingerprints (every listed selector must match)."""
        profile = self.for_url(url)
        if profile is not None:
            return profile
        for candidate in self._by_name.values():
            if candidate.fingerprint_html and all(
                tree.css_first(selector) is not None for selector in candidate.fingerprint_html
            ):
                return candidate
        return None


@cache
def registry() -> ProfileRegistry:
    """The shipped profiles plus any folders named in ``ARCHIVER_PROFILES`` (loaded once)."""
    extra = [p for p in os.environ.get("ARCHIVER_PROFILES", "").split(os.pathsep) if p]
    return ProfileRegistry.from_dirs(PROFILE_DIR, *extra)
