"""Crawl feedback: a live panel with a progress bar on a terminal, plain or JSON log lines
elsewhere, a summary, and the announcement of a long run."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from archiver.crawl.eta import Progress
from archiver.crawl.report import CrawlStats, LiveReporter, LogReporter, summary_lines
from crawl_support import CLI, crawl_output, daily_profile, publish_daily
from hostile import Web


def _stats() -> CrawlStats:
    stats = CrawlStats(pages=12, pages_ok=11, articles_new=7, errors=1, bytes=1_200_000)
    stats.hosts["tamky.gov.vn"] = 12
    stats.failures.append(("http://tamky.gov.vn/x", "HTTP 404"))
    return stats


def test_live_panel_shows_totals_and_host_queues_then_the_summary():
    out = io.StringIO()
    reporter = LiveReporter(Console(file=out, force_terminal=True, width=120))
    reporter.page("http://tamky.gov.vn/a", "article", 200, None)
    progress = Progress(done=12, due=36, elapsed=75.0, remaining=3725.0)
    reporter.tick(_stats(), {"tamky.gov.vn": 5}, progress)
    reporter.live.refresh()
    reporter.note("Stopping: [a note, not markup]")  # the panel is drawn again below it
    reporter.summary(_stats(), "finished")
    text = out.getvalue()
    assert "Stopping: [a note, not markup]" in text
    assert "[bold" not in text and "[/]" not in text, "the panel's markup is never shown"
    assert "━" in text, "a progress bar"
    assert "12/48 URLs, 0:01:15 elapsed, about 1:02:05 left" in text
    assert "Crawl finished: 12 pages" in text
    assert "http://tamky.gov.vn/x  HTTP 404" in text


def test_plain_progress_lines_give_the_urls_due_and_the_time_left_json_lines_do_not_change():
    out = io.StringIO()
    progress = Progress(done=12, due=36, elapsed=75.0, remaining=3725.0)
    LogReporter(out).tick(_stats(), {"tamky.gov.vn": 5}, progress)
    line = out.getvalue()
    assert line.endswith("pages/s, 36 due, about 1 h 2 min left\n") and "12 pages" in line
    out = io.StringIO()
    LogReporter(out, as_json=True).tick(_stats(), {"tamky.gov.vn": 5}, progress)
    assert json.loads(out.getvalue())["message"].endswith(", 5 queued")
    out = io.StringIO()
    LogReporter(out, verbosity=0).tick(_stats(), {}, progress)
    assert out.getvalue() == ""


def test_a_budget_stop_is_in_the_summary_and_the_stored_stats():
    stats = _stats()
    stats.stopped_by, stats.left = "max_time", 4321
    assert (
        "  stopped by its budget (--max-time): 4321 URLs due are left for the next run, "
        "which resumes here" in summary_lines(stats, "finished")
    )
    assert stats.to_dict()["stopped_by"] == "max_time" and stats.to_dict()["left"] == 4321
    assert "stopped_by" not in _stats().to_dict()


def test_log_lines_show_errors_by_default_and_quiet_leaves_only_the_summary_with_failures():
    out = io.StringIO()
    reporter = LogReporter(out)
    reporter.page("http://a.vn/1", "article", 200, None)
    reporter.page("http://a.vn/2", "client_error", 404, "HTTP 404")
    (line,) = out.getvalue().splitlines()
    assert line.endswith(" failed http://a.vn/2: HTTP 404")
    out = io.StringIO()
    reporter = LogReporter(out, verbosity=0)  # --quiet
    reporter.page("http://a.vn/1", "article", 200, None)
    reporter.page("http://a.vn/2", "client_error", 404, "HTTP 404")
    reporter.summary(_stats(), "finished")
    lines = out.getvalue().splitlines()
    assert not any("http://a.vn/" in line for line in lines)
    assert lines[0].startswith("Crawl finished")
    assert "    http://tamky.gov.vn/x  HTTP 404" in lines, "failures are listed in the summary"


def test_verbose_log_has_a_line_per_page():
    out = io.StringIO()
    LogReporter(out, verbosity=2).page("http://a.vn/1", "article", 200, None)
    assert "200 article      http://a.vn/1" in out.getvalue()


def test_json_log_lines_parse_and_carry_the_stats():
    out = io.StringIO()
    reporter = LogReporter(out, as_json=True)
    reporter.page("http://a.vn/2", "client_error", 404, "HTTP 404")
    reporter.summary(_stats(), "finished")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["event"] == "error" and records[0]["status"] == 404
    assert records[-1]["stats"]["articles_new"] == 7


# --- on a real terminal and off it, through the real command ----------------------------


def _on_a_terminal(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``archiver crawl ARGS --db DB`` with a pseudo-terminal as stdout and stderr (as run
    by hand): its exit status and everything it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    # COLUMNS and LINES (pytest-xdist's workers set them) would override the terminal's size.
    unset = ("NO_COLOR", "TERM", "COLUMNS", "LINES")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "crawl", *args, "--db", str(db)],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env={**environment, "TERM": "xterm-256color", **(env or {})},
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the crawl closed the terminal
                break
            if not chunk:
                break
            output += chunk
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return code, output.decode("utf-8", "replace")


def test_a_crawl_on_a_terminal_draws_a_progress_bar_with_elapsed_time_and_time_left(tmp_path):
    with Web() as web:
        site = web.listen("127.0.0.2")
        publish_daily(site, 4, slow=0.2)
        code, shown = _on_a_terminal(tmp_path / "archive.db", f"{site.origin}/", "--delay", "0")
    assert code == 0, shown
    assert "\x1b[" in shown and "━" in shown
    assert re.search(r"\d+/\d+ URLs, 0:\d\d:\d\d elapsed, about \d+:\d\d:\d\d left", shown)
    assert "Crawl finished" in shown


def test_off_a_terminal_there_is_no_bar_no_escape_code_and_a_short_run_is_not_announced(
    tmp_path,
):
    with Web() as web:
        site = web.listen("127.0.0.2")
        publish_daily(site, 4)
        code, errors = crawl_output(tmp_path / "archive.db", f"{site.origin}/", "--delay", "0")
    assert code == 0, errors
    assert "\x1b" not in errors and "━" not in errors
    assert re.search(r"\d+ pages, .* \d+ due, about \d+ s left\n", errors)
    assert "Long run ahead" not in errors


@pytest.mark.slow
def test_a_long_backfill_is_announced_with_its_size_its_duration_and_how_to_cap_it(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        days = publish_daily(site, 3)
        # The profile's day archive goes back 400 days: at 2 s a request, 13 minutes.
        daily_profile(tmp_path / "profiles", site, start=days[0] - timedelta(days=399))
        env = {"ARCHIVER_PROFILES": str(tmp_path / "profiles")}
        code, errors = crawl_output(db, "ngay", "--delay", "2", "--max-pages", "1", env=env)
        assert code == 0, errors
        assert (
            "Long run ahead: 402 URLs due, about 13 min at the hosts' pace (2 s between "
            "requests to 127.0.0.2); cap it with --max-time 1h, --since/--until DATE or "
            "--max-pages N\n"
        ) in errors
        # With a time budget it says where this run stops; --quiet keeps it out of cron mail.
        code, errors = crawl_output(db, "ngay", "--delay", "2", "--max-time", "1s", env=env)
        assert code == 0, errors
        assert "this run stops after 1 s (--max-time), later runs go on\n" in errors
        code, errors = crawl_output(
            db, "ngay", "--delay", "2", "--max-time", "1s", "--quiet", env=env
        )
    assert "Long run ahead" not in errors
