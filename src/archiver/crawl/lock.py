"""One crawl at a time per archive: an OS file lock beside the database.

The lock is ``<database>.lock``, held with ``flock`` for the whole run. The
kernel releases it when the process ends, however it ends (kill -9 included),
so a crashed run never blocks the next one. The file records the holder's pid
and start time, for the message the second run prints.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from types import TracebackType

from archiver.errors import CrawlError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs are not serialised there
    fcntl = None  # type: ignore[assignment]


class RunLock:
    """``with RunLock(db_path):`` holds the archive's crawl lock, or raises :class:`CrawlError`.

    ``wait=True`` blocks until the other run ends instead of failing at once.
    """

    def __init__(self, db_path: str | os.PathLike[str], *, wait: bool = False) -> None:
        self.path = Path(f"{os.fspath(db_path)}.lock")
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise CrawlError(
                f"cannot create the crawl lock {self.path}: {error.strerror}"
            ) from error
        if fcntl is not None:
            flags = fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB
            try:
                fcntl.flock(fd, flags)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise CrawlError(
                    f"another crawl is already running on this archive{holder}; "
                    "it was left alone (use --wait to queue behind it)",
                    url=str(self.path),
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {datetime.now().isoformat(timespec='seconds')}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("ascii", "replace").split()
    except OSError:
        return ""
    if len(text) >= 2:
        return f" (pid {text[0]}, started {text[1]})"
    return ""
