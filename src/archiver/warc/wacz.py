"""WACZ (Web Archive Collection Zipped, 1.1.1): the WARCs of a directory in one file that
ReplayWeb.page, Browsertrix and pywb open as they are.

    summary = write_wacz("warcs/", "tamky.wacz", pages=archive_pages(archive, files))

The zip holds, as the specification lays it out:

- ``archive/``: the WARC files, stored (never deflated, so a player can seek in them);
- ``indexes/index.cdx``: the CDXJ index of their response and revisit records
  (:mod:`archiver.warc.cdxj`: SURT keys as pywb computes them), stored;
- ``pages/pages.jsonl``: the entry points a player lists (``json-pages-1.0``): the
  archived articles with their titles and capture times, else every HTML page;
- ``datapackage.json``: every file with its SHA-256 and size, the WACZ version, the
  creating software; ``datapackage-digest.json``: the SHA-256 of the datapackage.

The file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver.atomic import replacing
from archiver.errors import InputError
from archiver.version import __version__
from archiver.warc.reader import warc_files
from archiver.warc.writing import index_lines

__all__ = ["WACZ_VERSION", "WaczPage", "WaczSummary", "write_wacz"]

WACZ_VERSION = "1.1.1"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class WaczPage:
    """An entry point of the collection: a captured URL, when (ISO 8601), its title."""

    url: str
    ts: str
    title: str | None = None

    def line(self) -> str:
        ts = _utc(self.ts)
        # Every line gets an id and a title (the URL when unknown): the reference
        # validator reads the file as a table keyed by the header's fields.
        key = hashlib.sha1(f"{ts} {self.url}".encode(), usedforsecurity=False).hexdigest()[:16]
        fields = {"id": key, "url": self.url, "ts": ts, "title": self.title or self.url}
        return json.dumps(fields, ensure_ascii=False)


@dataclass(slots=True)
class WaczSummary:
    """What went into the WACZ file."""

    path: Path
    warcs: list[str] = field(default_factory=list)
    records: int = 0
    pages: int = 0
    bytes: int = 0


def _utc(moment: str) -> str:
    """ISO 8601 with any offset → ``2024-03-05T02:15:00Z`` (pages' ``ts`` are UTC)."""
    if len(moment) == 14 and moment.isdigit():  # a CDXJ timestamp
        parsed = datetime.strptime(moment, "%Y%m%d%H%M%S")
    else:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Hashing:
    """A write-only stream that counts and hashes what passes through it."""

    def __init__(self, target) -> None:  # type: ignore[no-untyped-def]
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


def _entry(name: str, stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, datetime.now(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def _add(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes], stored: bool) -> dict:
    with archive.open(_entry(name, stored), "w", force_zip64=True) as raw:
        out = _Hashing(raw)
        for chunk in chunks:
            out.write(chunk)
    return {
        "name": Path(name).name.lower(),
        "path": name,
        "hash": f"sha256:{out.digest.hexdigest()}",
        "bytes": out.size,
    }


def _file_chunks(path: Path) -> Iterable[bytes]:
    with open(path, "rb") as source:
        while chunk := source.read(_CHUNK):
            yield chunk


def _html_pages(lines: list[str]) -> list[WaczPage]:
    pages = []
    for line in lines:
        _key, stamp, fields = line.split(" ", 2)
        data = json.loads(fields)
        if data.get("status") == "200" and str(data.get("mime", "")).startswith("text/html"):
            pages.append(WaczPage(data["url"], stamp))
    return pages


def write_wacz(
    directory: str | Path,
    target: str | Path,
    *,
    pages: Iterable[WaczPage] = (),
    title: str | None = None,
    description: str | None = None,
) -> WaczSummary:
    """Package the WARC files of ``directory`` into the WACZ file ``target``.

    ``pages`` are the collection's entry points; without any, every HTML page that
    answered 200 is one (titles unknown).
    """
    files = warc_files([directory])
    if not files:
        raise InputError(f"no WARC files in {directory} to put in a WACZ")
    summary = WaczSummary(Path(target), warcs=[path.name for path in files])
    lines = sorted({line for path in files for line in index_lines(path)})
    summary.records = len(lines)
    listed = list(pages) or _html_pages(lines)
    summary.pages = len(listed)
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    page_lines = [json.dumps(header), *(page.line() for page in listed)]
    with replacing(target, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
        resources = [
            _add(archive, f"archive/{path.name}", _file_chunks(path), stored=True) for path in files
        ]
        index = "".join(line + "\n" for line in lines).encode("utf-8")
        resources.append(_add(archive, "indexes/index.cdx", [index], stored=True))
        pages_text = "".join(line + "\n" for line in page_lines).encode("utf-8")
        resources.append(_add(archive, "pages/pages.jsonl", [pages_text], stored=False))
        package = {
            "profile": "data-package",
            "resources": resources,
            **({"title": title} if title else {}),
            **({"description": description} if description else {}),
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": f"archiver {__version__}",
        }
        if listed:
            package["mainPageURL"] = listed[0].url
            package["mainPageDate"] = _utc(listed[0].ts)
        package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        archive.writestr(_entry("datapackage.json", stored=False), package_bytes)
        digest = {
            "path": "datapackage.json",
            "hash": f"sha256:{hashlib.sha256(package_bytes).hexdigest()}",
        }
        archive.writestr(
            _entry("datapackage-digest.json", stored=False), json.dumps(digest, indent=2)
        )
    summary.bytes = Path(target).stat().st_size
    return summary
