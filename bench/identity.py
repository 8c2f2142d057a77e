"""Extraction output, record by record, to prove a refactoring changed nothing.

    python bench/identity.py dump before.json      # every fixture and real page found
    ... move code around ...
    python bench/identity.py compare before.json   # names every page whose record changed
    python bench/identity.py dump fixtures/extract-records.json --fixtures-only

Every page is extracted twice, as shipped (site profiles chosen by URL, or the fixture's
own profile) and with profiles switched off, and each record (the public fields and the
lead) is kept as its JSON text: "identical" means byte for byte. Pages: the fixtures
(``fixtures/``, with their URL, headers, fetch time and profile) and every real page
present on this machine, as if fetched at one fixed instant: ``../shared/realpages``
(with ``more/``) and the pages of ``bench/accuracy.py``'s gold sets (``--pages``,
``ARCHIVER_BENCH_PAGES``).
Absent folders are skipped; the pages never enter the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import DEFAULT_PAGES, gold_sets  # noqa: E402
from extract import REALPAGES, load_corpus  # noqa: E402

#: Real pages are extracted as if fetched at this instant: relative dates ("2 giờ trước")
#: resolve the same way on every run.
FETCHED_AT = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=7)))


@dataclass(frozen=True)
class Case:
    name: str
    html: bytes
    url: str
    headers: dict[str, str] | None = None
    fetched_at: datetime | None = FETCHED_AT
    profile: str | None = None


def fixture_cases(root: Path = FIXTURES) -> Iterator[Case]:
    """The fixture pages with what their specs say to extract them with."""
    for spec_path in sorted(root.rglob("*.json")):
        html = spec_path.with_suffix(".html")
        if not html.exists():
            continue
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        fetched_at = spec.get("fetched_at")
        yield Case(
            f"fixtures/{spec_path.relative_to(root).with_suffix('.html')}",
            html.read_bytes(),
            spec.get("url", "https://example.vn/"),
            spec.get("headers"),
            datetime.fromisoformat(fetched_at) if fetched_at else None,
            spec.get("profile"),
        )


def real_cases(pages: Path) -> Iterator[Case]:
    """Real pages: the shared collection, then every gold set's pages found here."""
    if REALPAGES.exists():
        for name, html, url in load_corpus(REALPAGES):
            yield Case(f"realpages/{name}", html, url)
    seen: set[Path] = set()
    for gold_set in gold_sets(pages):
        if not gold_set.gold.exists():
            continue
        for record in json.loads(gold_set.gold.read_text(encoding="utf-8")):
            for base in gold_set.bases:
                path = base / record["file"]
                if path.is_file():
                    if path not in seen:
                        seen.add(path)
                        yield Case(
                            f"{gold_set.name}/{record['file']}",
                            path.read_bytes(),
                            record.get("url") or "",
                        )
                    break


def records(cases: Iterator[Case]) -> dict[str, str]:
    """Per page and mode, the record as JSON text (sorted keys, the lead included)."""
    from archiver import extract
    from archiver.sites import profile_from_dict

    generic = profile_from_dict({"name": "generic"})
    out: dict[str, str] = {}
    for case in cases:
        for mode, profile in (("profiles", case.profile), ("generic", generic)):
            article = extract(
                case.html,
                case.url,
                headers=case.headers,
                fetched_at=case.fetched_at,
                profile=profile,
            )
            record = {**article.to_dict(), "lead": article.lead}
            out[f"{case.name} [{mode}]"] = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return out


def differences(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """One line per page whose record changed, appeared or disappeared."""
    lines = []
    for key in sorted(before.keys() | now.keys()):
        if key not in now:
            lines.append(f"absent now: {key}")
        elif key not in before:
            lines.append(f"new: {key}")
        elif before[key] != now[key]:
            old, new = json.loads(before[key]), json.loads(now[key])
            fields = [f for f in sorted(old.keys() | new.keys()) if old.get(f) != new.get(f)]
            lines.append(f"changed: {key}: {', '.join(fields)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("dump", "compare"))
    parser.add_argument("file", type=Path, help="the records' JSON file")
    parser.add_argument(
        "--pages",
        type=Path,
        default=Path(os.environ.get("ARCHIVER_BENCH_PAGES", DEFAULT_PAGES)),
        help="folder of the corpus pages (default ../corpus/pages)",
    )
    parser.add_argument(
        "--fixtures-only",
        action="store_true",
        help="only the fixtures (the records tests/test_extract_identity.py compares with)",
    )
    args = parser.parse_args(argv)
    cases = [*fixture_cases(), *(() if args.fixtures_only else real_cases(args.pages))]
    now = records(iter(cases))
    if args.action == "dump":
        text = json.dumps(now, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        args.file.write_text(text, encoding="utf-8")
        print(
            f"{len(now)} records ({len(now) // 2} pages, with and without profiles) -> {args.file}"
        )
        return 0
    before = json.loads(args.file.read_text(encoding="utf-8"))
    lines = differences(before, now)
    for line in lines:
        print(line)
    print(f"{len(now)} records compared with {args.file}: {len(lines)} differ")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
