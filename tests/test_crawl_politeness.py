"""Per-host politeness: slots, delays, Crawl-delay floors, AutoThrottle and Retry-After pauses."""

from __future__ import annotations

from archiver.crawl.politeness import Politeness
from conftest import FakeClock


def make(**kwargs):
    clock = FakeClock()
    options = {"delay": 1.0, "per_host": 1, "autothrottle": False, "clock": clock}
    options.update(kwargs)
    return Politeness(**options), clock


def test_one_request_in_flight_per_host_by_default():
    polite, _ = make()
    assert polite.can_start("a.vn")
    polite.started("a.vn")
    assert not polite.can_start("a.vn")
    assert polite.can_start("b.vn"), "another host is not held back"


def test_next_request_waits_the_delay_after_the_previous_one_finished():
    polite, clock = make(delay=2.0)
    polite.started("a.vn")
    clock.now += 0.5
    polite.finished("a.vn", latency=0.5, error=False)
    assert not polite.can_start("a.vn")
    assert polite.wait_time("a.vn") == 2.0
    clock.now += 2.0
    assert polite.can_start("a.vn")


def test_crawl_delay_raises_the_floor_and_never_lowers_it():
    polite, _ = make(delay=1.0)
    polite.set_floor("a.vn", 5.0)
    polite.set_floor("a.vn", 0.5)
    polite.started("a.vn")
    polite.finished("a.vn", latency=0.1, error=False)
    assert polite.wait_time("a.vn") == 5.0


def test_retry_after_pauses_the_host():
    polite, clock = make(delay=0.0)
    polite.started("a.vn")
    polite.finished("a.vn", latency=0.1, error=True, retry_after=30)
    clock.now += 29
    assert not polite.can_start("a.vn")
    clock.now += 1
    assert polite.can_start("a.vn")


def test_autothrottle_slows_down_as_latency_rises_and_on_errors():
    polite, clock = make(delay=0.5, autothrottle=True)
    for _ in range(10):
        polite.started("a.vn")
        clock.now += 4.0
        polite.finished("a.vn", latency=4.0, error=False)
    assert polite.delays()["a.vn"] > 3.0
    before = polite.delays()["a.vn"]
    polite.started("a.vn")
    polite.finished("a.vn", latency=None, error=True)
    assert polite.delays()["a.vn"] == min(60.0, before * 2)


def test_autothrottle_speeds_up_again_but_never_below_the_configured_delay():
    polite, _ = make(delay=0.5, autothrottle=True)
    polite.started("a.vn")
    polite.finished("a.vn", latency=None, error=True)
    for _ in range(30):
        polite.started("a.vn")
        polite.finished("a.vn", latency=0.01, error=False)
    assert polite.delays()["a.vn"] == 0.5


def test_per_host_allows_several_in_flight():
    polite, _ = make(delay=0.0, per_host=3)
    for _ in range(3):
        assert polite.can_start("a.vn")
        polite.started("a.vn")
    assert not polite.can_start("a.vn")
    assert polite.wait_time("a.vn") == float("inf")


def test_host_limit_holds_an_idle_host_back_until_a_busy_one_finishes():
    polite, _ = make(delay=0.0, per_host=2, hosts=2)
    polite.started("a.vn")
    polite.started("b.vn")
    assert polite.can_start("a.vn"), "a busy host may use its other slot"
    assert not polite.can_start("c.vn")
    assert polite.wait_time("c.vn") == float("inf")
    polite.finished("b.vn", latency=0.1, error=False)
    assert polite.can_start("c.vn")


def test_no_host_limit_by_default():
    polite, _ = make(delay=0.0)
    for number in range(50):
        polite.started(f"h{number}.vn")
    assert polite.can_start("another.vn")


def test_soonest_is_the_first_free_host_s_wait_and_none_when_all_are_busy():
    polite, clock = make(delay=2.0)
    for host in ("a.vn", "b.vn", "c.vn"):
        polite.started(host)
    assert polite.soonest(["a.vn", "b.vn", "c.vn"]) is None, "every slot is taken"
    clock.now += 0.5
    polite.finished("b.vn", latency=0.5, error=False)
    polite.finished("c.vn", latency=0.5, error=False)
    polite.pause("c.vn", 10.0)
    assert polite.soonest(["a.vn", "b.vn", "c.vn"]) == polite.wait_time("b.vn") == 2.0
    clock.now += 5.0
    assert polite.soonest(["a.vn", "b.vn", "c.vn"]) == 0.0
    assert polite.soonest(["c.vn"]) == polite.wait_time("c.vn") == 5.0


def test_soonest_skips_idle_hosts_while_the_crawl_wide_host_limit_is_reached():
    polite, _ = make(delay=0.0, hosts=1)
    polite.started("a.vn")
    assert polite.wait_time("b.vn") == float("inf")
    assert polite.soonest(["a.vn", "b.vn"]) is None
