"""Archive speed and near-duplicate threshold, on synthetic Vietnamese-like news.

    python bench/store.py                      # everything, 500,000-article search database
    python bench/store.py --articles 20000     # a quick run
    python bench/store.py --near-dup           # only the threshold study
    python bench/store.py --ingest-only        # only save_many beside raw executemany
    python bench/store.py --ingest-only --body-size 3000 --zstd 3   # one page size, one level
    python bench/store.py --ingest-only --aliased 50   # half the pages redirected (aliases)
    python bench/store.py --search --db out/x.db       # the queries on an archive built apart

Sections (each prints its figures; nothing is asserted):

- near-dup: estimated Jaccard of MinHash signatures for near-copies (small edits,
  new title, paragraph added/dropped) and for different stories on the same topic,
  and the share of pairs the archive links (LSH candidate and >= threshold).
- ingest: ``Archive.save_many`` (dedup, FTS index, signatures, compressed raw page) of
  articles whose raw pages are 3 KB and 50 KB, beside a raw ``executemany`` of the same
  article rows into a plain table (the issue's anchor), and of the same rows with the
  raw page as a blob, in the same run. Target: >= 5,000 articles/s, within 6x of raw.
- search: p50/p95/max latency of 1-3 word queries (folded and with diacritics, common
  and rare words, phrases), and of queries filtered by site and date (``--site``,
  ``--since``), on a database of ``--articles`` articles, built once into ``--out`` and
  reused. Target: p95 <= 100 ms in every group. The CPU time of the queries is printed
  too: on a shared machine it varies less than their wall time.
- export: rows/s of a JSON-lines export of the whole database, and peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import resource
import sqlite3
import statistics
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from archiver.article import Article  # noqa: E402
from archiver.fetch.exchange import Exchange  # noqa: E402
from archiver.store import Archive  # noqa: E402
from archiver.store.dedup import THRESHOLD, band_keys, similarity  # noqa: E402
from archiver.store.folding import index_fold  # noqa: E402
from archiver.store.prepare import article_record  # noqa: E402
from vi_corpus import Corpus, Story  # noqa: E402

VN = timezone(timedelta(hours=7))
T0 = datetime(2024, 1, 1, 8, 0, tzinfo=VN)


def item(n: int, site: str, story: Story, page: int = 0) -> tuple[Exchange, Article]:
    """One fetched article page; menu markup pads the page to ``page`` bytes when larger."""
    url = f"https://{site}.example.vn/bai-viet-{n}.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in story.body.split("\n\n"))
    html = (
        f"<html><head><title>{story.title}</title></head><body><h1>{story.title}</h1>{paragraphs}"
    )
    room = page - len(html.encode()) - len("<div class='menu'></div></body></html>")
    if room > 0:
        link = f"<a href='/muc-{n % 97}'>Mục tin</a> "
        menu = (link * (room // len(link.encode()) + 1)).encode()[:room].decode("utf-8", "ignore")
        html += f"<div class='menu'>{menu}</div>"
    when = T0 + timedelta(minutes=n)
    exchange = Exchange(
        url=url,
        final_url=url,
        status=200,
        fetched_at=when,
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=(html + "</body></html>").encode(),
    )
    article = Article(
        url=url,
        canonical_url=url,
        site=site,
        title=story.title,
        body=story.body,
        lead=story.lead,
        published_at=(when - timedelta(hours=1)).isoformat(timespec="seconds"),
        author="Ngọc An" if n % 3 else None,
        view_count=n % 5000 if n % 2 else None,
        language="vi",
    )
    return exchange, article


def items(count: int, seed: int, page: int = 0, aliased: int = 0) -> list[tuple[Exchange, Article]]:
    """``aliased`` % of the pages (spread evenly) are fetched as a link shared elsewhere
    is: over http with a tracking parameter, redirected to the page (two aliases each)."""
    corpus = Corpus(seed)
    found = [item(n, site, story, page) for n, (site, story) in enumerate(corpus.stream(count))]
    for n, (exchange, article) in enumerate(found):
        if n * 37 % 100 < aliased:
            asked = exchange.url.replace("https://", "http://") + "?utm_source=facebook"
            found[n] = (replace(exchange, url=asked, redirects=(asked,)), article)
    return found


def clean(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# -- near-duplicates ------------------------------------------------------------------


def near_dup_study(pairs: int, seeds: int = 1) -> None:
    """Scores and linked share per case, over ``pairs`` pairs drawn from each of ``seeds``
    corpora (seed 11 on), pooled."""

    def signature(story: Story) -> bytes | None:
        return article_record(
            Article(url="https://x.vn/a", title=story.title, body=story.body), "https://x.vn/a", ""
        ).signature

    print(
        f"\n== near-duplicates: {pairs} pairs per case and corpus seed, {seeds} seed(s), "
        f"threshold {THRESHOLD}"
    )
    print(f"{'case':<42}{'p5':>6}{'median':>8}{'min':>6}{'max':>6}{'linked':>9}")
    rows: dict[str, list[tuple[Story, Story]]] = {}
    for seed in range(11, 11 + seeds):
        corpus = Corpus(seed)
        cases = {
            "5 words changed": lambda s, c=corpus: c.edit(s, 5),
            "20 words changed": lambda s, c=corpus: c.edit(s, 20),
            "10 words + new title + paragraph added": lambda s, c=corpus: c.edit(
                s, 10, retitle=True, add_paragraph=True
            ),
            "10 words + paragraph dropped": lambda s, c=corpus: c.edit(s, 10, drop_paragraph=True),
            "40 words + new title + added + dropped": lambda s, c=corpus: c.edit(
                s, 40, retitle=True, add_paragraph=True, drop_paragraph=True
            ),
        }
        for name, make in cases.items():
            rows.setdefault(name, []).extend(
                (s, make(s)) for s in (corpus.story() for _ in range(pairs))
            )
        rows.setdefault("different story, same topic", []).extend(
            (corpus.story(topic), corpus.story(topic))
            for topic in (corpus.topic() for _ in range(pairs))
        )
    for name, story_pairs in rows.items():
        scores, linked = [], 0
        for a, b in story_pairs:
            sa, sb = signature(a), signature(b)
            assert sa is not None and sb is not None
            score = similarity(sa, sb)
            scores.append(score)
            linked += bool(set(band_keys(sa)) & set(band_keys(sb))) and score >= THRESHOLD
        cut = statistics.quantiles(scores, n=20)
        print(
            f"{name:<42}{cut[0]:>6.2f}{statistics.median(scores):>8.2f}{min(scores):>6.2f}"
            f"{max(scores):>6.2f}{linked / len(story_pairs):>9.2%}"
        )


# -- ingest -----------------------------------------------------------------------------


def baseline(
    path: Path, batch: list[tuple[Exchange, Article]], size: int, page: bool = False
) -> float:
    """Plain executemany of the same article rows (no dedup, no index): the floor.

    ``page``: each row carries its raw page too, as a blob (uncompressed).
    """
    clean(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT, site TEXT, title TEXT, "
        "body TEXT, published_at TEXT, author TEXT, view_count INTEGER, page BLOB)"
    )
    start = time.perf_counter()
    for offset in range(0, len(batch), size):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles(url, site, title, body, published_at, author, view_count, "
            "page) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    a.url,
                    a.site,
                    a.title,
                    a.body,
                    a.published_at,
                    a.author,
                    a.view_count,
                    e.body if page else None,
                )
                for e, a in batch[offset : offset + size]
            ],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return len(batch) / elapsed


def ingest(
    path: Path, batch: list[tuple[Exchange, Article]], size: int, level: int
) -> tuple[float, float, float]:
    """Articles per second, and CPU microseconds per article (steadier on a shared machine):
    in all, counting the process that prepares batches ahead of the writer (``save_many``
    ends it), and in the writing process alone (what bounds articles/s with a core to spare)."""
    clean(path)
    with Archive(path, compress_level=level) as archive:
        start, cpu, own = time.perf_counter(), _cpu(), time.process_time()
        archive.save_many(batch, batch_size=size)
        elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
        own = time.process_time() - own
    return len(batch) / elapsed, cpu / len(batch) * 1e6, own / len(batch) * 1e6


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ingest_study(
    count: int,
    out: Path,
    size: int,
    pages: tuple[int, ...] = (3_000, 50_000),
    levels: tuple[int, ...] = (3, 1),
    aliased: int = 0,
) -> None:
    """``pages``: sizes of the raw response bodies (bytes); ``levels``: zstd levels;
    ``aliased``: the share of pages (%) fetched through a redirect (see :func:`items`)."""
    print(
        f"\n== ingest: {count:,} articles (5 % near-copies, {aliased} % redirected), "
        f"{size} per transaction; "
        "target >= 5,000 articles/s, within 6x of raw executemany"
    )
    for page in pages:
        batch = items(count, seed=3, page=page, aliased=aliased)
        page_kb = statistics.mean(len(e.body) for e, _ in batch) / 1000
        body_kb = statistics.mean(len(a.body or "") for _, a in batch) / 1000
        gc.collect()
        floor = baseline(out / "bench-baseline.db", batch, size)
        with_page = baseline(out / "bench-baseline.db", batch, size, page=True)
        for level in levels:
            rate, cpu, own = ingest(out / "bench-ingest.db", batch, size, level)
            print(
                f"{page_kb:.0f} KB pages ({body_kb:.1f} KB article text), zstd {level}: "
                f"archive {rate:,.0f}/s ({cpu:.0f} µs CPU per article, {own:.0f} in the "
                "writing process); "
                f"raw executemany {floor:,.0f}/s (ratio "
                f"{floor / rate:.1f}x), with the raw page as a blob {with_page:,.0f}/s "
                f"(ratio {with_page / rate:.1f}x)"
            )
        del batch
    clean(out / "bench-baseline.db")
    clean(out / "bench-ingest.db")


# -- search -----------------------------------------------------------------------------


def build(path: Path, count: int, size: int) -> None:
    if path.exists():
        with Archive(path, readonly=True) as archive:
            have = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if have >= count * 0.9:
            print(f"reusing {path} ({have:,} articles)")
            return
    clean(path)
    print(f"building {path} with {count:,} articles (once; reused by later runs)")
    corpus = Corpus(5)
    start = time.perf_counter()
    with Archive(path) as archive:
        stream = corpus.stream(count)
        done = 0
        while done < count:
            chunk = [
                item(done + i, site, story)
                for i, (site, story) in zip(range(5000), stream, strict=False)
            ]
            archive.save_many(chunk, batch_size=size)
            done += len(chunk)
            rate = done / (time.perf_counter() - start)
            print(f"  {done:,} articles, {rate:,.0f}/s", end="\r", flush=True)
    print()


def queries(seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    corpus = Corpus(seed)
    words = corpus.words
    picked: list[tuple[str, str]] = []
    for _ in range(60):
        word = rng.choice(words[20:])
        picked.append(("1 word", rng.choice([word, index_fold(word).strip()])))
    for _ in range(60):
        start = rng.randrange(0, len(words) - 2)
        phrase = " ".join(words[start : start + 2])
        picked.append(("2 words", rng.choice([phrase, index_fold(phrase).strip()])))
    for _ in range(40):
        three = " ".join(rng.sample(words[:150], 3))
        picked.append(("3 words", index_fold(three).strip()))
    for word in ["và", "của", "có", "là", "không", "va", "cua", "nguoi dan", '"theo thong tan xa"']:
        picked.append(("very common", word))
    for name in ["Đà Nẵng", "da nang", '"Phạm Minh Chính"', "thu tuong", "thủ*", "Hà Nội OR Huế"]:
        picked.append(("names/prefix/OR", name))
    return picked


def search_study(path: Path, repeat: int) -> None:
    print(f"\n== search on {path.name}")
    plain: dict[str, list[float]] = {}
    filtered: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # CPU ms of every query, plain and filtered
    # CPU ms by group, plain and filtered: on a shared machine wall time says little.
    cpu_groups: dict[tuple[str, str], list[float]] = {}
    rng = random.Random(13)
    with Archive(path, readonly=True) as archive:
        total = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"{total:,} articles")
        sites = Corpus(1).site_names
        for group, text in queries(9) * repeat:
            for timings, options in (
                (plain, {}),
                # As `archiver search --site X --since 2024-MM` asks.
                (filtered, {"site": rng.choice(sites), "since": f"2024-{rng.randint(1, 12):02d}"}),
            ):
                start, used = time.perf_counter(), time.process_time()
                archive.search(text, limit=20, **options)
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.process_time() - used) * 1000
                timings.setdefault(group, []).append(elapsed)
                timings.setdefault("all", []).append(elapsed)
                kind = "filtered" if options else "plain"
                cpu.setdefault(kind, []).append(used)
                cpu_groups.setdefault((kind, group), []).append(used)
                cpu_groups.setdefault((kind, "all"), []).append(used)
        start = time.perf_counter()
        archive.search("Thủy", exact=True, limit=20)
        exact = (time.perf_counter() - start) * 1000

    def cells(values: list[float]) -> str:
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        return f"{statistics.median(values):>9.1f}{p95:>9.1f}{values[-1]:>9.1f}"

    print(f"{'':<18}{'':>5}{'plain':>18}{'':>9}{'with --site and --since':>27}")
    print(
        f"{'queries':<18}{'n':>5}" + "".join(f"{h:>9}" for h in ("p50 ms", "p95 ms", "max ms") * 2)
    )
    for group in plain:
        print(f"{group:<18}{len(plain[group]):>5}{cells(plain[group])}{cells(filtered[group])}")
    print(f"--exact 'Thủy': {exact:.1f} ms; target: p95 <= 100 ms in every group")
    # CPU time is steadier than wall time when other processes share the cores.
    print(
        "CPU ms (p50 / p95): "
        + "; ".join(
            f"{kind} {statistics.median(v):.1f} / {sorted(v)[int(len(v) * 0.95)]:.1f}"
            for kind, v in cpu.items()
        )
    )
    print(f"{'CPU ms by group':<18}{'n':>5}{'plain':>18}{'':>9}{'with --site and --since':>27}")
    for group in plain:
        print(
            f"{group:<18}{len(plain[group]):>5}{cells(cpu_groups['plain', group])}"
            f"{cells(cpu_groups['filtered', group])}"
        )


# -- export -----------------------------------------------------------------------------


class _Sink(io.TextIOBase):
    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def export_study(path: Path) -> None:
    import psutil

    process = psutil.Process()
    peak = [process.memory_info().rss]
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            peak.append(process.memory_info().rss)
            time.sleep(0.05)

    print(f"\n== export of {path.name}")
    for fmt in ("jsonl", "csv"):
        sink = _Sink()
        before = process.memory_info().rss
        peak[:] = [before]
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        with Archive(path, readonly=True) as archive:
            start = time.perf_counter()
            count = archive.export(format=fmt, out=sink)
            elapsed = time.perf_counter() - start
        running.clear()
        sampler.join()
        running.set()
        print(
            f"{fmt}: {count:,} rows in {elapsed:.1f}s = {count / elapsed:,.0f} rows/s, "
            f"{sink.chars / 1e6:,.0f} M chars; RSS {before / 1e6:.0f} MB before, "
            f"peak {max(peak) / 1e6:.0f} MB during"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=500_000, help="size of the search database")
    parser.add_argument("--ingest", type=int, default=10_000, help="articles in the ingest run")
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--repeat", type=int, default=2, help="times each query is run")
    parser.add_argument("--pairs", type=int, default=300, help="pairs per near-duplicate case")
    parser.add_argument("--seeds", type=int, default=1, help="corpora the pairs are drawn from")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--db",
        type=Path,
        help="search this archive (as built, e.g. by bench/search_db.py) instead of --out's",
    )
    parser.add_argument("--near-dup", action="store_true", help="only the threshold study")
    parser.add_argument("--search", action="store_true", help="only the search study")
    parser.add_argument("--ingest-only", action="store_true", help="only the ingest study")
    parser.add_argument(
        "--body-size",
        type=int,
        action="append",
        help="raw page (response body) size in bytes for the ingest study; repeatable "
        "(default: 3000 and 50000)",
    )
    parser.add_argument(
        "--zstd",
        type=int,
        action="append",
        help="zstd level of the raw pages in the ingest study; repeatable (default: 3 and 1)",
    )
    parser.add_argument(
        "--aliased",
        type=int,
        default=0,
        help="percent of the ingest study's pages fetched through a redirect (aliases)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    pages = tuple(args.body_size or (3_000, 50_000))
    levels = tuple(args.zstd or (3, 1))
    if args.ingest_only:
        ingest_study(args.ingest, args.out, args.batch, pages, levels, args.aliased)
        return
    if not args.search:
        near_dup_study(args.pairs, args.seeds)
        if args.near_dup:
            return
        ingest_study(args.ingest, args.out, args.batch, pages, levels, args.aliased)
    database = args.db or args.out / f"store-{args.articles}.db"
    if args.db is None:
        build(database, args.articles, args.batch)
    search_study(database, args.repeat)
    if not args.search:
        export_study(database)


if __name__ == "__main__":
    main()
