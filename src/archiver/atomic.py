"""Writing a file whole or not at all: a temporary sibling, renamed over the target when complete.

The temporary file is created as ``open()`` would create the target: mode 0666 less
the umask (``tempfile.mkstemp`` makes it 0600, which keeps colleagues out of an
export), or the mode of the file being replaced.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["replacing"]


def _create(target: Path) -> tuple[int, Path]:
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


@contextmanager
def replacing(path: str | os.PathLike[str], mode: str = "w", **options: Any) -> Iterator[IO[Any]]:
    """A stream (``open(path, mode, **options)``-like) whose content replaces ``path`` when the
    block ends without an error; on an error the target is untouched and the temporary removed."""
    target = Path(path)
    handle, temporary = _create(target)
    try:
        if target.exists():
            os.fchmod(handle, target.stat().st_mode & 0o7777)
        with os.fdopen(handle, mode, **options) as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
