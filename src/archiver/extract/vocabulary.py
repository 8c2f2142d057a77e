"""The names a page's markup uses: CSS queries for attributes it never names are not run.

A query walks every element under its root once per selector of its list, and a selector
testing an attribute costs most (a news page's tree: ~220,000 instructions for
``[itemprop=headline]``, ~330,000 for ``[aria-hidden=true] > *``), while most pages use no
``itemprop``, ``datetime`` or ``hidden`` attribute at all. The markup's bytes tell in one
search (~60,000 instructions) that such a selector matches nothing, whatever the tree:
attribute names are never written with character references, and the parser and every
later stage only remove elements and attributes, or change text.

The bytes are searched folded (each with its 0x20 bit set: upper-case ASCII letters become
lower-case, while the needles' lower-case letters, digits and "-" keep theirs). Folding may
also turn other bytes into a needle's, which only keeps a selector that matches nothing;
it never drops one that matches. Only the searches that spare more than they cost are
made: a name gates attribute selectors of whole trees, not a tag selector.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

#: What a needle may be made of: bytes that folding leaves as they are.
_NEEDLE = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True, slots=True)
class Part:
    """One selector of a list, and the attribute names it needs (all written in the markup
    for it to match anything; none: it is always queried)."""

    selector: str
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in self.names:
            if not _NEEDLE.fullmatch(name):
                raise ValueError(f"name {name!r}: lower-case ASCII letters, digits and '-' only")


class Vocabulary:
    """The attribute names the markup a tree was parsed from may use (see the module)."""

    __slots__ = ("_folded", "_names", "_queries")

    def __init__(self, folded: bytes | None) -> None:
        #: The markup's bytes folded, or None when unknown: then every name may occur.
        self._folded = folded
        self._names: dict[str, bool] = {}
        self._queries: dict[tuple[Part, ...], str] = {}

    @classmethod
    def of(cls, data: bytes) -> Vocabulary:
        """The vocabulary of markup in an ASCII-compatible encoding (UTF-8, a single-byte
        code page), as the parser was given it or as it was decoded from."""
        return cls((np.frombuffer(data, dtype=np.uint8) | 0x20).tobytes())

    def may_name(self, name: str) -> bool:
        """An attribute (or element) may be named ``name``, or a name holding it."""
        if self._folded is None:
            return True
        found = self._names.get(name)
        if found is None:
            # (A name holding one the markup never writes is not written either: "data-role"
            # once "role" was searched for in vain; no search of the whole page again.)
            found = self._names[name] = not any(
                part in name for part, written in self._names.items() if not written
            ) and (name.encode() in self._folded)
        return found

    def query(self, parts: Sequence[Part]) -> str:
        """The selector list of the ``parts`` that may match something here ("" for none):
        it lists what the whole list would (a selector matching nothing adds nothing)."""
        key = tuple(parts)
        found = self._queries.get(key)
        if found is None:
            found = self._queries[key] = ", ".join(
                part.selector for part in parts if all(map(self.may_name, part.names))
            )
        return found

    def css(self, root: LexborHTMLParser | LexborNode, parts: Sequence[Part]) -> list[LexborNode]:
        """``root.css`` of the ``parts`` that may match here (no query when none may)."""
        selector = self.query(parts)
        return root.css(selector) if selector else []


#: The vocabulary of markup nothing is known of: every selector is run.
UNKNOWN = Vocabulary(None)
