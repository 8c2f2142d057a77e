"""Is a process still the one we think it is? A pid and its start time, checked together.

A pid alone is not an identity: once a process dies the kernel hands its number to the
next one. Run locks and ``crawl_runs`` rows record the pid *and* the process's start
time, so a run whose process died (``kill -9``, a power cut) is told from a live one
even after its pid was reused.

    token = start_token(os.getpid())      # "pid:start" as recorded
    alive(token)                          # False once that process is gone
"""

from __future__ import annotations

import os

__all__ = ["alive", "start_token"]


def _stat(pid: int) -> list[str]:
    """Fields 3 and on of ``/proc/PID/stat`` (state first); empty where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return []
    # The command name (field 2) may hold spaces and parentheses: count from its end.
    return stat[stat.rfind(")") + 2 :].split()


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux ``/proc``), if readable."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else None


def start_token(pid: int) -> str:
    """``"pid:start"`` (``"pid:"`` where the start time cannot be read)."""
    return f"{pid}:{_start_time(pid) or ''}"


def alive(token: str) -> bool:
    """True while the process ``token`` names runs (a reused pid does not count)."""
    pid_text, _, start = token.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):
        return False  # dead, only waiting for its parent to reap it
    return not start or not fields or fields[19:20] == [start]
