"""The CDXJ index beside the WARC files (``index.cdxj``), the form pywb replays from.

One line per ``response`` or ``revisit`` record, sorted, keyed by SURT::

    vn,gov,tamky)/tin-tuc/a-1.html 20240305021500 {"url": "http://tamky.gov.vn/tin-tuc/a-1.html",
        "mime": "text/html", "status": "200", "digest": "G7HRM7BGOKSKMSXZ...", "length": "4120",
        "offset": "1893", "filename": "archiver-20240305021500-00000-host.warc.gz"}

(one line in the file). The fields and their spelling are those of webrecorder's
cdxj-indexer; ``filename`` is relative to the index's directory, so the directory can
be moved or copied into a pywb collection's ``archives/`` folder with its index.

:func:`merge_into_index` adds lines for a closed WARC file: the existing index and
the new lines are merged in sorted order into a temporary file that replaces the
index atomically, under a lock file so two writers into one directory do not lose
each other's lines.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

__all__ = ["INDEX_NAME", "cdxj_line", "indexed_files", "merge_into_index", "surt"]

INDEX_NAME = "index.cdxj"
_SAFE = "/%:@!$&'()*+,;=-._~"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WWW = re.compile(r"^www\d*\.")


def surt(url: str) -> str:
    """Sort-friendly URI Reordering Transform, as pywb computes it for lookups.

    ``http://www.Example.com:80/Path?b=2&a=1#x`` → ``com,example)/path?a=1&b=2``:
    scheme, ``www.``, default port, user info and fragment dropped, host labels
    reversed, query arguments sorted, everything lower-cased.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").strip(".").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    try:
        ipaddress.ip_address(host)
        labels = host
    except ValueError:
        labels = ",".join(reversed(_WWW.sub("", host).split(".")))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        labels += f":{port}"
    path = quote(parts.path or "/", safe=_SAFE)
    key = f"{labels}){path}"
    if parts.query:
        arguments = sorted(quote(parts.query, safe=_SAFE + "?").split("&"))
        key += "?" + "&".join(arguments)
    return key.lower()


def _timestamp(warc_date: str) -> str:
    """``2024-03-05T02:15:00.5Z`` → ``20240305021500``."""
    digits = "".join(c for c in warc_date.split(".")[0] if c.isdigit())
    return digits[:14].ljust(14, "0")


def cdxj_line(
    *,
    url: str,
    warc_date: str,
    mime: str | None,
    status: int | None,
    digest: str | None,
    length: int,
    offset: int,
    filename: str,
) -> str:
    """One index line (without the newline)."""
    fields = {"url": url, "mime": mime or "unk"}
    if status is not None:
        fields["status"] = str(status)
    if digest:
        fields["digest"] = digest.split(":", 1)[-1]
    fields.update(length=str(length), offset=str(offset), filename=filename)
    return f"{surt(url)} {_timestamp(warc_date)} {json.dumps(fields, ensure_ascii=False)}"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: one writer per directory
        yield
        return
    with open(directory / f".{INDEX_NAME}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield line.rstrip("\n")


def merge_into_index(directory: str | Path, lines: Iterable[str]) -> int:
    """Add ``lines`` to ``directory/index.cdxj``, keeping it sorted; returns lines added."""
    directory = Path(directory)
    new = sorted(set(lines))
    if not new:
        return 0
    index = directory / INDEX_NAME
    with _locked(directory):
        handle, temporary = tempfile.mkstemp(prefix=f".{INDEX_NAME}.", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                previous = None
                for line in heapq.merge(_read(index), new):
                    if line != previous:
                        out.write(line + "\n")
                    previous = line
            # mkstemp makes the file private; an index is as readable as the WARCs beside it.
            mode = index.stat().st_mode & 0o777 if index.exists() else 0o644
            os.chmod(temporary, mode)
            os.replace(temporary, index)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return len(new)


def indexed_files(directory: str | Path) -> set[str]:
    """The file names the directory's index has lines for."""
    names = set()
    for line in _read(Path(directory) / INDEX_NAME):
        try:
            names.add(json.loads(line.split(" ", 2)[2])["filename"])
        except (IndexError, ValueError, KeyError, TypeError):
            continue
    return names
