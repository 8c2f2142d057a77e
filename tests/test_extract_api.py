"""``archiver.extract`` is a façade: exactly what its ``__all__`` names, pinned both ways."""

from __future__ import annotations

import importlib
import types

PUBLIC = {"EXTRACTOR_VERSION", "MAX_HTML_CHARS", "Page", "extract", "extract_page", "load_page"}


def test_the_extract_package_exposes_exactly_its_all():
    package = importlib.import_module("archiver.extract")
    exposed = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)  # its modules, once imported
        and name != "annotations"  # (from __future__)
    }
    assert set(package.__all__) == exposed == PUBLIC


def test_the_pipeline_is_what_the_facade_calls():
    package = importlib.import_module("archiver.extract")
    pipeline = importlib.import_module("archiver.extract.pipeline")
    assert package.extract is pipeline.extract
    assert package.EXTRACTOR_VERSION == pipeline.EXTRACTOR_VERSION
