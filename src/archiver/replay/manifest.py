"""Reading and checking ``manifest.json``, the index of a replay directory.

See :mod:`archiver.replay` for the format. A mistake in a hand-written manifest is an
``InputError`` naming the URL and the field, never a KeyError at request time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import InputError
from archiver.headers import Headers, header_value
from archiver.urls import is_http_url

__all__ = ["FORMAT", "MANIFEST", "VERSION", "Entry", "ResponseSpec", "load_manifest"]

MANIFEST = "manifest.json"
FORMAT = "archiver-replay"
VERSION = 1

_SPEC_KEYS = {
    "status",
    "headers",
    "file",
    "text",
    "generate_bytes",
    "gzip",
    "gzip_bomb",
    "chunked",
    "delay",
    "close",
    "note",
}
_BODY_KEYS = ("file", "text", "generate_bytes", "gzip_bomb")


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """One response as the manifest describes it (see the format in :mod:`archiver.replay`)."""

    status: int = 200
    headers: Headers = ()
    file: Path | None = None
    text: str | None = None
    generate_bytes: int | None = None
    gzip: bool = False
    gzip_bomb: int | None = None
    chunked: bool = False
    delay: float = 0.0
    close: bool = False
    #: Body read when the response is served (a WARC record's payload); not in manifests.
    load: Callable[[], bytes] | None = None

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


@dataclass(frozen=True, slots=True)
class Entry:
    """A URL of the site and the responses it gives, one per request (the last repeats)."""

    url: str
    responses: tuple[ResponseSpec, ...]


def _fail(message: str, url: str | None = None, field: str | None = None) -> InputError:
    return InputError(f"replay manifest: {message}", url=url, field=field)


def _headers(value: Any, url: str) -> Headers:
    if isinstance(value, dict):
        value = list(value.items())
    if not isinstance(value, list) or not all(
        isinstance(pair, list | tuple)
        and len(pair) == 2
        and all(isinstance(part, str) for part in pair)
        for pair in value
    ):
        raise _fail("headers must be an object or a list of [name, value] pairs", url, "headers")
    return tuple((name, text) for name, text in value)


def _spec(raw: Any, url: str, root: Path) -> ResponseSpec:
    if not isinstance(raw, dict):
        raise _fail("a response must be an object", url)
    unknown = set(raw) - _SPEC_KEYS
    if unknown:
        raise _fail(f"unknown key {sorted(unknown)[0]!r}", url, sorted(unknown)[0])
    bodies = [key for key in _BODY_KEYS if raw.get(key) is not None]
    if len(bodies) > 1:
        raise _fail(f"give only one of {', '.join(bodies)}", url, bodies[1])
    status = raw.get("status", 200)
    if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
        raise _fail(f"status must be an HTTP status code, not {status!r}", url, "status")
    delay = raw.get("delay", 0)
    if (
        not isinstance(delay, int | float)
        or isinstance(delay, bool)
        or not (math.isfinite(delay) and delay >= 0)
    ):
        raise _fail(f"delay must be seconds >= 0, not {delay!r}", url, "delay")
    for key in ("generate_bytes", "gzip_bomb"):
        size = raw.get(key)
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise _fail(f"{key} must be a number of bytes", url, key)
    for key in ("gzip", "chunked", "close"):
        if not isinstance(raw.get(key, False), bool):
            raise _fail(f"{key} must be true or false", url, key)
    path = None
    if raw.get("file") is not None:
        name = raw["file"]
        if not isinstance(name, str) or Path(name).is_absolute() or ".." in Path(name).parts:
            raise _fail("file must be a path inside the replay directory", url, "file")
        path = root / name
        if not path.is_file():
            raise _fail(f"file {name} does not exist", url, "file")
    text = raw.get("text")
    if text is not None and not isinstance(text, str):
        raise _fail("text must be a string", url, "text")
    return ResponseSpec(
        status=status,
        headers=_headers(raw.get("headers", []), url),
        file=path,
        text=text,
        generate_bytes=raw.get("generate_bytes"),
        gzip=raw.get("gzip", False),
        gzip_bomb=raw.get("gzip_bomb"),
        chunked=raw.get("chunked", False),
        delay=float(delay),
        close=raw.get("close", False),
    )


def _entry(url: str, raw: Any, root: Path) -> Entry:
    if not is_http_url(url):
        raise _fail("keys of pages must be absolute http(s) URLs", url)
    if isinstance(raw, dict) and "responses" in raw:
        if set(raw) - {"responses", "note"}:
            raise _fail("an entry with responses holds nothing else", url, "responses")
        sequence = raw["responses"]
        if not isinstance(sequence, list) or not sequence:
            raise _fail("responses must be a non-empty list", url, "responses")
        return Entry(url, tuple(_spec(item, url, root) for item in sequence))
    return Entry(url, (_spec(raw, url, root),))


def load_manifest(directory: str | Path) -> list[Entry]:
    """The entries of ``directory/manifest.json``, checked; ``InputError`` when it is unusable."""
    root = Path(directory)
    path = root / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"no {MANIFEST} in {root}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _fail(f"{path} cannot be read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("pages"), dict):
        raise _fail(f'{path} must be an object with a "pages" object')
    version = data.get("version", VERSION)
    if data.get("format", FORMAT) != FORMAT or not isinstance(version, int) or version > VERSION:
        raise _fail(f"{path} is not a version {VERSION} {FORMAT} manifest")
    return [_entry(url, raw, root) for url, raw in data["pages"].items()]
