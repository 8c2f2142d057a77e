"""The time a crawl has left: URLs due per host at each host's measured pace (a fake clock)."""

from __future__ import annotations

import pytest

from archiver.crawl.eta import HostPace, ProgressMeter, estimate, paces
from archiver.crawl.politeness import Politeness
from archiver.crawl.report import backlog_line, clock_text, duration_text, progress_text
from conftest import FakeClock


def _exchange(politeness: Politeness, clock: FakeClock, host: str, latency: float) -> None:
    """One request to ``host`` taking ``latency`` seconds on the fake clock."""
    politeness.started(host)
    clock.now += latency
    politeness.finished(host, latency=latency, error=False)


def test_a_host_takes_its_delay_plus_its_measured_latency_per_url():
    clock = FakeClock(0.0)
    politeness = Politeness(delay=1.0, per_host=1, autothrottle=False, clock=clock)
    _exchange(politeness, clock, "a.vn", 0.5)
    (pace,) = paces(politeness, ["a.vn"], clock()).values()
    assert pace == HostPace(delay=1.0, latency=0.5, per_host=1, wait=1.0)
    # The next request may start in 1 s (the gap after the last one), then 1.5 s each.
    assert estimate({"a.vn": 100}, {"a.vn": pace}) == pytest.approx(1.0 + 100 * 1.5)


def test_the_slowest_host_sets_the_time_not_the_average_rate():
    fast = HostPace(delay=0.1, latency=0.1)
    slow = HostPace(delay=2.0, latency=1.0)
    due = {"fast.vn": 1000, "slow.vn": 100}
    # Side by side: the fast host is done in 200 s, the slow one needs 300 s.
    assert estimate(due, {"fast.vn": fast, "slow.vn": slow}) == pytest.approx(300.0)
    # A naive average (1,100 URLs at the mean 1.6 s) would say 1,760 s.


def test_slots_per_host_share_the_latency_but_never_start_faster_than_the_delay():
    assert HostPace(delay=1.0, latency=3.0, per_host=2).interval == pytest.approx(2.0)
    assert HostPace(delay=1.0, latency=0.5, per_host=4).interval == pytest.approx(1.0)


def test_a_paused_host_adds_its_pause_and_the_estimate_falls_as_the_clock_runs():
    clock = FakeClock(0.0)
    politeness = Politeness(delay=1.0, per_host=1, autothrottle=False, clock=clock)
    _exchange(politeness, clock, "a.vn", 1.0)
    politeness.pause("a.vn", 60)  # Retry-After: 60
    before = estimate({"a.vn": 10}, paces(politeness, ["a.vn"], clock()))
    assert before == pytest.approx(60 + 10 * 2.0)
    clock.now += 45
    after = estimate({"a.vn": 10}, paces(politeness, ["a.vn"], clock()))
    assert after == pytest.approx(15 + 10 * 2.0)


def test_a_host_not_yet_measured_is_taken_to_answer_as_the_others_do():
    clock = FakeClock(0.0)
    politeness = Politeness(delay=1.0, per_host=1, autothrottle=False, clock=clock)
    _exchange(politeness, clock, "a.vn", 2.0)
    _exchange(politeness, clock, "b.vn", 4.0)
    found = paces(politeness, ["a.vn", "b.vn", "new.vn"], clock())
    assert found["new.vn"].latency == pytest.approx(3.0)
    assert found["new.vn"].wait == 0.0
    # Nothing measured at all: the delay alone.
    assert paces(Politeness(delay=2.0, per_host=1), ["x.vn"], 0.0)["x.vn"].interval == 2.0


def test_robots_crawl_delay_and_autothrottle_move_the_pace():
    clock = FakeClock(0.0)
    politeness = Politeness(delay=1.0, per_host=1, clock=clock)
    politeness.set_floor("a.vn", 5.0)  # Crawl-delay: 5
    assert paces(politeness, ["a.vn"], 0.0)["a.vn"].interval == 5.0
    politeness.started("b.vn")
    clock.now += 1
    politeness.finished("b.vn", latency=1.0, error=True)  # an error doubles the delay
    assert paces(politeness, ["b.vn"], clock())["b.vn"].delay == 2.0


def test_more_hosts_than_concurrency_share_its_slots():
    pace = HostPace(delay=0.0, latency=2.0)
    due = {f"h{n}.vn": 100 for n in range(4)}
    everyone = dict.fromkeys(due, pace)
    assert estimate(due, everyone) == pytest.approx(200.0)  # side by side
    assert estimate(due, everyone, concurrency=2) == pytest.approx(400.0)  # two at a time
    assert estimate(due, everyone, concurrency=4) == pytest.approx(200.0)


def test_nothing_due_is_no_time():
    assert estimate({}, {}) == 0.0
    assert estimate({"a.vn": 0}, {"a.vn": HostPace(delay=1.0)}) == 0.0


def test_the_meter_counts_the_frontier_now_and_then_and_subtracts_what_was_done_between():
    clock = FakeClock(0.0)
    politeness = Politeness(delay=1.0, per_host=1, autothrottle=False, clock=clock)
    counts: list[list[str]] = []
    frontier = {"a.vn": 50, "b.vn": 10}

    def count_due(hosts: list[str]) -> dict[str, int]:
        counts.append(hosts)
        return {h: frontier[h] for h in hosts}

    meter = ProgressMeter(count_due, politeness, clock=clock, refresh=5.0)
    hosts = ["a.vn", "b.vn"]
    first = meter.progress(hosts, done={}, elapsed=0.0)
    assert (first.done, first.due, first.total) == (0, 60, 60)
    assert first.remaining == pytest.approx(50.0)  # a.vn: 50 URLs, 1 s apart
    clock.now += 2
    second = meter.progress(hosts, done={"a.vn": 20, "b.vn": 10}, elapsed=2.0)
    assert len(counts) == 1, "counted again only after the refresh time"
    assert (second.done, second.due) == (30, 30)
    frontier.update({"a.vn": 45, "b.vn": 0})  # a.vn: 30 left, and listings found 15 more
    clock.now += 5
    third = meter.progress(hosts, done={"a.vn": 20, "b.vn": 10}, elapsed=7.0)
    assert len(counts) == 2
    assert third.due == 45


def test_a_time_budget_shorter_than_the_estimate_is_shown_on_the_bar():
    clock = FakeClock(0.0)
    meter = ProgressMeter(
        lambda hosts: {"a.vn": 3600}, Politeness(delay=1.0, per_host=1, clock=clock), clock=clock
    )
    progress = meter.progress(["a.vn"], done={"a.vn": 600}, elapsed=754.0, budget_left=900.0)
    assert progress.capped
    assert progress_text(progress) == (
        "600/4,200 URLs, 0:12:34 elapsed, about 1:00:00 left, stops in 0:15:00 (--max-time)"
    )


def test_durations_read_as_people_say_them():
    assert duration_text(42) == "42 s"
    assert duration_text(12 * 60 + 20) == "12 min"
    assert duration_text(6190 * 2) == "3 h 26 min"
    assert duration_text(3 * 86400 + 5 * 3600) == "3 d 5 h"
    assert clock_text(3 * 3600 + 5) == "3:00:05"


def test_the_backlog_line_says_how_many_how_long_and_how_to_cap_it():
    line = backlog_line(6190, 6190 * 2.0, {"tamky.gov.vn": 2.0}, None)
    assert line == (
        "Long run ahead: 6190 URLs due, about 3 h 26 min at the hosts' pace (2 s between "
        "requests to tamky.gov.vn); cap it with --max-time 1h, --since/--until DATE or "
        "--max-pages N"
    )
    capped = backlog_line(6190, 6190 * 2.0, {"a.vn": 2.0, "b.vn": 1.0}, 2700.0)
    assert "(2 s between requests to a.vn and 1 more hosts)" in capped
    assert capped.endswith("this run stops after 45 min (--max-time), later runs go on")
