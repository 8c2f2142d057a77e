"""Search queries: the user's syntax, checked, translated to FTS5 and matched against original text.

Syntax: words (implicit AND), ``"phrases"``, ``AND``, ``OR``, ``NOT`` (upper case,
``NOT`` binds tightest, then ``AND``, then ``OR``), parentheses, prefixes
(``thu*``, ``"thu tuo"*``) and column filters (``title:bão``, ``lead:"Đà Nẵng"``,
``captions:"toàn cảnh"``).
Every word is folded (``Đà Nẵng`` → ``da nang``) and quoted before it reaches
FTS5, so the MATCH string is always well formed and nothing the user types is
ever SQL: it travels as a bound parameter. Mistakes raise :class:`QueryError`
with a line that says what to type instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from archiver.errors import QueryError
from archiver.store.folding import index_fold
from archiver.text import tone_key

__all__ = ["And", "Not", "Or", "Query", "Term", "parse", "with_column"]

COLUMNS = ("title", "lead", "body", "captions")
_OPERATORS = ("AND", "OR", "NOT")
_COLUMN_PREFIX = re.compile(r"(title|lead|body|captions):(.*)", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase: its folded words, the words as typed (lower-cased), prefix, column."""

    words: tuple[str, ...]
    typed: tuple[str, ...]
    prefix: bool = False
    column: str | None = None

    def fts(self) -> str:
        phrase = '"' + " ".join(self.words).replace('"', '""') + '"' + ("*" if self.prefix else "")
        return f"{self.column} : {phrase}" if self.column else phrase

    def pattern(self) -> str:
        """A regex for this term in folded text (words separated by spaces)."""
        body = " +".join(map(re.escape, self.words))
        return r"(?<!\S)" + body + ("" if self.prefix else r"(?!\S)")

    def exact(self, original: str) -> bool:
        """Whether a matched span of original text has this term's diacritics.

        Case and tone placement (hòa/hoà) do not matter.
        """
        found = _WORD.findall(original)
        if len(found) != len(self.typed):
            return False
        typed = _tone_keys(self.typed)
        return all(tone_key(a) == b for a, b in zip(found, typed, strict=True))


@lru_cache(maxsize=256)
def _tone_keys(words: tuple[str, ...]) -> tuple[str, ...]:
    """A term's typed words compared with every match: keyed once per query."""
    return tuple(tone_key(word) for word in words)


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]

    def fts(self) -> str:
        return "(" + " AND ".join(item.fts() for item in self.items) + ")"

    def phrase(self) -> Term | None:
        """The words of an all-plain-words AND as one phrase, or None."""
        words: list[str] = []
        typed: list[str] = []
        column = None
        for item in self.items:
            if not isinstance(item, Term) or item.prefix:
                return None
            if column is not None and item.column != column:
                return None
            column = item.column
            words += item.words
            typed += item.typed
        return Term(tuple(words), tuple(typed), False, column)


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]

    def fts(self) -> str:
        return "(" + " OR ".join(item.fts() for item in self.items) + ")"


@dataclass(frozen=True, slots=True)
class Not:
    keep: Node
    drop: Node

    def fts(self) -> str:
        return f"({self.keep.fts()} NOT {self.drop.fts()})"


Node = Term | And | Or | Not


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the tree, its FTS5 MATCH string and the terms a match must show."""

    text: str
    root: Node

    @property
    def fts(self) -> str:
        """The FTS5 MATCH string."""
        return self.root.fts()

    @property
    def phrase(self) -> Term | None:
        """For a query of plain words (``da nang``), those words as a phrase: pages that have
        the phrase rank first, so *Đà Nẵng* comes before pages saying *đã* and *năng*."""
        return self.root.phrase() if isinstance(self.root, And) else None

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Terms outside any ``NOT`` right-hand side, plus phrases of plain word runs.

        These are what a snippet highlights; a phrase outranks its separate words.
        """
        return tuple(dict.fromkeys(_positive(self.root)))


def _positive(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _positive(node.keep)
    else:
        if isinstance(node, And) and (phrase := node.phrase()) is not None:
            yield phrase
        for item in node.items:
            yield from _positive(item)


def evaluate(node: Node, present: dict[Term, bool]) -> bool:
    """The query's truth for one article, given which terms it contains."""
    if isinstance(node, Term):
        return present.get(node, False)
    if isinstance(node, Not):
        return evaluate(node.keep, present) and not evaluate(node.drop, present)
    if isinstance(node, And):
        return all(evaluate(item, present) for item in node.items)
    return any(evaluate(item, present) for item in node.items)


def all_terms(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from all_terms(node.keep)
        yield from all_terms(node.drop)
    else:
        for item in node.items:
            yield from all_terms(item)


# -- lexing --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "op", "(", ")"
    text: str = ""
    prefix: bool = False
    column: str | None = None


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    column: str | None = None
    pos, size = 0, len(query)
    while pos < size:
        char = query[pos]
        if char.isspace():
            pos += 1
            continue
        if char == '"':
            end = query.find('"', pos + 1)
            if end < 0:
                raise QueryError(f'unbalanced quote in {query!r}: close the phrase with a second "')
            prefix = query.startswith("*", end + 1)
            tokens.append(_Token("phrase", query[pos + 1 : end], prefix, column))
            column, pos = None, end + 1 + prefix
            continue
        if char in "()":
            tokens.append(_Token(char, column=column))
            column, pos = None, pos + 1
            continue
        end = pos
        while end < size and not query[end].isspace() and query[end] not in '"()':
            end += 1
        word = query[pos:end]
        pos = end
        if word in _OPERATORS:
            if column:
                raise QueryError(f"{column}: must be followed by a word or phrase, not {word}")
            tokens.append(_Token("op", word))
            continue
        if match := _COLUMN_PREFIX.fullmatch(word):
            column, word = match.group(1).lower(), match.group(2)
            if not word:
                continue
        tokens.append(_Token("word", word.rstrip("*"), word.endswith("*"), column))
        column = None
    if column:
        raise QueryError(f"{column}: must be followed by a word or phrase")
    return tokens


def _term(token: _Token) -> Term | None:
    typed = tuple(_WORD.findall(unicodedata.normalize("NFC", token.text).lower()))
    words = tuple(index_fold(" ".join(typed)).split())
    if not words:
        return None
    return Term(words, typed, token.prefix, token.column)


# -- parsing -------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, message: str) -> QueryError:
        return QueryError(f"{message} (in {self.text!r})")

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            if token.kind == ")":
                raise self.fail("unbalanced parenthesis: ')' without a matching '('")
            raise self.fail(f"unexpected {token.text or token.kind!r}")
        if node is None:
            raise QueryError(
                f"nothing to search for in {self.text!r}: type a word with letters or digits"
            )
        return node

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while (token := self.peek()) and token.kind == "op" and token.text == "OR":
            self.take()
            items.append(self.operand("OR", self.parse_and))
        return _combine(Or, items)

    def parse_and(self) -> Node | None:
        items = [self.parse_not()]
        while (token := self.peek()) and (
            token.kind in ("word", "phrase", "(") or token.text == "AND"
        ):
            if token.text == "AND":
                self.take()
                items.append(self.operand("AND", self.parse_not))
            else:
                items.append(self.parse_not())
        return _combine(And, items)

    def parse_not(self) -> Node | None:
        node = self.parse_primary()
        while (token := self.peek()) and token.kind == "op" and token.text == "NOT":
            self.take()
            drop = self.operand("NOT", self.parse_primary)
            if node is None:
                raise self.fail(
                    "NOT needs a word before it, e.g. 'bão NOT lũ' "
                    "(it excludes words, it cannot stand alone)"
                )
            node = Not(node, drop)
        return node

    def operand(self, operator: str, parse: Callable[[], Node | None]) -> Node:
        node = parse()
        if node is None:
            raise self.fail(f"{operator} needs a word or phrase after it")
        return node

    def parse_primary(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token.kind == "op":
            if token.text == "NOT":
                return None  # parse_not reports the missing left-hand side
            raise self.fail(
                f"{token.text} needs a word or phrase on each side, e.g. 'bão {token.text} lũ'"
            )
        if token.kind == ")":
            return None
        self.take()
        if token.kind == "(":
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise self.fail("unbalanced parenthesis: '(' without a matching ')'")
            self.take()
            if node is None:
                raise self.fail("empty parentheses")
            return with_column(node, token.column) if token.column else node
        return _term(token)


def _combine(kind: type[And] | type[Or], items: list[Node | None]) -> Node | None:
    kept = [item for item in items if item is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kind(tuple(kept))


def with_column(node: Node, column: str) -> Node:
    """``node`` with every term not limited to a column limited to ``column``."""
    if isinstance(node, Term):
        return Term(node.words, node.typed, node.prefix, node.column or column)
    if isinstance(node, Not):
        return Not(with_column(node.keep, column), with_column(node.drop, column))
    return type(node)(tuple(with_column(item, column) for item in node.items))


def parse(text: str) -> Query:
    """Check and translate a user query; raises :class:`QueryError` with a friendly line."""
    if not text or not text.strip():
        raise QueryError("empty query: type a word, a \"phrase\" or e.g. 'bão AND lũ'")
    if len(text) > 1000:
        raise QueryError("query too long (over 1,000 characters)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A terminal in a non-UTF-8 locale, or bytes pasted from a broken file.
        raise QueryError(
            "the query holds bytes that are not text (check the terminal's encoding)"
        ) from None
    tokens = _lex(text)
    return Query(text, _Parser(text, tokens).parse())
