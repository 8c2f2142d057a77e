"""Recording fetched exchanges as a replay directory (``archiver crawl --record DIR``).

Bodies go to ``files/<host>/<sha256 of the URL>.<ext>``; the manifest is rewritten
atomically (temporary file, fsync, rename), so a crash leaves the previous manifest
whole, never a half-written one. Recording into an existing directory adds to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from archiver.errors import InputError
from archiver.fetch.exchange import Exchange
from archiver.fetch.result import media_type
from archiver.replay.manifest import FORMAT, MANIFEST, VERSION
from archiver.urls import host_of, normalize_url

__all__ = ["Recorder"]

# Headers that describe the transfer, not the page: the body is stored decoded.
_DROPPED = {
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "set-cookie",
    "date",
    "age",
    "via",
    "server-timing",
    "alt-svc",
    "strict-transport-security",
}
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/json": ".json",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "text/css": ".css",
    "application/javascript": ".js",
    "text/javascript": ".js",
}
_UNSAFE = re.compile(r"[^a-z0-9.-]+")


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Recorder:
    """Writes exchanges into ``directory`` in the replay format.

    ``flush_every`` rewrites the manifest after that many recorded exchanges (1: after
    each; a long crawl may prefer 50 and lose at most 49 manifest lines in a crash; the
    body files are written first, so the manifest never names a missing file).
    """

    def __init__(self, directory: str | Path, *, flush_every: int = 1) -> None:
        self.directory = Path(directory)
        self.flush_every = max(1, flush_every)
        self._pending = 0
        self.directory.mkdir(parents=True, exist_ok=True)
        self._pages: dict[str, Any] = {}
        path = self.directory / MANIFEST
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._pages = dict(data["pages"])
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise InputError(
                    f"existing replay manifest {path} is unreadable: {error}", field="manifest"
                ) from error

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.flush()

    def __len__(self) -> int:
        return len(self._pages)

    def file_name(self, url: str, content_type: str | None) -> str:
        """``files/<host>/<hash>.<ext>``: safe on every filesystem whatever the URL holds."""
        host = _UNSAFE.sub("_", host_of(url) or "unknown")[:100] or "unknown"
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return f"files/{host}/{digest}{_EXTENSIONS.get(media_type(content_type), '.bin')}"

    def record(self, exchange: Exchange) -> bool:
        """Add one exchange; False when there is nothing to replay (no response, a 304)."""
        if exchange.status is None or exchange.status == 304:
            return False
        final = normalize_url(exchange.final_url or exchange.url)
        chain = [normalize_url(u) for u in (exchange.url, *exchange.redirects)] + [final]
        hops = [u for i, u in enumerate(chain) if i == 0 or u != chain[i - 1]]
        for source, target in itertools.pairwise(hops):
            if source != target:
                self._pages[source] = {"status": 302, "headers": [["Location", target]]}
        headers = [[k, v] for k, v in exchange.response_headers if k.lower() not in _DROPPED]
        entry: dict[str, Any] = {"status": exchange.status, "headers": headers}
        if exchange.body:
            name = self.file_name(final, exchange.content_type)
            _atomic_write(self.directory / name, exchange.body)
            entry["file"] = name
        if exchange.truncated:
            entry["note"] = "body truncated when recorded"
        self._pages[final] = entry
        self._pending += 1
        if self._pending >= self.flush_every:
            self.flush()
        return True

    def flush(self) -> None:
        """Write the manifest now (atomically)."""
        document = {"format": FORMAT, "version": VERSION, "pages": self._pages}
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        _atomic_write(self.directory / MANIFEST, text.encode("utf-8") + b"\n")
        self._pending = 0
