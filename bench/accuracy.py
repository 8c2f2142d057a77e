"""Field accuracy of archiver's extractor against hand-checked gold records.

    python bench/accuracy.py                      # ../shared/realpages/gold.json
    python bench/accuracy.py --gold path/to/gold.json --verbose
    python bench/accuracy.py --compare trafilatura --compare newspaper

Scores exact match of title, published_at (to the minute, offset included),
author and view_count, and token-level F1 of the body (lower-cased word
tokens, so whitespace and punctuation differences don't count). Where a gold
record lists ``optional_paragraphs`` (inline boxes a scorer may leave out), the
better of the two variants counts. Other extractors run on the same pages in
the same process when asked (and installed), mapped to the same fields.

Exits 0 with a note when the gold file is absent (a user's clone has no ../shared).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "realpages" / "gold.json"
FIELDS = ("title", "published_at", "author", "view_count")
_TOKEN = re.compile(r"\w+")


@dataclass
class Prediction:
    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    view_count: int | None = None
    body: str | None = None


@dataclass
class Score:
    hits: Counter = field(default_factory=Counter)
    f1: list[float] = field(default_factory=list)
    pages: int = 0


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


def tokens(text: str | None) -> Counter:
    return Counter(_TOKEN.findall(unicodedata.normalize("NFC", text or "").lower()))


def body_f1(predicted: str | None, gold: str) -> float:
    got, want = tokens(predicted), tokens(gold)
    if not got and not want:
        return 1.0
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def same_minute(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    # "2018-07-04T15:34" and the offset: seconds don't count, the time zone does.
    return predicted[:16] == gold[:16] and predicted[-6:] == gold[-6:]


def score_page(prediction: Prediction, gold: dict) -> dict[str, bool | float]:
    result: dict[str, bool | float] = {
        "title": norm(prediction.title) == norm(gold["title"]),
        "published_at": same_minute(prediction.published_at, gold["published_at"]),
        "author": norm(prediction.author) == norm(gold["author"]),
        "view_count": prediction.view_count == gold["view_count"],
    }
    variants = [gold["body"]]
    optional = gold.get("optional_paragraphs") or []
    if optional:
        kept = [p for p in gold["body"].split("\n\n") if p not in set(optional)]
        variants.append("\n\n".join(kept))
    result["body_f1"] = max(body_f1(prediction.body, variant) for variant in variants)
    return result


# --- extractors -------------------------------------------------------------------------


def archiver_extractor() -> Callable[[bytes, str], Prediction]:
    from archiver import extract

    def run(html: bytes, url: str) -> Prediction:
        a = extract(html, url)
        return Prediction(a.title, a.published_at, a.author, a.view_count, a.body)

    return run


def trafilatura_extractor() -> Callable[[bytes, str], Prediction]:
    import trafilatura

    def run(html: bytes, url: str) -> Prediction:
        doc = trafilatura.bare_extraction(
            html.decode("utf-8", "replace"), url=url, with_metadata=True
        )
        if doc is None:
            return Prediction()
        date = getattr(doc, "date", None)
        # trafilatura gives a date without time or zone; read it as local midnight.
        published = f"{date}T00:00:00+07:00" if date else None
        return Prediction(
            getattr(doc, "title", None),
            published,
            getattr(doc, "author", None),
            None,
            getattr(doc, "text", None),
        )

    return run


def newspaper_extractor() -> Callable[[bytes, str], Prediction]:
    import newspaper

    def run(html: bytes, url: str) -> Prediction:
        article = newspaper.Article(url, language="vi")
        article.download(input_html=html.decode("utf-8", "replace"))
        article.parse()
        when = article.publish_date
        published = None
        if when is not None:
            from datetime import timedelta, timezone

            tz = timezone(timedelta(hours=7))
            when = when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)
            published = when.isoformat(timespec="seconds")
        authors = article.authors
        body = "\n\n".join(p for p in [article.meta_description or "", article.text] if p)
        return Prediction(article.title, published, " - ".join(authors) or None, None, body)

    return run


EXTRACTORS = {
    "archiver": archiver_extractor,
    "trafilatura": trafilatura_extractor,
    "newspaper": newspaper_extractor,
}


def evaluate(gold_path: Path, names: list[str], verbose: bool) -> dict[str, Score]:
    records = json.loads(gold_path.read_text(encoding="utf-8"))
    base = gold_path.parent
    scores: dict[str, Score] = {}
    for name in names:
        try:
            run = EXTRACTORS[name]()
        except ImportError as error:
            print(f"{name}: not installed ({error.name}); skipped", file=sys.stderr)
            continue
        score = scores.setdefault(name, Score())
        for gold in records:
            html = (base / gold["file"]).read_bytes()
            try:
                prediction = run(html, gold["url"])
            except Exception as error:  # a competitor crashing on a page scores zero there
                print(f"{name}: {gold['file']}: {type(error).__name__}: {error}", file=sys.stderr)
                prediction = Prediction()
            result = score_page(prediction, gold)
            score.pages += 1
            for key in FIELDS:
                score.hits[key] += bool(result[key])
            score.f1.append(float(result["body_f1"]))
            if verbose and name == "archiver":
                misses = [k for k in FIELDS if not result[k]]
                if misses or result["body_f1"] < 0.99:
                    print(f"  {gold['file']}: misses {misses} body F1 {result['body_f1']:.3f}")
                    for key in misses:
                        print(f"    {key}: got {getattr(prediction, key)!r} want {gold[key]!r}")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        choices=sorted(set(EXTRACTORS) - {"archiver"}),
        help="also score another extractor on the same pages (repeatable)",
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if not args.gold.exists():
        print(f"gold file {args.gold} not found: nothing to measure (skipped)")
        return 0
    scores = evaluate(args.gold, ["archiver", *args.compare], args.verbose)
    print(f"\nGold: {args.gold} ({next(iter(scores.values())).pages} pages)\n")
    print(f"{'extractor':<12} {'title':>7} {'date':>7} {'author':>7} {'views':>7} {'body F1':>8}")
    for name, score in scores.items():
        n = score.pages or 1
        cells = [f"{100 * score.hits[k] / n:6.1f}%" for k in FIELDS]
        mean_f1 = sum(score.f1) / len(score.f1) if score.f1 else 0.0
        print(f"{name:<12} {' '.join(cells)} {mean_f1:8.3f}")
    print("\nTargets: title and date 100 %, author >= 95 %, body F1 >= 0.95 (issue 2).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
