"""Field accuracy of archiver's extractor on annotated real pages, beside other extractors.

    python bench/accuracy.py                                  # every gold set whose pages exist
    python bench/accuracy.py --compare trafilatura --compare newspaper
    python bench/accuracy.py --compare generic                # archiver with profiles off
    python bench/accuracy.py --compare main-text              # extract(..., main_text=True)
    python bench/accuracy.py --set dev --set corpus --verbose
    python bench/accuracy.py --pages ../corpus/pages          # or ARCHIVER_BENCH_PAGES
    python bench/accuracy.py --half odd --set generic --set news  # the held-aside half
    python bench/accuracy.py --save-baseline                  # record today's per-page scores
    python bench/accuracy.py --set generic --worst 20         # the pages archiver does worst on

Gold sets (annotations only, in ``bench/data/``; the pages themselves stay outside the
repository and a set whose pages are absent is skipped with a note):

- ``dev``: the 10 annotated pages of ``../shared/realpages``;
- ``more``: ``../shared/realpages/more`` (vietnamnet 2017, a Liferay government portal);
- ``corpus``: real Vietnamese pages of many outlets, read from the pages directory
  (``--pages``, ``ARCHIVER_BENCH_PAGES``, default ``../corpus/pages``);
- ``generic``: multilingual article pages of many sites (body only), read from
  ``generic/`` beside the pages directory;
- ``news``: English news and blog articles annotated by people (body only): L3S-GN1
  (Google News, 2008) and Dragnet's corrected texts, also read from ``generic/``;
- ``portal``: news and blog articles of five portals annotated by people (CleanPortalEval;
  body only), also read from ``generic/``: kept aside, never tuned on;
- ``snippets``: trafilatura's own evaluation pages (multilingual, mostly German and English:
  news, blogs, magazines, government and company pages), each annotated with snippets that
  must be in the body ("with") and snippets that must not ("without"), also read from
  ``generic/``.

Per field: title, published_at (to the minute, offset included), person byline, view
count and credited source exact; captions and body as F1 over word 4-grams (lower-cased,
NFC) and the body also as token F1. On ``snippets`` pages: the share of "with" snippets
found in the body and of "without" snippets absent from it (whitespace folded, case kept),
per page, and over all snippets trafilatura's own figures: precision, recall and F1 of
"with" found against "without" found. Pages annotated as non-articles score whether the
extractor declined them. Other extractors run on the same pages in the same process when
asked and installed; ``generic`` is archiver with its site profiles switched off (how it
does on an outlet no profile describes); ``main-text`` is archiver asked for the main text
of every page (``extract(..., main_text=True)``: no page declined as a listing). Per-page
scores of archiver are compared with a stored baseline (``bench/data/baseline.json``): any
page that got worse is named.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SHARED = ROOT.parent / "shared"
DEFAULT_PAGES = ROOT.parent / "corpus" / "pages"
BASELINE = DATA / "baseline.json"
_TOKEN = re.compile(r"\w+")
#: Exact-match fields, in table order.
EXACT = ("title", "published_at", "author", "view_count", "source")
#: A page's body 4-gram F1 may move this much before it counts as a regression.
_TOLERANCE = 0.005


@dataclass(frozen=True)
class GoldSet:
    name: str
    gold: Path
    bases: tuple[Path, ...]  # where a record's ``file`` is looked for, in order
    body_only: bool = False
    lang: str = "vi"  # the pages' language where a record does not say
    snippets: bool = False  # scored by "with"/"without" snippets instead of a gold body


def gold_sets(pages: Path) -> list[GoldSet]:
    realpages = SHARED / "realpages"
    generic_roots = (pages.parent / "generic", pages / "generic", pages)
    return (
        [
            GoldSet("dev", DATA / "gold-realpages.json", (realpages,)),
            GoldSet("more", DATA / "gold-more.json", (realpages / "more", realpages)),
            GoldSet("corpus", DATA / "gold-corpus.json", (pages, pages.parent)),
        ]
        + [
            GoldSet(name, DATA / file, generic_roots, body_only=True, lang="en")
            for name, file in (
                ("generic", "gold-generic.json"),
                ("news", "gold-generic-news.json"),
                ("portal", "gold-generic-portal.json"),
            )
        ]
        + [
            GoldSet(
                "snippets",
                DATA / "gold-snippets.json",
                generic_roots,
                body_only=True,
                lang="en",
                snippets=True,
            )
        ]
    )


# --- scoring ----------------------------------------------------------------------------


@dataclass
class Prediction:
    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    view_count: int | None = None
    body: str | None = None
    captions: tuple[str, ...] = ()
    source: str | None = None
    is_article: bool = True


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


def words(text: str | None) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text or "").lower())


#: Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Burmese,
#: Khmer): there a "word" of ``\w+`` is a whole phrase or clause, so word 4-grams barely match.
_UNSPACED = (
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_UNIT = re.compile(rf"{_UNSPACED}|(?:(?!{_UNSPACED})\w)+")


def units(text: str | None) -> list[str]:
    """Words, and each character of the scripts written without spaces (a Chinese character,
    a Thai letter): the scorer's fallback for text word 4-grams cannot judge."""
    return _UNIT.findall(unicodedata.normalize("NFC", text or "").lower())


def shingles(
    text: str | None, n: int = 4, tokenize: Callable[[str | None], list[str]] = words
) -> Counter:
    """Word n-grams with their counts; a text shorter than n words is one shingle."""
    tokens = tokenize(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def prf(got: Counter, want: Counter) -> tuple[float, float, float]:
    """(precision, recall, F1) of two multisets; two empty ones agree perfectly."""
    if not got and not want:
        return 1.0, 1.0, 1.0
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def same_minute(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    # "2018-07-04T15:34" and the offset: seconds don't count, the time zone does.
    return predicted[:16] == gold[:16] and predicted[-6:] == gold[-6:]


def body_variants(gold: dict) -> list[str]:
    """The gold body, and without its optional paragraphs (inline boxes) when it lists any."""
    body = gold.get("body") or ""
    variants = [body]
    optional = set(gold.get("optional_paragraphs") or [])
    if optional:
        variants.append("\n\n".join(p for p in body.split("\n\n") if p not in optional))
    return variants


#: Gold ``kind`` values of pages that are articles; anything else (listing, other_page) is not.
ARTICLE_KINDS = frozenset({"article", "photo_story", "live", "video", "interview"})


#: The line that parts an article's text from its readers' comments in Dragnet's gold
#: ("content and comments" in one file; Dragnet scores content alone and both apart).
COMMENTS_MARK = "!@#$%^&*() COMMENTS"


def is_article_kind(gold: dict) -> bool:
    return (gold.get("kind") or "article").lower() in ARTICLE_KINDS


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def score_snippets(prediction: Prediction, gold: dict) -> dict[str, float]:
    """Share of the "with" snippets found in the body and of the "without" snippets absent
    from it, and the counts behind both (``snip_*``: true and false positives, false and
    true negatives, as trafilatura's evaluation counts them), summed over a set."""
    body = _folded(prediction.body or "")
    found = sum(_folded(s) in body for s in gold["with"])
    kept = sum(_folded(s) in body for s in gold["without"])
    return {
        "with": found / len(gold["with"]),
        "without": 1 - kept / len(gold["without"]),
        "snip_tp": found,
        "snip_fn": len(gold["with"]) - found,
        "snip_fp": kept,
        "snip_tn": len(gold["without"]) - kept,
    }


def score_page(
    prediction: Prediction, gold: dict, body_only: bool = False, snippets: bool = False
) -> dict[str, float]:
    """Per-field scores of one page: 1.0/0.0 for exact fields, F1 for text fields."""
    if snippets:
        return score_snippets(prediction, gold)
    result: dict[str, float] = {}
    if not is_article_kind(gold):
        result["kind"] = float(not prediction.is_article)
        return result
    if not body_only:
        result["kind"] = float(prediction.is_article)
        result["title"] = float(norm(prediction.title) == norm(gold.get("title")))
        result["published_at"] = float(
            same_minute(prediction.published_at, gold.get("published_at"))
        )
        result["author"] = float(norm(prediction.author) == norm(gold.get("author")))
        result["view_count"] = float(prediction.view_count == gold.get("view_count"))
        if "source" in gold:
            result["source"] = float(norm(prediction.source) == norm(gold["source"]))
        if "captions" in gold:
            want = shingles("\n".join(gold["captions"] or []))
            result["captions"] = prf(shingles("\n".join(prediction.captions)), want)[2]
    best = max(
        (prf(shingles(prediction.body), shingles(variant)) for variant in body_variants(gold)),
        key=lambda scores: scores[2],
    )
    result["body_p"], result["body_r"], result["body4"] = best
    if COMMENTS_MARK in (gold.get("body") or ""):
        # Dragnet's gold keeps the readers' comments after this line: scored without them too.
        own = shingles(gold["body"].split(COMMENTS_MARK)[0])
        result["own_p"], result["own_r"], result["own4"] = prf(shingles(prediction.body), own)
    result["body_tok"] = max(
        prf(Counter(words(prediction.body)), Counter(words(variant)))[2]
        for variant in body_variants(gold)
    )
    # The same 4-gram F1 with unspaced scripts counted per character (equal to body4 on
    # text in spaced scripts): both are reported.
    got = shingles(prediction.body, tokenize=units)
    result["body4c"] = max(
        prf(got, shingles(variant, tokenize=units))[2] for variant in body_variants(gold)
    )
    return result


# --- extractors -------------------------------------------------------------------------


Extractor = Callable[[bytes, str, str | None], Prediction]


def archiver_extractor(*, profiles: bool = True, main_text: bool = False) -> Extractor:
    from archiver import extract
    from archiver.sites import profile_from_dict

    # Without profiles: how the generic extractor does on an outlet nobody described.
    options: dict[str, Any] = (
        {} if profiles else {"profile": profile_from_dict({"name": "generic"})}
    )
    # main_text: the text of every page, also of those it takes for listings (a reader's view).
    options["main_text"] = main_text

    def run(html: bytes, url: str, lang: str | None) -> Prediction:
        a = extract(html, url, **options)
        return Prediction(
            a.title,
            a.published_at,
            a.author,
            a.view_count,
            a.body,
            tuple(getattr(a, "captions", ()) or ()),
            getattr(a, "source", None),
            a.is_article,
        )

    return run


def _decoded(html: bytes) -> str:
    from archiver.extract.encoding import decode_html

    # Every extractor gets the same correctly decoded text: charset handling is not scored.
    return decode_html(html, None).text


def trafilatura_extractor() -> Extractor:
    import trafilatura

    def run(html: bytes, url: str, lang: str | None) -> Prediction:
        doc = trafilatura.bare_extraction(_decoded(html), url=url, with_metadata=True)
        if doc is None:
            return Prediction(is_article=False)
        date = getattr(doc, "date", None)
        # trafilatura gives a date without time or zone; read it as local midnight.
        published = f"{date}T00:00:00+07:00" if date else None
        text = getattr(doc, "text", None)
        return Prediction(
            getattr(doc, "title", None),
            published,
            getattr(doc, "author", None),
            None,
            text,
            is_article=bool(text),
        )

    return run


def newspaper_extractor() -> Extractor:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import newspaper

    from datetime import timedelta, timezone

    tz = timezone(timedelta(hours=7))

    config = newspaper.Config()
    config.fetch_images = False  # it would download pictures to size the top image
    config.memoize_articles = False

    def parse(html: bytes, url: str, language: str) -> Any:
        article = newspaper.Article(url or "https://example.org/", language=language, config=config)
        article.download(input_html=_decoded(html))
        article.parse()
        return article

    def run(html: bytes, url: str, lang: str | None) -> Prediction:
        # newspaper4k's text extraction leans on the language's stop words: tell it.
        language = (lang or "en")[:2].lower()
        try:
            article = parse(html, url, language)
        except ImportError:  # that language's tokenizer (jieba, pythainlp...) is not installed
            article = parse(html, url, "en")
        when = article.publish_date
        published = None
        if when is not None:
            when = when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)
            published = when.isoformat(timespec="seconds")
        body = "\n\n".join(p for p in [article.meta_description or "", article.text] if p)
        return Prediction(
            article.title,
            published,
            " - ".join(article.authors) or None,
            None,
            body,
            is_article=bool(article.text),
        )

    return run


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "archiver": archiver_extractor,
    "generic": lambda: archiver_extractor(profiles=False),
    "main-text": lambda: archiver_extractor(main_text=True),
    "trafilatura": trafilatura_extractor,
    "newspaper": newspaper_extractor,
}


# --- running ----------------------------------------------------------------------------


@dataclass
class SetResult:
    gold_set: GoldSet
    pages: int = 0
    absent: int = 0
    #: extractor -> file -> field -> score
    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: pages marked as hand-made test cases (a few lines each), reported apart as well
    synthetic: set[str] = field(default_factory=set)


def _page_bytes(path: Path) -> bytes:
    """The page as the server sent it: a page restored from a browser cache entry is the
    gzip-coded HTTP body followed by the cache's metadata (see the record's notes), decoded
    here as a client would."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        return zlib.decompressobj(wbits=31).decompress(data)
    return data


def _locate(record: dict, bases: Iterable[Path]) -> Path | None:
    for base in bases:
        path = base / record["file"]
        if path.is_file():
            return path
    return None


def evaluate(
    gold_set: GoldSet, names: list[str], verbose: bool, half: str | None = None
) -> SetResult | None:
    if not gold_set.gold.exists():
        return None
    records = json.loads(gold_set.gold.read_text(encoding="utf-8"))
    if half is not None:  # every other record, in the gold file's order
        records = records[half == "odd" :: 2]
    result = SetResult(gold_set)
    result.synthetic = {r["file"] for r in records if r.get("synthetic")}
    located = []
    for record in records:
        path = _locate(record, gold_set.bases)
        if path is None:
            result.absent += 1
        else:
            located.append((record, _page_bytes(path)))
    result.pages = len(located)
    if not located:
        return result
    for name in names:
        try:
            run = EXTRACTORS[name]()
        except ImportError as error:
            result.problems.append(f"{name}: not installed ({error.name}); skipped")
            continue
        per_page = result.scores.setdefault(name, {})
        for record, html in located:
            try:
                prediction = run(html, record.get("url") or "", record.get("lang") or gold_set.lang)
            except Exception as error:  # a competitor crashing on a page scores zero there
                result.problems.append(f"{name}: {record['file']}: {type(error).__name__}")
                prediction = Prediction(is_article=False)
            scores = score_page(prediction, record, gold_set.body_only, gold_set.snippets)
            per_page[record["file"]] = scores
            if verbose and name == "archiver":
                _explain(record, prediction, scores)
    return result


def _explain(gold: dict, prediction: Prediction, scores: dict[str, float]) -> None:
    misses = [k for k in (*EXACT, "kind") if k in scores and scores[k] < 1]
    if "with" in scores:
        _explain_snippets(gold, prediction)
        return
    weak_body = "body4" in scores and scores["body4"] < 0.97
    weak_captions = scores.get("captions", 1.0) < 0.9
    if not (misses or weak_body or weak_captions):
        return
    print(
        f"  {gold['file']}: misses {misses} body 4-gram F1 {scores.get('body4', 1):.3f} "
        f"(P {scores.get('body_p', 1):.3f} R {scores.get('body_r', 1):.3f})"
    )
    for key in misses:
        if key == "kind":
            print(f"    kind: got is_article={prediction.is_article} want {gold.get('kind')}")
        else:
            print(f"    {key}: got {getattr(prediction, key)!r} want {gold.get(key)!r}")
    if weak_captions:
        print(f"    captions: got {list(prediction.captions)!r}\n      want {gold['captions']!r}")


def _explain_snippets(gold: dict, prediction: Prediction) -> None:
    body = _folded(prediction.body or "")
    lost = [s for s in gold["with"] if _folded(s) not in body]
    kept = [s for s in gold["without"] if _folded(s) in body]
    if lost or kept:
        print(f"  {gold['file']}: {len(body)} characters")
        for snippet in lost:
            print(f"    lost: {snippet[:100]!r}")
        for snippet in kept:
            print(f"    kept: {snippet[:100]!r}")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def summary(per_page: dict[str, dict[str, float]]) -> dict[str, float]:
    columns: dict[str, list[float]] = {}
    for scores in per_page.values():
        for key, value in scores.items():
            columns.setdefault(key, []).append(value)
    means = {key: _mean(values) for key, values in columns.items()}
    if "snip_tp" in columns:  # over all snippets, as trafilatura's evaluation reports them
        tp, fp, fn = (sum(columns[f"snip_{k}"]) for k in ("tp", "fp", "fn"))
        means["snip_p"] = tp / (tp + fp) if tp + fp else 0.0
        means["snip_r"] = tp / (tp + fn) if tp + fn else 0.0
        means["snip_f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return means


_COLUMNS = (
    ("kind", "kind", "%"),
    ("title", "title", "%"),
    ("published_at", "time", "%"),
    ("author", "author", "%"),
    ("view_count", "views", "%"),
    ("source", "source", "%"),
    ("captions", "capt F1", "f"),
    ("body_tok", "body tok", "f"),
    ("body4", "body 4g", "f"),
    ("body4c", "4g char", "f"),
    ("body_p", "4g P", "f"),
    ("body_r", "4g R", "f"),
    ("with", "with", "%"),
    ("without", "without", "%"),
    ("snip_p", "snip P", "f"),
    ("snip_r", "snip R", "f"),
    ("snip_f1", "snip F1", "f"),
)


def print_set(result: SetResult) -> None:
    gold_set = result.gold_set
    where = ", ".join(str(b) for b in gold_set.bases[:1])
    absent = f"; {result.absent} absent, skipped" if result.absent else ""
    print(f"\n== {gold_set.name}: {result.pages} pages ({where}{absent})")
    for problem in result.problems:
        print(f"   {problem}")
    if not result.scores:
        return
    present = [c for c in _COLUMNS if any(c[0] in s for s in summary_rows(result))]
    print(f"   {'extractor':<12}" + "".join(f"{label:>9}" for _, label, _ in present))
    _print_rows(result.scores, present)
    _print_without_comments(result.scores)
    if result.synthetic:
        real = {
            name: {page: s for page, s in per_page.items() if page not in result.synthetic}
            for name, per_page in result.scores.items()
        }
        count = len(next(iter(real.values())))
        print(f"   without the {len(result.synthetic)} hand-made test pages ({count} real pages):")
        _print_rows(real, present)
    sources = sorted({_source(page) for page in next(iter(result.scores.values()))})
    if len(sources) > 1:
        for source in sources:
            part = {
                name: {page: s for page, s in per_page.items() if _source(page) == source}
                for name, per_page in result.scores.items()
            }
            print(f"   from {source} ({len(next(iter(part.values())))} pages):")
            _print_rows(part, present)
            _print_without_comments(part)


def _print_without_comments(scores: dict[str, dict[str, dict[str, float]]]) -> None:
    """The body F1 against gold cut at Dragnet's comment marker (the text alone), where some
    page's gold has one: the same figure as the row above on the other pages."""
    if not any("own4" in s for per_page in scores.values() for s in per_page.values()):
        return
    for name, per_page in scores.items():
        marked = sum("own4" in s for s in per_page.values())
        f1, p, r = (
            _mean([s.get(f"own{k}", s.get(f"body{k}", 0.0)) for s in per_page.values()])
            for k in ("4", "_p", "_r")
        )
        print(
            f"   {name:<12}body 4g {f1:.3f} (P {p:.3f} / R {r:.3f}) with the gold cut at "
            f"its comment marker ({marked} pages have one)"
        )


def _source(page: str) -> str:
    """Where a page of a set comes from: the folder under ``pages/`` (``l3s-gn1``)."""
    parts = page.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "pages" else ""


def _print_rows(scores: dict[str, dict[str, dict[str, float]]], present: list) -> None:
    for name, per_page in scores.items():
        means = summary(per_page)
        cells = []
        for key, _, kind in present:
            value = means.get(key)
            if value is None:
                cells.append(f"{'-':>9}")
            elif kind == "%":
                cells.append(f"{100 * value:8.1f}%")
            else:
                cells.append(f"{value:9.3f}")
        print(f"   {name:<12}" + "".join(cells))


def summary_rows(result: SetResult) -> list[dict[str, float]]:
    return [summary(per_page) for per_page in result.scores.values()]


def worst_pages(result: SetResult, count: int) -> list[str]:
    """The ``count`` pages of a set archiver scores lowest on (body 4-gram F1, or the share
    of snippets right on a snippet set), one line each with precision and recall, worst
    first: where to look for the next class of failure."""
    per_page = result.scores.get("archiver", {})

    def score(scores: dict[str, float]) -> float:
        if "body4" in scores:
            return scores["body4"]
        return (scores.get("with", 1.0) + scores.get("without", 1.0)) / 2

    ranked = sorted(per_page.items(), key=lambda item: (score(item[1]), item[0]))[:count]
    lines = []
    for page, scores in ranked:
        if "body4" in scores:
            figures = (
                f"F1 {scores['body4']:.3f} (P {scores['body_p']:.3f} R {scores['body_r']:.3f})"
            )
        else:
            figures = f"with {scores.get('with', 1):.2f} without {scores.get('without', 1):.2f}"
        mark = " [hand-made]" if page in result.synthetic else ""
        lines.append(f"   {figures}  {page}{mark}")
    return lines


def regressions(result: SetResult, baseline: dict) -> list[str]:
    """Pages whose archiver scores fell below the baseline's, each with what got worse."""
    before = baseline.get(result.gold_set.name, {})
    now = result.scores.get("archiver", {})
    lines = []
    for page, scores in now.items():
        old = before.get(page)
        if old is None:
            continue
        worse = []
        for key, value in scores.items():
            if key in ("body_p", "body_r") or key.startswith("snip_") or key not in old:
                continue
            tolerance = _TOLERANCE if key in ("body4", "body4c", "body_tok", "captions") else 0.0
            if value < old[key] - tolerance:
                worse.append(f"{key} {old[key]:.3f} -> {value:.3f}")
        if worse:
            lines.append(f"   {page}: {', '.join(worse)}")
    return lines


def _offline() -> None:
    """Refuse every connection beyond loopback: the extractors compared work on the pages
    given, and one that tries to fetch something (pictures, feeds) fails at once instead
    of waiting on a network this benchmark never uses."""
    import ipaddress
    import socket

    original = socket.socket.connect

    def loopback_only(sock: socket.socket, address, *args):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else ""
        try:
            allowed = not host or ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise OSError(f"bench/accuracy.py is offline: no connection to {host}")
        return original(sock, address, *args)

    socket.socket.connect = loopback_only  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages",
        type=Path,
        default=Path(os.environ.get("ARCHIVER_BENCH_PAGES", DEFAULT_PAGES)),
        help="folder of the corpus pages (default ../corpus/pages)",
    )
    parser.add_argument("--set", action="append", default=[], help="only these gold sets")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        choices=sorted(set(EXTRACTORS) - {"archiver"}),
        help="also score another extractor on the same pages (repeatable)",
    )
    parser.add_argument(
        "--half",
        choices=("even", "odd"),
        help="only every other page of each set (0th, 2nd, ... or 1st, 3rd, ...): tune on one "
        "half, check the other",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="explain archiver's misses")
    parser.add_argument("--save-baseline", action="store_true", help=f"write {BASELINE.name}")
    parser.add_argument("--json", type=Path, help="write every per-page score to this file")
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        metavar="N",
        help="list the N pages of each set archiver does worst on",
    )
    args = parser.parse_args(argv)
    _offline()

    names = ["archiver", *dict.fromkeys(args.compare)]
    results = []
    for gold_set in gold_sets(args.pages):
        if args.set and gold_set.name not in args.set:
            continue
        result = evaluate(gold_set, names, args.verbose, args.half)
        if result is None:
            print(f"\n== {gold_set.name}: no gold file {gold_set.gold.name} (skipped)")
            continue
        print_set(result)
        if args.worst:
            print(f"   worst {args.worst} pages:")
            print("\n".join(worst_pages(result, args.worst)))
        results.append(result)

    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    worse = [line for r in results for line in regressions(r, baseline)]
    if baseline:
        print(f"\nPages worse than the baseline ({BASELINE.name}): {len(worse) or 'none'}")
        print("\n".join(worse))
    if args.save_baseline and args.half:
        parser.error("--save-baseline records whole sets: leave out --half")
    if args.save_baseline:
        for r in results:
            if "archiver" in r.scores:
                baseline[r.gold_set.name] = r.scores["archiver"]
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")
        print(f"baseline written: {BASELINE}")
    if args.json:
        data = {r.gold_set.name: r.scores for r in results}
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    print(
        "\nTargets (issue 8): title and time 100 %, person byline >= 95 %, "
        "body 4-gram F1 >= 0.97 on real pages, >= 0.96 on generic pages."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
