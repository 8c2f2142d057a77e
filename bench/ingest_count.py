"""Instructions of ``save_many``'s two processes, counted apart with callgrind.

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=_operator_call \\
        python bench/ingest_count.py write      # the writer: unpickle a drafted batch, write it
    valgrind ... python bench/ingest_count.py draft   # drafting: prepare a batch, pickle it

(with ``PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1``; divide callgrind's total by ``--articles``).
Only what runs inside ``operator.call`` is counted: setting up the pages, an archive of
``--before`` articles and the batches drafted beforehand are not. The pages are
bench/store.py's (synthetic Vietnamese news, 5 % near-copies); a batch travels as it does
between the processes (:mod:`archiver.store.drafting`: packed, pickled, unpacked). Run an
older tree's copy with ``--src`` to compare (its own ``src`` is put first on the path).
Valgrind runs SHA-256 without the CPU's SHA instructions: drafting's count overstates it.
"""

from __future__ import annotations

import argparse
import gc
import operator
import os
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("draft", "write"))
    parser.add_argument("--articles", type=int, default=1000, help="articles counted")
    parser.add_argument("--before", type=int, default=2000, help="articles archived first")
    parser.add_argument("--page", type=int, default=3000, help="raw page size in bytes")
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--aliased", type=int, default=0, help="percent of pages redirected")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    # Before bench/store.py, which puts this tree's src first on the path.
    from archiver.store import Archive, drafting

    sys.path.insert(1, str(ROOT / "bench"))
    from store import clean, items

    pages = [
        (e, a, None) for e, a in items(args.before + args.articles, 3, args.page, args.aliased)
    ]
    before, counted = pages[: args.before], pages[args.before :]
    batches = [counted[i : i + args.batch] for i in range(0, len(counted), args.batch)]

    def drafted(batch: list) -> bytes:
        return pickle.dumps((True, drafting._draft(batch, None, 3)))

    if args.mode == "draft":
        drafting._draft(before[: args.batch], None, 3)  # word ids and compressors warm
        gc.collect()
        gc.freeze()  # as the drafting process has them
        operator.call(lambda: [drafted(batch) for batch in batches])
        return
    path = Path(f"/tmp/ingest-count-{os.getpid()}.db")
    clean(path)
    with Archive(path) as archive:

        def write(batch: list, blob: bytes) -> None:
            packed = pickle.loads(blob)[1]
            prepared = [drafting._unpack(item, p) for item, p in zip(batch, packed, strict=True)]
            prepared = drafting.forget_known(prepared, archive.database.bodies_known)
            archive._write(prepared, None, "counted")

        for start in range(0, len(before), args.batch):
            write(before[start : start + args.batch], drafted(before[start : start + args.batch]))
        ready = [(batch, drafted(batch)) for batch in batches]
        gc.collect()
        gc.freeze()  # as Drafter does with the caller's items
        operator.call(lambda: [write(batch, blob) for batch, blob in ready])
    clean(path)


if __name__ == "__main__":
    main()
