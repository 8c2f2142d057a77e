"""Crawling: run a polite, resumable, incremental crawl of a plan's sites into the archive.

    from archiver.crawl import run_crawl
    from archiver.crawl.config import make_plan

    status, stats = run_crawl(make_plan(["tamky"]), db="archive.db")

The pieces: ``config`` (what to crawl), ``politeness`` (per-host pacing),
``engine`` (the loop and each URL's turn), ``analyze`` (a page's article and
links, run in worker processes), ``outcome`` (what a turn commits), ``period``
(``--since``/``--until``), ``budget`` (``--max-time``, ``--max-pages``), ``eta``
(the time left, at the hosts' pace), ``report`` (progress and summary), ``lock``
(one crawl per archive at a time).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from archiver.crawl.config import CrawlPlan
from archiver.crawl.report import CrawlStats

__all__ = ["run_crawl"]

#: The archive's cache during a crawl (KiB). The crawl's writes (raw pages above all) are
#: never read back; its lookups (URLs, content hashes, LSH bands) touch a few pages each.
CACHE_KIB = 16_384


def run_crawl(
    plan: CrawlPlan,
    *,
    db: str | None = None,
    wait: bool = False,
    record: Path | None = None,
    warc: Path | None = None,
    proxy: str | None = None,
    transport: Any = None,
    workers: int = 0,
    quiet: bool = False,
    verbose: bool = False,
    log_json: bool = False,
    live: bool | None = None,
    arguments: dict[str, Any] | None = None,
) -> tuple[str, CrawlStats]:
    """Run one crawl to its end; return its status ("finished" or "interrupted") and statistics.

    Holds the archive's crawl lock for the whole run, records the run in
    ``crawl_runs``, and reports progress to stderr. ``warc`` names a directory to
    write every exchange to as WARC records too (:mod:`archiver.warc`).
    """
    from archiver.crawl.engine import Crawl, make_reporter
    from archiver.crawl.lock import NoLock, RunLock
    from archiver.crawl.workers import start_workers, stop_workers
    from archiver.store import Archive, default_path, is_postgres
    from archiver.store.frontier import Frontier

    path = db or plan.db or default_path()
    reporter = make_reporter(
        quiet=quiet,
        verbose=verbose,
        log_json=log_json,
        # The panel is drawn on stderr: only on a terminal that can redraw (not cron, a
        # pipe, or a dumb terminal), so logs never hold escape codes.
        live=(sys.stderr.isatty() and os.environ.get("TERM") != "dumb") if live is None else live,
    )
    recorder = None
    if record is not None:
        from archiver.replay import Recorder

        # The manifest (every page so far) is rewritten every 50 exchanges, not after each,
        # and once more when the run ends; body files are always written before it.
        recorder = Recorder(record, flush_every=50)
    # A SQLite archive takes one crawl at a time; a PostgreSQL one a fleet (leases).
    lock = NoLock() if is_postgres(path) else RunLock(path, wait=wait)
    # The parsing workers fork before the archive is opened, so that they get no copy of
    # its cache nor of the lock's descriptor (see start_workers); the crawl stops them.
    executor = start_workers(workers) if workers > 0 else None
    try:
        with lock, Archive(path) as archive:
            archive.database.limit_cache(CACHE_KIB)
            if lock.took_over:
                reporter.note(f"took over the crawl lock of a run that died ({lock.took_over})")
            killed = archive.mark_dead_runs(crawl_lock_held=not archive.shared)
            if killed:
                reporter.note(
                    f"marked {killed} crawl run(s) left 'running' by a dead process 'killed'"
                )
            for target in plan.targets:
                archive.register_site(
                    target.name,
                    base_url=target.seeds[0] if target.seeds else None,
                    profile=target.profile.name if target.profile else None,
                )
            writer = None
            if warc is not None:
                from archiver.warc import ArchiveCaptures, WarcWriter, crawl_info

                writer = WarcWriter(
                    warc, info=crawl_info(plan), captures=ArchiveCaptures(archive.database)
                )
            run_id = archive.start_run(
                {**(arguments or {}), "targets": [t.name for t in plan.targets]}
            )
            crawl = Crawl(
                plan,
                Frontier(archive.database, extractor_version=archive.extractor_version),
                run_id=run_id,
                reporter=reporter,
                workers=workers,
                recorder=recorder,
                warc=writer,
                fetcher_options={"proxy": proxy, "transport": transport},
                executor=executor,
                host_slots=archive.host_slots(run_id),
            )
            status = "failed"
            try:
                stats = asyncio.run(crawl.run())
                # A spent budget (--max-time, --max-pages) finishes the run: the next one resumes.
                status = "interrupted" if crawl.stopped_by == "signal" else "finished"
            except KeyboardInterrupt:
                stats = crawl.stats
                status = "interrupted"
            finally:
                release = getattr(crawl.politeness, "release_unused", None)
                if release is not None:
                    release()
                if recorder is not None:
                    recorder.flush()
                if writer is not None:
                    writer.close()
                archive.finish_run(run_id, status, crawl.stats.to_dict())
                reporter.summary(crawl.stats, status)
                reporter.close()
    finally:
        if executor is not None:  # stopped already unless the run failed to start
            stop_workers(executor, wait=False)
    return status, stats
