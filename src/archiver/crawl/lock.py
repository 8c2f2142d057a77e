"""One crawl at a time per archive: an OS file lock beside the database.

The lock is ``<database>.lock``, held with ``flock`` for the whole run; the kernel
releases it when the holder ends, however it ends. The file records the holder's pid
and process start time (:mod:`archiver.processes`). A lock still held although the
process it names is gone — a child that outlived a ``kill -9`` of its crawl and kept
the inherited descriptor, say — is stale: the next run takes it over by replacing the
file (the orphan keeps a lock on a file nobody uses any more). Takeovers are
serialised by a second lock, ``<database>.lock.takeover``, so two runs never both win.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType

from archiver.errors import CrawlError
from archiver.processes import alive, start_token

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs are not serialised there
    fcntl = None  # type: ignore[assignment]

#: Seconds between two looks at a held lock with ``--wait``.
WAIT_POLL = 1.0


class RunLock:
    """``with RunLock(db_path):`` holds the archive's crawl lock, or raises :class:`CrawlError`.

    ``wait=True`` blocks until the other run ends instead of failing at once.
    """

    def __init__(self, db_path: str | os.PathLike[str], *, wait: bool = False) -> None:
        self.path = Path(f"{os.fspath(db_path)}.lock")
        self.wait = wait
        self._fd: int | None = None
        #: Set when this run took over a lock a dead run still held: its holder line.
        self.took_over: str | None = None

    @property
    def fd(self) -> int | None:
        """The lock's descriptor while held (worker processes close their inherited copy)."""
        return self._fd

    def acquire(self) -> None:
        while True:
            fd = self._open()
            if fcntl is None or self._try_lock(fd):
                if fcntl is None or self._still_ours(fd):
                    token = start_token(os.getpid())
                    os.ftruncate(fd, 0)
                    os.pwrite(
                        fd, f"{token} {datetime.now().isoformat(timespec='seconds')}\n".encode(), 0
                    )
                    self._fd = fd
                    return
                os.close(fd)  # replaced by a takeover meanwhile: lock the new file
                continue
            holder = _read_holder(fd)
            os.close(fd)
            if holder is not None and not alive(holder[0]) and self._take_over(holder[0]):
                self.took_over = " ".join(holder)
                continue
            if not self.wait:
                raise CrawlError(
                    f"another crawl is already running on this archive{_describe(holder)}; "
                    "it was left alone (use --wait to queue behind it)",
                    url=str(self.path),
                )
            time.sleep(WAIT_POLL)

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise CrawlError(
                f"cannot create the crawl lock {self.path}: {error.strerror}"
            ) from error

    @staticmethod
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _still_ours(self, fd: int) -> bool:
        """True when the lock path still names the file locked through ``fd``."""
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def _take_over(self, dead: str) -> bool:
        """Remove a lock file held for a dead process ``dead``; True when it was removed."""
        guard = Path(f"{self.path}.takeover")
        guard_fd = os.open(guard, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(guard_fd, fcntl.LOCK_EX)
            fd = self._open()
            try:
                if self._try_lock(fd):
                    return True  # freed meanwhile: the caller locks it in the usual way
                holder = _read_holder(fd)
                if holder is None or holder[0] != dead:
                    return False  # another run took it over first
                os.unlink(self.path)
                return True
            finally:
                os.close(fd)
        finally:
            os.close(guard_fd)

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


def _read_holder(fd: int) -> tuple[str, str] | None:
    """(process token, start time) written by the holder; None if unreadable."""
    try:
        text = os.pread(fd, 200, 0).decode("ascii", "replace").split()
    except OSError:
        return None
    return (text[0], text[1]) if len(text) >= 2 else None


def _describe(holder: tuple[str, str] | None) -> str:
    if holder is None:
        return ""
    return f" (pid {holder[0].partition(':')[0]}, started {holder[1]})"


class NoLock:
    """The lock of an archive that many crawls share (PostgreSQL): there is none to take."""

    took_over: str | None = None
    fd: int | None = None

    def __enter__(self) -> NoLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None
