"""Parsing workers: what they inherit from the crawl that forks them."""

from __future__ import annotations

import gc
import multiprocessing

from archiver.crawl.workers import start_workers, stop_workers


def test_workers_fork_with_the_crawls_objects_out_of_the_collectors_reach_until_they_stop():
    executor = start_workers(1)
    try:
        assert gc.get_freeze_count() > 0
        # The worker's collector never walks (and so never copies) what it inherited.
        assert executor.submit(gc.get_freeze_count).result() > 0
    finally:
        stop_workers(executor, wait=True)
    assert gc.get_freeze_count() == 0


def test_workers_are_forked_when_the_pool_starts_not_at_its_first_page():
    before = {p.pid for p in multiprocessing.active_children()}
    executor = start_workers(2)
    try:
        # Forked now, they are copies of the process as it is before the crawl opens its
        # archive and builds its frontier.
        forked = {p.pid for p in multiprocessing.active_children()} - before
        assert len(forked) == 2
    finally:
        stop_workers(executor, wait=True)
