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
index atomically (readable as a new file is: the umask decides), under an exclusive
lock on the directory itself, so two writers into one directory do not lose each
other's lines and no lock file is left behind.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import surt as _surt

from archiver.atomic import replacing

__all__ = ["INDEX_NAME", "cdxj_line", "indexed_files", "merge_into_index", "surt"]

INDEX_NAME = "index.cdxj"


def surt(url: str) -> str:
    """The SURT key of ``url`` exactly as pywb and cdxj-indexer compute it (the ``surt`` library).

    ``http://www.Example.com:80/a/../Path?b=2&a=1#x`` → ``com,example)/path?a=1&b=2``:
    scheme, ``www.``, default port, user info, fragment and session ids dropped, dot
    segments resolved, host labels (and IPv4 octets) reversed, query arguments sorted,
    everything lower-cased.
    """
    try:
        return _surt.surt(url)
    except Exception:  # what pywb does too: a URL surt cannot parse is looked up as itself
        return url.strip().lower()


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
    """Hold an exclusive lock on ``directory`` itself: no lock file is left behind."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: one writer per directory
        yield
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


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
    with _locked(directory), replacing(index, "w", encoding="utf-8") as out:
        previous = None
        for line in heapq.merge(_read(index), new):
            if line != previous:
                out.write(line + "\n")
            previous = line
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
