"""The crawl's main process alone, under callgrind: every instruction it runs for a page.

    python bench/main_count.py --pages 1500 --results R.pkl              # record
    PYTHONHASHSEED=0 valgrind --tool=callgrind \
        python bench/main_count.py --pages 1500 --results R.pkl          # count
    PYTHONHASHSEED=0 valgrind --tool=callgrind \
        python bench/main_count.py --pages 300 --results R.pkl           # start-up

A real crawl (``run_crawl`` of ``bench/crawl.py``'s config, the bench's network in a child
process) runs in this process with its parsing done here too, through a stand-in for the
workers: a job is pickled as the crawl's ``Workers.run`` pickles it, and its result comes
back as pickled bytes that the crawl's side unpickles, as from a worker's pipe. The
worker's side is a lookup of the result a first run kept (below): the count is the main
process's work but for the pipes' system calls and the few jobs with no result kept, which
are run here (named in the output) through ``operator.call``: subtract callgrind's
inclusive count of ``_operator_call`` from the total.

The results of a first run without valgrind are kept (``--results``, keyed by the page's
URL and the job's arguments) and given back under valgrind, where parsing every page again
would take ten minutes: the bench's pages are the same from run to run, so are their
analyses. A replay that meets a page the first run did not (the budget's edge moves with
timing) analyses it here and keeps it only with ``--add-missed`` (writing the file back
costs ~75 M instructions, which a count must not hold). Start-up (imports, seeding) is
in the count: the difference of two runs of different ``--pages`` is the cost of the
pages between them.

Commits come as the crawl's own timer and batch decide. Under callgrind the crawl runs
about 40 times slower (5-7 pages/s), so its 2-second timer (``FLUSH_SECONDS``) commits
about 13 pages at a time where a crawl at full speed commits 256 (``FLUSH_BATCH``): each
commit's fixed cost probably weighs more here than there (not measured). (Counting with
batches of 256 was tried: the slowed crawl then took other paths, most of its jobs
missing from the kept analyses.)

Prints pages fetched and articles stored; callgrind prints the instructions.
"""

from __future__ import annotations

import argparse
import operator
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from crawl import Server, write_config  # noqa: E402

_PROTOCOL = pickle.HIGHEST_PROTOCOL
#: The hosts' port, the same in every run: the analyses kept name it in their links.
PORT = 38517


class InProcessWorkers:
    """The crawl's ``Workers`` as the main process sees them, the job run here."""

    def __init__(self, results: dict[tuple, bytes], record: bool) -> None:
        self.results = results
        self.record = record
        self.jobs = 0
        #: Jobs whose result was not kept (analysed here, uncounted all the same).
        self.missed = 0

    async def run(self, fn: Any, *args: Any) -> Any:
        pickle.dumps((fn, args), _PROTOCOL)  # as Workers.run
        data = self._work(fn, *args)
        ok, value = pickle.loads(memoryview(data))  # as Workers._results
        self.jobs += 1
        if not ok:
            raise value
        return value

    def _work(self, fn: Any, *args: Any) -> bytes:
        """A worker's side of a job: its result kept, or worked out (and counted) here."""
        call = args[0] if args else fn
        exchange = call.args[0]
        # (The scope is the crawl's, the same in every run: its repr names its address.)
        kept = sorted((k, repr(v)) for k, v in call.keywords.items() if k != "scope")
        key = (exchange.final_url, tuple(kept))
        data = self.results.get(key)
        if data is None:
            self.missed += 1
            try:  # (through operator.call: callgrind's count of it is the misses')
                answer: tuple[bool, Any] = (True, operator.call(fn, *args))
            except BaseException as error:  # as a worker: the crawl decides
                answer = (False, error)
            data = pickle.dumps(answer, _PROTOCOL)
            self.results[key] = data
        return data

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=PORT, help="the same for every run")
    parser.add_argument("--results", type=Path, required=True, help="analyses kept here")
    parser.add_argument("--keep", type=Path, help="copy the archive here")
    parser.add_argument("--warc", type=Path, help="write WARC files to this directory too")
    parser.add_argument(
        "--add-missed",
        action="store_true",
        help="add the results of jobs a replay missed to --results (counted: not under callgrind)",
    )
    args = parser.parse_args(argv)
    args.proxy_mode = args.synthetic = args.generic = False
    args.synthetic_articles = max(args.pages // args.hosts + 20, 40)
    args.per_page = 50

    import archiver.crawl as crawl_package
    from archiver.crawl import run_crawl, workers
    from archiver.crawl.config import load_config, make_plan

    record = not args.results.exists()
    results = {} if record else pickle.loads(args.results.read_bytes())
    pool = InProcessWorkers(results, record)
    workers.start_workers = lambda count, **_: pool  # run_crawl imports them from here
    del crawl_package
    import time

    cpu, times = time.process_time(), os.times()
    with tempfile.TemporaryDirectory() as tmp, Server(args) as server:
        config = Path(tmp) / "bench.toml"
        write_config(server, args, config)
        plan = make_plan([], config=load_config(config))
        db = args.keep or Path(tmp) / "count.db"
        _, stats = run_crawl(
            plan,
            db=str(db),
            workers=2,
            proxy=server.proxy,
            quiet=True,
            live=False,
            warc=args.warc,
        )
    cpu = time.process_time() - cpu
    user, system = (after - before for after, before in zip(os.times()[:2], times[:2], strict=True))
    if pool.missed and (record or args.add_missed):  # kept for the next runs
        args.results.write_bytes(pickle.dumps(results, _PROTOCOL))
    run = stats.to_dict()
    print(
        f"{run['pages']} pages, {run['articles_new']} new articles, {pool.jobs} jobs "
        f"({'recorded' if record else 'replayed'}: {len(results)} results kept, "
        f"{pool.missed} not); this process {cpu:.2f} s CPU "
        f"(user {user:.2f}, system {system:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
