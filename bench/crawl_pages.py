"""The pages a crawl's parsing workers met, kept to replay: for identity checks and callgrind.

    python bench/crawl_pages.py record pages.pkl             # crawl the bench, keep its jobs
    python bench/crawl_pages.py dump pages.pkl results.pkl   # every job's result, in order
    python bench/crawl_pages.py compare pages.pkl results.pkl
    python bench/crawl_pages.py run pages.pkl --group others --first 40 [--skip 0]

``record`` runs step 1 of ``bench/profile_crawl.py`` (archiver's crawl of the bench's 50
loopback hosts, real-page markup) and keeps every job its workers ran, in each worker's
order, with the body built again by the bench's site (checked by its CRC-32). ``dump`` runs
the worker's job (``analyze_exchange``) on each and keeps its result as pickled bytes;
``compare`` does the same with the code at hand and names the jobs whose result differs
(byte for byte, or, for a record, field by field). ``run`` only runs the jobs of one group
(article pages by their URL's kind, or the others: seeds, listings, other pages): for
callgrind, once with ``--first N`` and once with ``--first 0`` (the same imports and
loading), the difference is the jobs' instructions.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

# (Not src: PYTHONPATH=/work/wt-X-old/src runs another tree's code, the venv's otherwise.)
sys.path.insert(0, str(Path(__file__).resolve().parent))


def record(out: Path, args: argparse.Namespace) -> int:
    import zlib

    import profile_crawl as pc
    from benchsite import Network, make_site
    from crawl import Server

    args.synthetic_articles = max(args.pages // args.hosts + 20, 40)
    args.per_page = 50
    args.latency, args.size, args.port = 0.05, 100_000, 0
    args.proxy_mode = args.synthetic = args.generic = False
    with tempfile.TemporaryDirectory() as tmp, Server(args) as server:
        workdir = Path(tmp)
        pc.crawl_in_process(server, args, workdir)
        site, _ = make_site(True, args.hosts, args.synthetic_articles, args.size, args.per_page, 0)
        network = Network(site, args.hosts, port=server.port, loopback=server.loopback)
        jobs, lost = [], 0
        for worker, path in enumerate(sorted(workdir.glob("met-*.pkl"))):
            for exchange, kwargs, crc in pc.pages_met(path):
                body = pc.rebuilt_body(network, exchange.final_url, not server.loopback)
                if zlib.crc32(body) != crc:
                    lost += 1
                    continue
                jobs.append((worker, replace(exchange, body=body), kwargs))
    with out.open("wb") as file:
        pickle.dump(jobs, file, pickle.HIGHEST_PROTOCOL)
    others = sum(1 for _, _, k in jobs if k["kind"] != "article")
    print(f"{len(jobs)} jobs kept ({others} not article pages), {lost} bodies not rebuilt: {out}")
    return 0


def load(path: Path) -> list:
    with path.open("rb") as file:
        return pickle.load(file)


def results(jobs: list) -> list[bytes]:
    import archiver
    from archiver.crawl.analyze import analyze_exchange

    print(f"archiver from {Path(archiver.__file__).parent}", file=sys.stderr)
    return [
        pickle.dumps(analyze_exchange(exchange, **kwargs), pickle.HIGHEST_PROTOCOL)
        for _, exchange, kwargs in jobs
    ]


def compare(jobs: list, path: Path) -> int:
    before = load(path)
    now = results(jobs)
    assert len(before) == len(now), (len(before), len(now))
    differ = 0
    for (_, exchange, kwargs), old, new in zip(jobs, before, now, strict=True):
        if old == new:
            continue
        a, b = pickle.loads(old), pickle.loads(new)
        if a == b:
            continue
        differ += 1
        print(f"differs: {kwargs['kind']} {exchange.final_url}")
        if a.article != b.article:
            for field in a.article.__dataclass_fields__ if a.article else ():
                x, y = getattr(a.article, field), getattr(b.article, field, None)
                if x != y:
                    print(f"  {field}: {x!r:.120} -> {y!r:.120}")
    print(f"{differ} of {len(jobs)} jobs' results differ")
    return 1 if differ else 0


def run(jobs: list, group: str, first: int, skip: int) -> int:
    from archiver.crawl.analyze import analyze_exchange

    chosen = [
        (exchange, kwargs)
        for _, exchange, kwargs in jobs
        if (kwargs["kind"] == "article") == (group == "articles")
    ][skip : skip + first]
    gc.collect()
    for exchange, kwargs in chosen:
        analyze_exchange(exchange, **kwargs)
    print(f"{len(chosen)} {group} jobs run")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("record", "dump", "compare", "run"))
    parser.add_argument("pages", type=Path, help="the kept jobs (pickle)")
    parser.add_argument("results", type=Path, nargs="?", help="results (dump, compare)")
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", dest="count", type=int, default=3000, help="crawl's pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--group", choices=("articles", "others"), default="others")
    parser.add_argument("--first", type=int, default=40)
    parser.add_argument("--skip", type=int, default=0)
    args = parser.parse_args(argv)
    if args.action == "record":
        out, args.pages = args.pages, args.count
        return record(out, args)
    jobs = load(args.pages)
    if args.action == "dump":
        with args.results.open("wb") as file:
            pickle.dump(results(jobs), file, pickle.HIGHEST_PROTOCOL)
        print(f"{len(jobs)} results: {args.results}")
        return 0
    if args.action == "compare":
        return compare(jobs, args.results)
    return run(jobs, args.group, args.first, args.skip)


if __name__ == "__main__":
    sys.exit(main())
