"""Feedback during and after a crawl: statistics, a live display on a terminal, log lines for cron.

:class:`CrawlStats` counts what a run did; it is stored in ``crawl_runs.stats``. A
:class:`Reporter` receives events from the engine: :class:`LogReporter` writes
one plain line per event (``--quiet`` keeps only problems, ``--verbose`` adds
every URL; ``--log-json`` makes each line a JSON object), :class:`LiveReporter`
draws a live panel with rich when stderr is a terminal: totals, a progress bar
with the time spent and the time left (:mod:`archiver.crawl.eta`), each host's
queue and the last pages.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from archiver.crawl.eta import Progress


@dataclass
class CrawlStats:
    started: float = field(default_factory=time.monotonic)
    pages: int = 0
    #: Pages (not robots.txt) that answered 2xx or 304: zero means the run could not work.
    pages_ok: int = 0
    bytes: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    aliases: int = 0
    not_modified: int = 0
    view_counts: int = 0
    errors: int = 0
    retries: int = 0
    outcomes: Counter = field(default_factory=Counter)
    hosts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: Why the run stopped with work left ("max_time", "max_pages"); None: it did not.
    stopped_by: str | None = None
    #: URLs still due when a budget stopped the run (the next run's).
    left: int | None = None

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "pages_ok": self.pages_ok,
            "bytes": self.bytes,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "aliases": self.aliases,
            "not_modified": self.not_modified,
            "view_counts": self.view_counts,
            "errors": self.errors,
            "retries": self.retries,
            "seconds": round(self.elapsed, 3),
            "pages_per_second": round(self.rate, 2),
            "outcomes": dict(self.outcomes),
            "hosts": dict(self.hosts),
            "failures": [{"url": u, "error": e} for u, e in self.failures[:100]],
            **({"stopped_by": self.stopped_by, "left": self.left} if self.stopped_by else {}),
        }


class Reporter(Protocol):
    def page(self, url: str, label: str, status: int | None, error: str | None) -> None: ...
    def note(self, message: str, **data: Any) -> None: ...
    def tick(
        self, stats: CrawlStats, queues: dict[str, int], progress: Progress | None = None
    ) -> None: ...
    def summary(self, stats: CrawlStats, status: str) -> None: ...
    def close(self) -> None: ...


def summary_lines(stats: CrawlStats, status: str) -> list[str]:
    lines = [
        f"Crawl {status}: {stats.pages} pages in {stats.elapsed:.1f} s ({stats.rate:.1f}/s), "
        f"{stats.bytes / 1e6:.1f} MB",
        f"  articles: {stats.articles_new} new, {stats.articles_updated} updated, "
        f"{stats.articles_unchanged} unchanged, {stats.aliases} duplicate URLs; "
        f"{stats.view_counts} view counts; {stats.not_modified} not modified (304)",
    ]
    if stats.stopped_by:
        budget = "--max-time" if stats.stopped_by == "max_time" else "--max-pages"
        lines.append(
            f"  stopped by its budget ({budget}): {stats.left or 0} URLs due are left for the "
            "next run, which resumes here"
        )
    if stats.errors:
        lines.append(f"  {stats.errors} pages failed:")
        lines.extend(f"    {url}  {error}" for url, error in stats.failures[:20])
        if len(stats.failures) > 20:
            lines.append(f"    ... and {len(stats.failures) - 20} more (see crawl_runs.stats)")
    return lines


def duration_text(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h 26 min``, ``2 d 4 h``: a duration as people say it."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def clock_text(seconds: float) -> str:
    """``0:12:03``: elapsed or remaining time on the progress bar."""
    minutes, secs = divmod(max(0, round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def backlog_line(due: int, seconds: float, delays: dict[str, float], budget: float | None) -> str:
    """The announcement of a long run: URLs due, how long at the hosts' pace, how to cap it."""
    slowest = max(delays, key=lambda h: delays[h], default=None)
    pace = ""
    if slowest is not None:
        others = f" and {len(delays) - 1} more hosts" if len(delays) > 1 else ""
        pace = f" ({delays[slowest]:g} s between requests to {slowest}{others})"
    line = f"Long run ahead: {due} URLs due, about {duration_text(seconds)} at the hosts' pace"
    if budget is not None and budget < seconds:
        cap = f"this run stops after {duration_text(budget)} (--max-time), later runs go on"
    else:
        cap = "cap it with --max-time 1h, --since/--until DATE or --max-pages N"
    return f"{line}{pace}; {cap}"


def stop_line(reason: str, in_flight: int, grace: float, max_time: float) -> str:
    """What a stop says: why, and what happens to the pages in flight."""
    pages = f"{in_flight} pages in flight get up to {grace:g} s to finish"
    if reason == "signal":
        return f"Stopping: {pages} (signal again to stop at once)"
    budget = (
        f"time budget of {duration_text(max_time)} spent (--max-time)"
        if reason == "max_time"
        else "page budget spent (--max-pages)"
    )
    return f"Stopping: {budget}; {pages}; the next run resumes here"


def progress_text(progress: Progress) -> str:
    """``1,234/6,190 URLs, 0:12:03 elapsed, about 0:45:10 left``."""
    left = f"about {clock_text(progress.remaining)} left"
    if progress.capped and progress.budget_left is not None:
        left = f"{left}, stops in {clock_text(progress.budget_left)} (--max-time)"
    return (
        f"{progress.done:,}/{progress.total:,} URLs, {clock_text(progress.elapsed)} elapsed, {left}"
    )


class LogReporter:
    """Plain lines on a stream: for cron, systemd and pipes."""

    def __init__(self, stream: IO[str] | None = None, *, verbosity: int = 1, as_json: bool = False):
        self.stream = stream or sys.stderr
        self.verbosity = verbosity
        self.as_json = as_json

    @property
    def shows_progress(self) -> bool:
        """Does :meth:`tick` show the progress (URLs due, time left)? Counting the URLs
        due is a query over the frontier: a quiet or JSON log spares it."""
        return self.verbosity >= 1 and not self.as_json

    def _emit(self, event: str, message: str, **data: Any) -> None:
        if self.as_json:
            record = {
                "time": datetime.now().astimezone().isoformat(timespec="seconds"),
                "event": event,
            }
            record.update({k: v for k, v in data.items() if v is not None})
            record["message"] = message
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            stamp = datetime.now().strftime("%H:%M:%S")
            self.stream.write(f"{stamp} {message}\n")
        self.stream.flush()

    def page(self, url: str, label: str, status: int | None, error: str | None) -> None:
        if error and self.verbosity >= 1:
            self._emit("error", f"failed {url}: {error}", url=url, status=status, error=error)
        elif self.verbosity >= 2:
            self._emit(
                "page", f"{status or '-'} {label:<12} {url}", url=url, status=status, label=label
            )

    def note(self, message: str, **data: Any) -> None:
        if self.verbosity >= 1:
            self._emit("note", message, **data)

    def tick(
        self, stats: CrawlStats, queues: dict[str, int], progress: Progress | None = None
    ) -> None:
        if self.verbosity >= 1:
            ahead = f"{sum(queues.values())} queued"
            if progress is not None and not self.as_json:
                # Plain lines (cron): the time left without a bar.
                ahead = f"{progress.due} due, about {duration_text(progress.remaining)} left"
            self._emit(
                "progress",
                f"{stats.pages} pages, {stats.articles_new} new articles, {stats.errors} errors, "
                f"{stats.rate:.1f} pages/s, {ahead}",
                pages=stats.pages,
                new=stats.articles_new,
                errors=stats.errors,
            )

    def summary(self, stats: CrawlStats, status: str) -> None:
        if self.as_json:
            self._emit("summary", f"crawl {status}", status=status, stats=stats.to_dict())
        elif self.verbosity >= 0:
            for line in summary_lines(stats, status):
                self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        pass


class LiveReporter:
    """A live panel on a terminal: totals, rate, and the queue of each host."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = console or Console(stderr=True)
        self.live = Live(console=self.console, refresh_per_second=4, transient=True)
        self.live.start()
        self.recent: list[str] = []

    def page(self, url: str, label: str, status: int | None, error: str | None) -> None:
        from rich.markup import escape

        # URLs and errors may hold "[...]": escaped, so they are shown, not read as markup.
        if error:
            line = f"[red]✗ {escape(url)} {escape(error)}[/]"
        else:
            line = f"[green]{status}[/] {label} {escape(url)}"
        self.recent = [*self.recent[-5:], line]

    def note(self, message: str, **data: Any) -> None:
        self.console.print(message, markup=False, highlight=False)

    def tick(
        self, stats: CrawlStats, queues: dict[str, int], progress: Progress | None = None
    ) -> None:
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        # Text objects, parsed here: a note printed with markup off while the panel is up
        # redraws it with the same options, and plain strings would show their markup.
        table = Table.grid(padding=(0, 2))
        table.add_row(
            *map(
                Text.from_markup,
                (
                    f"[bold]{stats.pages}[/] pages",
                    f"[bold green]{stats.articles_new}[/] new",
                    f"{stats.articles_updated} updated",
                    f"[red]{stats.errors}[/] errors",
                    f"{stats.rate:.1f} pages/s",
                    f"{stats.bytes / 1e6:.1f} MB",
                ),
            )
        )
        hosts = Table("host", "queued", "fetched", box=None, padding=(0, 2))
        for host, queued in sorted(queues.items(), key=lambda kv: -kv[1])[:8]:
            hosts.add_row(Text(host), Text(str(queued)), Text(str(stats.hosts.get(host, 0))))
        grid = Table.grid()
        grid.add_row(table)
        if progress is not None:
            bar = Table.grid(padding=(0, 2))
            bar.add_row(
                ProgressBar(total=max(progress.total, 1), completed=progress.done, width=40),
                Text(progress_text(progress)),
            )
            grid.add_row(bar)
        grid.add_row(hosts)
        for line in self.recent:
            grid.add_row(Text.from_markup(line))
        # Drawn now, not at the refresh thread's next beat: a tick comes at most once a second,
        # and on a loaded machine a short run could otherwise end before its bar is ever drawn.
        self.live.update(grid, refresh=True)

    def summary(self, stats: CrawlStats, status: str) -> None:
        self.live.stop()
        for line in summary_lines(stats, status):
            self.console.print(line, highlight=False, markup=False)

    def close(self) -> None:
        self.live.stop()
