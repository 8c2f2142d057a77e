"""Files for browsing an archive in Datasette: the metadata and the plugins.

    datasette archive.db -m METADATA --plugins-dir PLUGINS

``METADATA`` describes every table, view and column, turns on full-text search for
the ``articles`` table and the ``article_list`` view and adds canned queries. Its
database key is ``archive``, i.e. it applies to a file named ``archive.db``; for
another name use :func:`metadata_for`. ``PLUGINS`` is a directory holding only the
plugins (``vn_fold``: folded search; ``pages``: ranked search by default, highlighted
snippets, view-count charts, folded column descriptions). They import Datasette, so
archiver itself does not import them. ``SETTINGS`` are the Datasette options
``archiver datasette`` adds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["METADATA", "PLUGINS", "SETTINGS", "metadata_for", "schema_markdown"]

_HERE = Path(__file__).parent
METADATA = _HERE / "metadata.json"
PLUGINS = _HERE / "plugins"
#: Datasette options: a cell longer than this many characters is cut (bodies, headers).
SETTINGS = ("--setting", "truncate_cells_html", "240")


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
