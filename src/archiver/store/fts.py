"""The full-text index: an FTS5 table over ``articles`` that other tools recognise and can search.

``articles_fts`` is an *external-content* FTS5 table (``content="articles"``): what it
returns for a column — and what ``snippet()`` and ``highlight()`` cut from — is the
article's own text, accents and all, read from ``articles``; what it indexes is
written by the archive's single writer (:func:`index_text`), never by FTS5 itself:

- the folded text (:func:`archiver.store.folding.index_fold`: lower case, no
  diacritics, đ as d, one character per character, so the tokens sit at the
  positions FTS5 finds when it tokenizes the original text for a snippet);
- then, once each, the column's words that hold a đ, as written (``Đà``, ``được``).

FTS5's ``unicode61 remove_diacritics 2`` tokenizer removes every other diacritic from
a query, but has no mode that folds đ. So a folded query (``da nang``, what
``archiver search`` sends) matches the folded text, and a query typed with đ in a
plain ``sqlite3`` shell, sqlite-utils, pandas or Datasette (``MATCH 'Đà Nẵng'`` → the
tokens ``đa`` and ``nang``) finds ``đa`` among the đ-words. The đ-words come after
the text, so a *phrase* typed with đ (``'"Đà Nẵng"'``) does not match: fold it
(``"da nang"``) or wrap the query in ``replace(replace(?, 'Đ', 'D'), 'đ', 'd')``.
Keeping each đ-word once costs a few per cent of index size and leaves the doclists
of every other token, hence ``archiver search``, as they were.

Because the index is not FTS5's own tokenization of ``articles``, FTS5 commands that
rebuild it from the content table (``'rebuild'``, ``sqlite-utils rebuild-fts``,
``enable-fts --replace``) would lose the đ folding: the archive rebuilds it with
:func:`archiver.store.indexes.rebuild_fts` instead. To add a column (as schema
version 6 added ``captions``), append it to :data:`FTS_COLUMNS` (the ``articles`` column
of the same name is its content) and recreate the table in a new migration that marks
the probe stale, so that the index is rebuilt (as :mod:`archiver.store.migrations.v6` does).
"""

from __future__ import annotations

import re

from archiver.store.folding import index_fold
from archiver.store.schema import FTS_TABLE

__all__ = ["FTS_COLUMNS", "FTS_TABLE", "index_text"]

#: The indexed columns: each is also the ``articles`` column FTS5 reads its text from.
#: (``captions`` holds a JSON list: its brackets, quotes and commas are not words, so the
#: index holds the captions' words, and a snippet shows the list as stored.)
FTS_COLUMNS: tuple[str, ...] = ("title", "lead", "body", "captions")
TOKENIZER = "unicode61 remove_diacritics 2"

_WORD = re.compile(r"[^\W_]+")
_D = re.compile("[đĐ]")


def index_text(
    text: str | None, folded: str | None = None, d_words: list[str] | None = None
) -> str:
    """What the index holds for one column of text: the folded text, then its đ-words once.

    ``folded`` is ``index_fold(text)`` when the caller has it already, ``d_words`` the
    đ-words :func:`archiver.store.folding.fold_for_index` found (None: not known).

    >>> index_text("Đà Nẵng đã được 2 đồng đô")
    'da nang da duoc 2 dong do đà đã được đồng đô'
    """
    if not text:
        return ""
    if folded is None:
        folded = index_fold(text)
    if d_words is not None:
        return f"{folded} {' '.join(d_words)}" if d_words else folded
    if "đ" not in text and "Đ" not in text:
        return folded
    return f"{folded} {' '.join(_d_words(text, folded))}"


def _d_words(text: str, folded: str) -> dict[str, None]:
    """The words of ``text`` holding a đ, lower-cased, once each, in order of appearance."""
    found: dict[str, None] = {}
    if len(folded) == len(text):
        # Folding keeps one character per character and turns every non-word character
        # into a space, so a word's bounds around each đ are two C-speed searches away.
        for match in _D.finditer(text):
            start = folded.rfind(" ", 0, match.start()) + 1
            end = folded.find(" ", match.end())
            found[text[start : end if end >= 0 else len(text)].lower()] = None
        return found
    for chunk in dict.fromkeys(text.lower().split()):  # rare: text outside the fast path
        if "đ" in chunk:
            found.update((word, None) for word in _WORD.findall(chunk) if "đ" in word)
    return found
