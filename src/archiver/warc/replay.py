"""A replay site served from WARC files: ``archiver replay crawl.warc.gz`` or a folder of them.

Each ``response`` record of an http(s) URL becomes a response of the site; a URL
captured several times answers with its captures in file order, the last repeating
(so replaying a crawl's WARCs to the crawler again shows it what it saw). Revisit
records of identical payloads answer with the original payload; ``server-not-modified``
revisits are left out (the site answers conditional requests itself). Payloads are
read from the files when served, never held in memory. A damaged file is used up to
the damage; :func:`warc_site` reports it through ``on_damage``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from archiver.replay import Entry, ReplaySite, ResponseSpec
from archiver.store.warcs import WarcPointer
from archiver.warc.reader import WarcDamage, WarcEntry, read_entry, read_records, warc_files

__all__ = ["warc_entries", "warc_site"]

_HTTP = ("http://", "https://")
#: Stated by the replay site itself when it sends the body.
_FRAMING = {"content-length", "transfer-encoding", "content-encoding", "connection"}


def _payload(pointer: WarcPointer) -> bytes:
    return read_entry(pointer).payload or b""


def _spec(entry: WarcEntry, body: WarcPointer) -> ResponseSpec:
    headers = tuple((k, v) for k, v in entry.http_headers or () if k.lower() not in _FRAMING)
    return ResponseSpec(status=entry.status or 200, headers=headers, load=partial(_payload, body))


def warc_entries(
    paths: Iterable[str | Path], *, on_damage: Callable[[WarcDamage], None] | None = None
) -> list[Entry]:
    """The replay entries of the WARC files (or directories of them) in ``paths``."""
    captures: dict[str, list[ResponseSpec]] = {}
    by_id: dict[str, WarcPointer] = {}
    by_digest: dict[str, WarcPointer] = {}
    for path in warc_files(paths):
        try:
            for entry in read_records(path):
                url = entry.target_uri
                if not url.startswith(_HTTP) or entry.status is None:
                    continue
                if not 200 <= entry.status <= 599:
                    continue
                digest = (entry.warc("WARC-Payload-Digest") or "").lower()
                if entry.kind == "response":
                    if entry.record_id:
                        by_id[entry.record_id] = entry.pointer
                    if digest:
                        by_digest.setdefault(digest, entry.pointer)
                    captures.setdefault(url, []).append(_spec(entry, entry.pointer))
                elif entry.kind == "revisit" and entry.status != 304:
                    refers = entry.warc("WARC-Refers-To") or ""
                    original = by_id.get(refers) or by_digest.get(digest)
                    if original is not None:
                        captures.setdefault(url, []).append(_spec(entry, original))
        except WarcDamage as damage:
            if on_damage is not None:
                on_damage(damage)
    return [Entry(url, tuple(specs)) for url, specs in captures.items()]


def warc_site(
    paths: Iterable[str | Path], *, on_damage: Callable[[WarcDamage], None] | None = None
) -> ReplaySite:
    """A :class:`ReplaySite` answering with the captures in the WARC files."""
    return ReplaySite(entries=warc_entries(paths, on_damage=on_damage))
