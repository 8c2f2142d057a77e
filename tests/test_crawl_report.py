"""Crawl feedback: a live panel on a terminal, plain or JSON log lines elsewhere, a summary."""

from __future__ import annotations

import io
import json

from rich.console import Console

from archiver.crawl.report import LiveReporter, LogReporter, Stats


def _stats() -> Stats:
    stats = Stats(pages=12, pages_ok=11, articles_new=7, errors=1, bytes=1_200_000)
    stats.hosts["tamky.gov.vn"] = 12
    stats.failures.append(("http://tamky.gov.vn/x", "HTTP 404"))
    return stats


def test_live_panel_shows_totals_and_host_queues_then_the_summary():
    out = io.StringIO()
    reporter = LiveReporter(Console(file=out, force_terminal=True, width=120))
    reporter.page("http://tamky.gov.vn/a", "article", 200, None)
    reporter.tick(_stats(), {"tamky.gov.vn": 5})
    reporter.summary(_stats(), "finished")
    text = out.getvalue()
    assert "Crawl finished: 12 pages" in text
    assert "http://tamky.gov.vn/x  HTTP 404" in text


def test_log_lines_are_quiet_unless_asked_and_errors_always_show():
    out = io.StringIO()
    reporter = LogReporter(out, verbosity=0)
    reporter.page("http://a.vn/1", "article", 200, None)
    reporter.page("http://a.vn/2", "client_error", 404, "HTTP 404")
    reporter.summary(_stats(), "finished")
    lines = out.getvalue().splitlines()
    assert not any("http://a.vn/1" in line for line in lines)
    assert lines[0].startswith("Crawl finished")


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
