"""Datasette plugin: archive pages people want to read.

- A search from the ``articles`` table or the ``article_list`` view (``?_search=``)
  goes to the ranked canned query ``search`` (best match first, with snippets),
  unless a sort order was asked for (``_sort``/``_sort_desc`` keep Datasette's own
  filter-and-sort search).
- Search snippets show their matches highlighted (``<mark>``).
- A title in ``article_list`` or the search results links to the article's page.
- A view count links to the chart of the article's view counts over time (the
  ``view_count_series`` query, drawn as a line by datasette-vega when installed).
- Column descriptions fold into a closed "Column descriptions" box above the table
  instead of filling the first screen.

Long cells are cut by Datasette's ``truncate_cells_html`` setting, which
``archiver datasette`` sets.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

#: Pages whose search box runs the ranked search.
SEARCHED = ("articles", "article_list")
#: snippet() markers of the canned search query (private-use characters, never in text).
MARK_START, MARK_END = "\ue000", "\ue001"
#: datasette-vega reads its chart settings from the URL fragment.
CHART = "#" + urlencode(
    {
        "g.mark": "line",
        "g.x_column": "observed_at",
        "g.x_type": "temporal",
        "g.y_column": "view_count",
        "g.y_type": "quantitative",
    }
)


def _ranked_search_location(scope: dict[str, Any], base_url: str) -> str | None:
    """Where a table search of ``scope`` should go instead, if anywhere."""
    if scope.get("type") != "http" or scope.get("method", "GET") != "GET":
        return None
    path = scope.get("path", "")
    if base_url != "/" and path.startswith(base_url):
        path = "/" + path[len(base_url) :]
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] not in SEARCHED:
        return None
    query = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    words = (query.get("_search") or [""])[0].strip()
    if not words or "_sort" in query or "_sort_desc" in query:
        return None
    site = (query.get("site") or query.get("site__exact") or [""])[0]
    return f"{base_url.rstrip('/')}/{parts[0]}/search?{urlencode({'q': words, 'site': site})}"


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def redirecting(scope: dict[str, Any], receive: Any, send: Any) -> None:
            location = _ranked_search_location(scope, datasette.setting("base_url") or "/")
            if location is None:
                await app(scope, receive, send)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", location.encode("utf-8"))],
                }
            )
            await send({"type": "http.response.body", "body": b""})

        return redirecting

    return wrap


def _has(row: Any, key: str) -> bool:
    try:
        return key in row.keys()  # noqa: SIM118 - `in` on a sqlite3.Row looks at values
    except AttributeError:
        return False


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if column == "snippet" and isinstance(value, str) and MARK_START in value:
        marked = str(escape(value)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        return Markup(marked)
    if not _has(row, "id"):
        return None
    # Rows of an article: the view, the table, or the canned search (which has a snippet).
    listed = table == "article_list" or (table is None and _has(row, "snippet"))
    if column == "title" and isinstance(value, str) and listed:
        url = datasette.urls.row(database, "articles", str(row["id"]))
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if column == "view_count" and isinstance(value, int) and (listed or table == "articles"):
        url = datasette.urls.path(
            f"{database}/view_count_series?{urlencode({'article_id': row['id']})}"
        )
        return Markup(
            f'<a href="{escape(url + CHART)}" title="view counts over time">{value:,}</a>'
        )
    return None


_FOLD_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (list) {
  var box = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "Column descriptions (" + list.querySelectorAll("dt").length + ")";
  box.className = "archiver-column-descriptions";
  list.parentNode.insertBefore(box, list);
  box.appendChild(summary);
  box.appendChild(list);
});
"""


@hookimpl
def extra_body_script(template: str) -> str | None:
    return _FOLD_DESCRIPTIONS if template == "table.html" else None
