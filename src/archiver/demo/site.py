"""The demo website: both demo sites as a replay site in memory, or as a replay directory."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.dates import VN_TZ
from archiver.demo.data import NEWS, PORTAL, DemoPage, Reply, site_info
from archiver.demo.news import news_pages
from archiver.demo.portal import portal_pages
from archiver.errors import InputError
from archiver.replay import Entry, ReplaySite, ResponseSpec
from archiver.replay.manifest import FORMAT, MANIFEST, VERSION

__all__ = ["HOSTS", "build_site", "site_pages", "write_site"]

#: The hosts the demo serves (the crawler reaches them through the replay server as a proxy).
HOSTS = (site_info(PORTAL).host, site_info(NEWS).host)
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_EXTENSIONS = {
    "text/html": ".html",
    "text/plain": ".txt",
    "application/xml": ".xml",
    "application/rss+xml": ".xml",
}


def site_pages(today: date | None = None) -> list[DemoPage]:
    """Every page of both demo sites as they look on ``today`` (default: the real today).

    Headers show today's date and the portal's date archive reaches up to it.
    """
    # The sites are Vietnamese: their "today" is the date in Vietnam, not the machine's.
    today = today or datetime.now(VN_TZ).date()
    return [*portal_pages(today), *news_pages(today)]


def _spec(reply: Reply) -> ResponseSpec:
    return ResponseSpec(status=reply.status, headers=reply.headers, text=reply.body)


def build_site(today: date | None = None) -> ReplaySite:
    """Both demo sites as a :class:`ReplaySite` held in memory (nothing is written)."""
    entries = [Entry(p.url, tuple(_spec(r) for r in p.replies)) for p in site_pages(today)]
    return ReplaySite(entries=entries)


def _file_name(url: str, reply: Reply, index: int, count: int) -> str:
    """A readable, unique file name: host, then path and query made safe for file systems."""
    parts = urlsplit(url)
    stem = _UNSAFE.sub("_", (parts.path + ("_" + parts.query if parts.query else "")).strip("/"))
    content_type = dict((k.lower(), v) for k, v in reply.headers).get("content-type", "text/html")
    extension = _EXTENSIONS.get(content_type.split(";")[0].strip(), ".bin")
    suffix = f".{index + 1}" if count > 1 else ""
    return f"files/{parts.netloc}/{stem or 'index'}{suffix}{extension}"


def write_site(directory: str | Path, today: date | None = None) -> Path:
    """Write both demo sites into ``directory`` in the replay format (``archiver replay DIR``).

    The directory may exist but must not hold a manifest already: the demo never
    overwrites someone's replay directory. Returns the manifest's path.
    """
    root = Path(directory)
    manifest = root / MANIFEST
    if manifest.exists():
        raise InputError(f"{manifest} already exists; choose an empty directory", field="directory")
    written: dict[str, Any] = {}
    used: set[str] = set()
    for page in site_pages(today):
        responses = []
        for index, reply in enumerate(page.replies):
            item: dict[str, Any] = {
                "status": reply.status,
                "headers": [list(h) for h in reply.headers],
            }
            if reply.body is not None:
                name = _file_name(page.url, reply, index, len(page.replies))
                if name in used:
                    raise InputError(f"two demo pages would share the file {name}", url=page.url)
                used.add(name)
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(reply.body.encode("utf-8"))
                item["file"] = name
            responses.append(item)
        written[page.url] = responses[0] if len(responses) == 1 else {"responses": responses}
    data = {
        "format": FORMAT,
        "version": VERSION,
        "pages": written,
        "note": "The archiver demo website (archiver.demo): every article is invented.",
    }
    manifest.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest
