"""Instructions of extraction, or of one of its stages, on the real pages (for callgrind).

    PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=_operator_call python bench/extract_count.py \\
        [--generic] [--stage all|STAGE] [--corpus DIR] [--src OTHER/src]

Every page of ``--corpus`` (default ``../shared/realpages``, as ``bench/extract.py``)
is extracted as ``bench/extract.py`` times it (bytes in, record out; site profiles
chosen by URL, or none with ``--generic``): once uncounted, so imports, caches and
selectolax's set-up are warm, then once inside ``operator.call``, which callgrind's
``--toggle-collect`` counts. ``--stage`` counts only the calls of one stage's functions
instead (``--list`` prints them; a stage's call inside another of the same stage is
counted once). Divide callgrind's total by the pages (printed). One run a stage:
inclusive counts of C functions inside Python's recursive evaluation loop are not to be
trusted. ``--src`` runs another tree's code (its ``src`` first on the path). Without
valgrind, ``operator.call`` is an ordinary call.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import operator
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from extract import REALPAGES, load_corpus  # noqa: E402
from toggle import Toggle  # noqa: E402

ALL = "all"
#: A stage's label and the functions it counts (module, attribute; "Class.method" for a
#: method). A function imported by name elsewhere is replaced wherever it was imported.
STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "load_page": (("archiver.extract.page", "load_page"),),
    "cut": (("archiver.extract.page", "cut_unread"),),
    "decode": (("archiver.extract.page", "decode_html"),),
    "parse": (("archiver.extract.dom", "parse"),),
    "legacy": (
        ("archiver.extract.page", "may_contain_legacy"),
        ("archiver.extract.page", "convert_legacy_text"),
    ),
    "vocabulary": (("archiver.extract.vocabulary", "Vocabulary.of"),),
    "metadata": (("archiver.extract.page", "read_metadata"),),
    "prepare": (("archiver.extract.dom", "prepare"),),
    "profile": (("archiver.sites", "ProfileRegistry.for_page"),),
    "extract_page": (("archiver.extract.pipeline", "extract_page"),),
    "headline": (
        ("archiver.extract.pipeline", "Extraction.headline"),
        ("archiver.extract.pipeline", "Extraction.headline_before_body"),
    ),
    "roles": (("archiver.extract.roles", "Roles.__init__"),),
    "chrome": (("archiver.extract.pipeline", "find_chrome"),),
    "teasers": (("archiver.extract.content", "find_teasers"),),
    "container": (("archiver.extract.pipeline", "choose_container"),),
    "timestamps": (("archiver.extract.pipeline", "Extraction.timestamps"),),
    "listing": (("archiver.extract.pipeline", "Extraction.plainly_listing"),),
    "lead": (("archiver.extract.pipeline", "Extraction.lead"),),
    "byline": (("archiver.extract.pipeline", "Extraction.byline"),),
    "views": (("archiver.extract.pipeline", "Extraction.views"),),
    "reading": (("archiver.extract.pipeline", "Extraction.reading"),),
    "read_body": (("archiver.extract.pipeline", "read_body"),),
    "captions": (("archiver.extract.captions", "find_captions"),),
    "closing": (("archiver.extract.pipeline", "Extraction.closing_lines"),),
    "body_rest": (
        ("archiver.extract.pipeline", "Extraction.body"),
        ("archiver.extract.pipeline", "Extraction.declared_body"),
    ),
    "article": (("archiver.extract.pipeline", "Extraction.article"),),
    "language": (("archiver.extract.pipeline", "detect_language"),),
    "clean": (("archiver.text", "clean"),),
    "element_ids": (("archiver.extract.content", "element_ids"),),
}


def _replace(module_name: str, attribute: str, wrap: Any) -> None:
    """Wrap a function or method, and the same function wherever it was imported by name."""
    module = importlib.import_module(module_name)
    owner_name, _, name = attribute.rpartition(".")
    if owner_name:
        owner = getattr(module, owner_name)
        original = getattr(owner, name)
        if isinstance(owner.__dict__.get(name), staticmethod | classmethod):
            kind = type(owner.__dict__[name])
            setattr(owner, name, kind(wrap(owner.__dict__[name].__func__)))
        else:
            setattr(owner, name, wrap(original))
        return
    original = getattr(module, name)
    wrapped = wrap(original)
    for loaded in list(sys.modules.values()):
        if getattr(loaded, "__name__", "").startswith("archiver") and (
            getattr(loaded, name, None) is original
        ):
            setattr(loaded, name, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REALPAGES)
    parser.add_argument("--generic", action="store_true", help="site profiles switched off")
    parser.add_argument("--stage", default=ALL, choices=[ALL, *STAGES], metavar="STAGE")
    parser.add_argument("--list", action="store_true", help="print the stages")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    if args.list:
        print("\n".join([ALL, *STAGES]))
        return
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != (ROOT / "src").resolve()]
    sys.path.insert(0, str(args.src.resolve()))
    import archiver.extract.pipeline  # (every module the stages name)
    import archiver.sites
    from archiver import extract

    pages = load_corpus(args.corpus)
    if not pages:
        print(f"no pages under {args.corpus}")
        return
    profile = archiver.sites.profile_from_dict({"name": "generic"}) if args.generic else None
    toggle = Toggle()

    if args.stage != ALL:
        for module_name, attribute in STAGES[args.stage]:
            _replace(module_name, attribute, toggle.wrap)

    def run(html: bytes, url: str) -> object:
        return extract(html, url, profile=profile)

    for _, html, url in pages:
        run(html, url)  # warm: imports, caches, lazy set-up
    gc.collect()
    gc.disable()  # as bench/extract.py times each page
    toggle.on = True
    for _, html, url in pages:
        if args.stage == ALL:
            operator.call(run, html, url)
        else:
            run(html, url)
    toggle.on = False
    print(f"{len(pages)} pages counted ({'generic only' if args.generic else 'profiles'})")


if __name__ == "__main__":
    main()
