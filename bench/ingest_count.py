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
With ``--prepared DIR`` the writer's setup (pages, drafted batches, the archive of
``--before`` articles) is made once without valgrind (``python bench/ingest_count.py write
--prepared DIR``) and read from DIR by later runs, which then execute little besides the
part counted (under valgrind the setup costs more than the count: 3,000 pages drafted and
2,000 written). DIR belongs to one tree and one set of options.
Valgrind runs SHA-256 without the CPU's SHA instructions: drafting's count overstates it.
"""

from __future__ import annotations

import argparse
import gc
import operator
import os
import pickle
import shutil
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
    parser.add_argument("--prepared", type=Path, help="write: keep the setup in this directory")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    # Before bench/store.py, which puts this tree's src first on the path.
    from archiver.store import Archive, drafting

    sys.path.insert(1, str(ROOT / "bench"))
    from store import clean, items

    def drafted(batch: list) -> bytes:
        return pickle.dumps((True, drafting._draft(batch, None, 3)))

    def pages() -> tuple[list, list]:
        found = [
            (e, a, None) for e, a in items(args.before + args.articles, 3, args.page, args.aliased)
        ]
        return found[: args.before], found[args.before :]

    if args.mode == "draft":
        before, counted = pages()
        batches = [counted[i : i + args.batch] for i in range(0, len(counted), args.batch)]
        drafting._draft(before[: args.batch], None, 3)  # word ids and compressors warm
        gc.collect()
        gc.freeze()  # as the drafting process has them
        operator.call(lambda: [drafted(batch) for batch in batches])
        return
    path = Path(f"/tmp/ingest-count-{os.getpid()}.db")
    clean(path)
    kept = args.prepared / "archive.db" if args.prepared else None
    if kept is not None and kept.exists():
        with open(args.prepared / "ready.pickle", "rb") as file:
            ready = pickle.load(file)
        shutil.copyfile(kept, path)
    else:
        before, counted = pages()
        with Archive(path) as archive:
            for start in range(0, len(before), args.batch):
                chunk = before[start : start + args.batch]
                _write(archive, chunk, drafted(chunk))
        batches = [counted[i : i + args.batch] for i in range(0, len(counted), args.batch)]
        ready = [(batch, drafted(batch)) for batch in batches]
        if kept is not None:
            args.prepared.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept)
            with open(args.prepared / "ready.pickle", "wb") as file:
                pickle.dump(ready, file)
            clean(path)
            return
    with Archive(path) as archive:
        gc.collect()
        gc.freeze()  # as Drafter does with the caller's items
        operator.call(lambda: [_write(archive, batch, blob) for batch, blob in ready])
    clean(path)


class _Received:
    """The writer's end of the pipe with one drafted batch waiting on it: ``recv``
    unpickles it as :meth:`multiprocessing.connection.Connection.recv` does (the pipe's
    read itself is not counted)."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def recv(self) -> object:
        return pickle.loads(self.blob)


def _write(archive: object, batch: list, blob: bytes) -> None:
    """The writer's side of one batch: unpickle and unpack what drafting sent, write it
    (``Archive._save_drafted`` with ``_Asked.result``, the writer's own code; an older
    tree's steps where it has no ``_save_drafted``)."""
    from archiver.store import drafting

    drafts = (drafting._Asked(_Received(blob), batch).result() for _ in range(1))  # type: ignore[arg-type]
    save = getattr(archive, "_save_drafted", None)
    if save is not None:  # save_many's own step: receive, then write
        save(drafts, None, "counted")
        return
    prepared = drafting.forget_known(next(drafts), archive.database.bodies_known)  # type: ignore[attr-defined]
    archive._write(prepared, None, "counted")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
