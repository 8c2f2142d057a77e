"""The public API is exactly what ``__all__`` names, both ways (as httpx pins its own): every
name listed exists, and every public name a package exposes is listed."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import archiver
import archiver.store

ARCHIVER = {
    "EXTRACTOR_VERSION",
    "FIELDS",
    "Archive",
    "ArchiverError",
    "Article",
    "ConfigError",
    "CrawlError",
    "ExtractError",
    "FetchError",
    "InputError",
    "NotFoundError",
    "ParsedDate",
    "ProfileError",
    "QueryError",
    "SchemaTooNewError",
    "StoreError",
    "__version__",
    "extract",
    "fold",
    "normalize_url",
    "parse_date",
    "parse_iso",
}
STORE = {
    "DEFAULT_PATH",
    "ENV_VAR",
    "MEMORY",
    "Archive",
    "Database",
    "Outcome",
    "ReparseSummary",
    "RunInfo",
    "SaveResult",
    "SearchHit",
    "SiteStats",
    "Stats",
    "ViewCount",
    "default_path",
    "is_postgres",
}


def exposed(package: types.ModuleType) -> set[str]:
    """The public names a package offers (its subpackages and modules aside), including
    those it imports on first use (``archiver.Archive``)."""
    return {
        name
        for name in dir(package)
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(getattr(package, name), types.ModuleType)
        and name != "annotations"  # from __future__ import annotations
    }


@pytest.mark.parametrize(
    ("package", "names"), [(archiver, ARCHIVER), (archiver.store, STORE)], ids=["archiver", "store"]
)
def test_all_is_pinned_and_matches_what_the_package_exposes(package, names):
    assert set(package.__all__) == names
    assert len(package.__all__) == len(names)  # no name listed twice
    assert exposed(package) == names
    for name in names:
        assert hasattr(package, name), name


def test_importing_archiver_for_extraction_does_not_load_the_store():
    code = (
        "import sys, archiver; archiver.extract('<h1>x</h1>', 'https://x.vn/a.html'); "
        "assert 'archiver.store' not in sys.modules and 'httpx' not in sys.modules; "
        "from archiver import Archive; assert Archive.__module__ == 'archiver.store.archive'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_extract_is_the_function_not_the_package():
    # archiver/extract/ is a package; importing its modules must not shadow the function.
    import archiver.extract.dom

    assert callable(archiver.extract)
    html = "<h1>Tin</h1><p>" + "Nội dung bài viết. " * 10 + "</p>"
    article = archiver.extract(html, "https://x.vn/a-1.html")
    assert isinstance(article, archiver.Article)
