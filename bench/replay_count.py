"""Instructions of a parsing worker's job, or of one of its stages, on the pages a crawl's
worker met.

    python bench/profile_crawl.py --no-spy --keep DIR      # a crawl; its workers' jobs kept
    PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=_operator_call python bench/replay_count.py DIR/jobs-0.pkl \\
        --articles 40 [--stage job|pickle|LABEL] [--src OTHER/src]

The jobs of one worker (``analyze_exchange`` and its arguments, the bodies built again)
run in that worker's order, once each, in a fresh process set up as a worker is
(``gc.freeze``, the workers' collection threshold), until ``--articles`` article pages
(by the job's kind) have run. Only what runs inside ``operator.call`` is counted, and only
on those article pages (``--others``: the other pages before them instead): the job and
pickling its result (``job``, the default), the pickling alone (``pickle``), or the
functions of one stage of ``bench/profile_crawl.py``'s table (a label of its
``WORKER_STAGES``, as ``--list`` prints them; a stage's call inside another of the same
stage is counted once). Divide callgrind's total by the pages counted (printed). One run
a stage: callgrind's inclusive counts of functions called inside Python's recursive
evaluation loop overstate (a stage wrapped in a C function of its own came out at up to
twice its toggled count). ``--src`` runs another tree's code (its ``src`` first on the
path). Without valgrind, ``operator.call`` is an ordinary call.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from profile_crawl import WORKER_STAGES  # noqa: E402
from toggle import Toggle  # noqa: E402

JOB, PICKLE = "job", "pickle"
LABELS = [JOB, PICKLE, *dict.fromkeys(label for _, _, label in WORKER_STAGES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs", type=Path, nargs="?", help="a jobs-N.pkl of profile_crawl --keep")
    parser.add_argument("--articles", type=int, default=40, help="article pages counted")
    parser.add_argument("--others", action="store_true", help="count the other pages instead")
    parser.add_argument("--stage", default=JOB, choices=LABELS, metavar="STAGE")
    parser.add_argument("--list", action="store_true", help="print the stages' labels")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    if args.list or args.jobs is None:
        print("\n".join(LABELS))
        return
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != (ROOT / "src").resolve()]
    sys.path.insert(0, str(args.src.resolve()))
    from archiver.crawl.analyze import analyze_exchange
    from archiver.crawl.workers import GC_THRESHOLD

    with args.jobs.open("rb") as file:
        jobs = pickle.load(file)
    toggle = Toggle()
    counted = toggle.wrap

    for module, name, label in WORKER_STAGES:
        if label == args.stage:
            owner = importlib.import_module(module)
            setattr(owner, name, counted(getattr(owner, name)))
    dumps = counted(pickle.dumps) if args.stage == PICKLE else pickle.dumps

    def job(exchange: Any, kwargs: dict[str, Any]) -> bytes:
        return dumps(analyze_exchange(exchange, **kwargs), pickle.HIGHEST_PROTOCOL)

    run_job = counted(job) if args.stage == JOB else job
    gc.collect()
    gc.freeze()  # as start_workers does before the workers fork
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    articles = pages = 0
    for exchange, kwargs in jobs:
        if articles >= args.articles:
            break
        article = kwargs["kind"] == "article"
        articles += article
        toggle.on = article != args.others
        pages += toggle.on
        run_job(exchange, kwargs)
    print(f"{pages} pages counted ({articles} article pages run); stage {args.stage}")


if __name__ == "__main__":
    main()
