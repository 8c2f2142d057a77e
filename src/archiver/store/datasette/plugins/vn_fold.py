"""Datasette plugin: search an archiver archive without caring about diacritics or đ.

Registers two SQL functions on every connection Datasette opens:

- ``vn_fold(text)``: the folded form the full-text index holds (``'Đà Nẵng'`` → ``'da nang'``);
- ``vn_fts(query)``: an ``archiver search`` query (words, ``"phrases"``, ``AND``/``OR``/``NOT``,
  ``prefix*``) as a folded FTS5 MATCH string, used by the canned query ``search``;
- ``vn_phrase(query)``: the words of a plain-words query as one phrase, which the
  canned query ranks first, as ``archiver search`` does;

and, on databases that have an ``articles_fts`` index, replaces Datasette's own
``escape_fts()`` with ``vn_fts`` so the search box of the ``articles`` table folds
too. ``archiver datasette`` starts Datasette with this plugin and the metadata;
by hand (in the environment where archiver is installed)::

    datasette archive.db -m <archiver>/store/datasette/metadata.json \
        --plugins-dir <archiver>/store/datasette/plugins
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from archiver.errors import QueryError
from archiver.store.folding import index_fold
from archiver.store.query import parse


def vn_fold(text: str | None) -> str | None:
    return None if text is None else index_fold(text)


def vn_fts(query: str | None) -> str:
    """The FTS5 MATCH string for ``query``; a query that does not parse is searched word by word."""
    try:
        return parse(query or "").fts
    except QueryError:
        return " ".join(f'"{word}"' for word in index_fold(query or "").split()) or '""'


def vn_phrase(query: str | None) -> str:
    """For a query of plain words, those words as one phrase (the pages ``archiver search``
    ranks first); for any other query the query itself, so every match ranks alike."""
    try:
        parsed = parse(query or "")
    except QueryError:
        return vn_fts(query)
    phrase = parsed.phrase
    return phrase.fts() if phrase is not None else parsed.fts


def _is_archive(conn: sqlite3.Connection) -> bool:
    try:
        return (
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
            is not None
        )
    except sqlite3.Error:
        return False


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so ours replaces it
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("vn_fold", 1, vn_fold, deterministic=True)
    conn.create_function("vn_fts", 1, vn_fts, deterministic=True)
    conn.create_function("vn_phrase", 1, vn_phrase, deterministic=True)
    if _is_archive(conn):
        conn.create_function("escape_fts", 1, vn_fts, deterministic=True)
