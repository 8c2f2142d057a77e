"""Files for browsing an archive in Datasette: the metadata and the ``vn_fold`` plugin.

    datasette archive.db -m METADATA --plugins-dir PLUGINS

``METADATA`` describes every table and column, turns on full-text search for the
``articles`` table and adds canned queries. Its database key is ``archive``, i.e.
it applies to a file named ``archive.db``; for another name use
:func:`metadata_for`. ``PLUGINS`` is a directory holding only the plugin (it
imports Datasette, so it is not imported by archiver itself).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["METADATA", "PLUGINS", "metadata_for", "schema_markdown"]

_HERE = Path(__file__).parent
METADATA = _HERE / "metadata.json"
PLUGINS = _HERE / "plugins"


def metadata_for(database_name: str) -> dict[str, Any]:
    """The metadata with its database key set to ``database_name`` (the file name without .db)."""
    data = json.loads(METADATA.read_text(encoding="utf-8"))
    data["databases"] = {database_name: data["databases"]["archive"]}
    return data


def schema_markdown(level: int = 4) -> str:
    """The tables and columns, as Markdown, from the same descriptions Datasette shows."""
    tables = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["tables"]
    out: list[str] = []
    for name, table in tables.items():
        out += [f"{'#' * level} `{name}`", "", table["description"], ""]
        columns = table.get("columns", {})
        if columns:
            out += ["| column | meaning |", "| --- | --- |"]
            out += [f"| `{column}` | {text} |" for column, text in columns.items()]
            out.append("")
    return "\n".join(out)
