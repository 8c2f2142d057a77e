"""Who wrote the article, whose it is and how often it was read: the byline and view stages.

A mixin of the extraction (:class:`archiver.extract.pipeline.Extraction`): the byline from the
profile's selectors or byline-styled elements near the article (co-authors joined, a
header byline that hides co-authors replaced by the full one closing the text, an
agency credit kept as the source), then metadata; the view count from the profile's
selectors or a "Lượt xem" line near the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.dates import find_dates
from archiver.extract import byline
from archiver.extract.dom import (
    BLOCK_TAGS,
    BR,
    SKIP_TAGS,
    TEXT_ID,
    Block,
    ancestors,
    blocks_at,
    matching_texts,
    region_of,
    tag_ids,
    text_of,
)
from archiver.extract.metadata import Metadata
from archiver.extract.roles import Roles
from archiver.extract.vocabulary import Part, Vocabulary
from archiver.text import clean

if TYPE_CHECKING:
    from archiver.sites import Profile


#: Elements that say they name the author: links to an author's page ("/tac-gia/minh-anh-123
#: .html", "/author/jane-doe"), however their box is named, and schema.org and rel marks.
_AUTHOR_LINKS = (
    "a[href*='/tac-gia/'], a[href*='/tacgia/'], a[href*='/author/'], a[href*='/authors/']"
)
_AUTHOR_MARKS = (Part("[rel=author]"), Part("[itemprop=author]", names=("itemprop",)))
#: Elements that set a line of their own in a box.
_LINE_TAGS = frozenset({"div", "p", "li", "h3", "h4", "h5", "h6"})
#: Class names of a line set flush right ("text-right", "pull-right", "align-right").
_RIGHT_CLASS = re.compile(r"(?:^|[\s_-])(?:text|pull|align|float)?-?right(?:$|[\s_-])", re.I)


class PeopleStages:
    """Byline, credit and view count; expects the attributes of an extraction."""

    tree: LexborHTMLParser
    meta: Metadata
    profile: Profile | None
    outlets: list[str]
    title_node: LexborNode | None
    byline_credit: str | None
    roles: Roles
    chrome_ids: set[int]
    _profile_says: Callable[[str], tuple[str, ...]]
    _warn_fallback: Callable[..., None]
    vocabulary: Vocabulary

    def _byline(
        self, container: LexborNode | None, body_source: str
    ) -> tuple[str | None, str | None, LexborNode | None]:
        """(raw byline, author, element) from the profile's selectors or byline-styled elements.

        A profile that finds the body but names no author selector says the site prints no
        byline element: the page-wide search is skipped (a closing name line is still read).
        """
        found = self._profile_byline()
        if found is not None:
            return found
        selectors = self._profile_says("author")
        if container is None or (not selectors and body_source == "profile"):
            return None, None, None
        # Near the article: inside the element holding the headline and the body, or within
        # three levels above the body.
        region = region_of(self.title_node, container)
        near = {container.mem_id, *(p.mem_id for p in list(ancestors(container))[:3])}
        scope = container
        if region is not None and region.tag not in ("body", "html"):
            near.add(region.mem_id)
            scope = region
        # Links to a writer's page are looked for last, and only from the headline to the
        # end of the text (a substring selector on every link of a page costs more than
        # the rest of this search).
        lines: list[tuple[str, LexborNode]] = []
        boxed: tuple[str, str, LexborNode] | None = None
        for group in (
            lambda: [*self.roles["byline"], *self.vocabulary.css(self.tree, _AUTHOR_MARKS)],
            lambda: scope.css(_AUTHOR_LINKS),
        ):
            for node in group():
                if node.mem_id in self.chrome_ids or not any(
                    p.mem_id in near for p in ancestors(node)
                ):
                    continue
                raw = _byline_text(node)
                name = byline.parse_byline(raw, outlets=self.outlets)
                if name is None and boxed is None:
                    boxed = self._author_box(node, raw)
                if name is not None:
                    self._note_signature(raw)
                    return (*self._co_authors(node, raw, name), node)
                self._note_credit(raw)
                lines.append((raw, node))
        # No element names the writer alone: one that gives the date too ("Thu Hà |
        # 12/05/2025 15:20"), its name of two words or more (not a section: "Kultur | 19.10.19").
        for raw, node in lines:
            name = byline.name_in_meta_line(raw, outlets=self.outlets)
            if name is not None and len(name.split()) >= 2:
                return raw, name, node
        if boxed is not None:
            return boxed
        return self._labelled_byline(scope, container)

    def _author_box(self, node: LexborNode, raw: str) -> tuple[str, str, LexborNode] | None:
        """An author box built of lines, the writer's name first, then the writer's job and
        the date ("Minh Anh (37)" / "Chuyên gia truyền thông" / "29/06/2018 22:40"), or the
        name, then the writer's bio ("Nguyễn Văn An" / "Phóng viên mảng kinh tế, …"): (the
        name line, the writer, the box). Asked only when no element names the writer alone,
        and only of a box that gives the date or a bio (a section's or a job's name heads
        others)."""
        lines = _first_lines(node)
        if not lines or lines[0] == raw:
            return None
        first = lines[0]
        if not find_dates(raw) and not (len(lines) > 1 and byline.is_bio(lines[1])):
            return None
        name = byline.parse_byline(first, outlets=self.outlets)
        if name is None or len(name.split()) < 2:
            return None
        return first, name, node

    def _labelled_byline(
        self, scope: LexborNode, container: LexborNode
    ) -> tuple[str | None, str | None, LexborNode | None]:
        """A line of the article's header or foot that names the writer after a label, alone
        or beside the date and the views ("Tác giả: Thu Hà", "Ngày đăng: 12/05/2025 | Tác
        giả: Thu Hà | Lượt xem: 1.234"), in no element marked as a byline (portals). The
        text's own closing lines are read apart (:meth:`_trailing_byline`)."""
        texts, hits = matching_texts(scope, byline.label_positions)
        skip = {*self.chrome_ids, container.mem_id}
        for block in blocks_at(scope, texts, hits, skip):
            labelled = byline.is_labelled(block.text)
            name = byline.parse_byline(block.text, outlets=self.outlets) if labelled else None
            if name is None:
                name = byline.name_in_meta_line(block.text, outlets=self.outlets, labelled=True)
            if name is not None:
                return block.text, name, block.node
        return None, None, None

    def _profile_byline(self) -> tuple[str, str, LexborNode] | None:
        """(raw byline, author, element) from the profile's author selectors; when they name
        no one, a warning says so (the generic search follows)."""
        first_abbreviated: tuple[str, str, LexborNode] | None = None
        selectors = self._profile_says("author")
        matched_text = False
        for selector in selectors:
            for node in self.tree.css(selector):
                raw = text_of(node)
                matched_text = matched_text or bool(raw)
                name = byline.parse_byline(raw, outlets=self.outlets)
                if name is None:
                    self._note_credit(raw)
                    continue
                if byline.is_abbreviated(raw):
                    first_abbreviated = first_abbreviated or (raw, name, node)
                    continue
                self._note_signature(raw)
                return raw, name, node
        if first_abbreviated is not None:
            return first_abbreviated
        if selectors:
            # "Theo TTXVN" matched but credits an agency: say so, not "matched nothing".
            self._warn_fallback("author", "no person's name" if matched_text else "nothing")
        return None

    def _co_authors(self, link: LexborNode, raw: str, name: str) -> tuple[str, str]:
        """A link to a writer's page and its siblings linking to others' pages: every writer
        ("Minh Anh, Thu Hà" as two links is "Minh Anh - Thu Hà")."""
        parent = link.parent
        if link.tag != "a":
            return self._writers_run_together(link, raw, name)
        if parent is None:
            return raw, name
        names: list[str] = []
        for sibling in parent.css(_AUTHOR_LINKS):
            if sibling.parent is None or sibling.parent.mem_id != parent.mem_id:
                continue
            person = byline.parse_byline(text_of(sibling), outlets=self.outlets)
            if person is not None and person not in names:
                names.append(person)
        if len(names) < 2 or name not in names:
            return raw, name
        return " - ".join(names), " - ".join(names)

    def _writers_run_together(self, node: LexborNode, raw: str, name: str) -> tuple[str, str]:
        """A byline element whose children each name a writer, with nothing between them
        (``<a>Minh Anh</a><a>Thu Hà</a>``, a line each: a minified page runs the names
        together, "Minh AnhThu Hà"): every writer, as two links with a separator give them."""
        texts = [text for text in map(text_of, node.iter()) if text]  # (no avatar, no icon)
        if len(texts) < 2 or "".join(texts) != text_of(node):  # (raw: the lines set apart)
            return raw, name
        names: list[str] = []
        for text in texts:
            person = byline.parse_byline(text, outlets=self.outlets)
            if person is None or len(person.split()) < 2:
                return raw, name  # (not a name each: a name's parts, a job, a date)
            names.append(person)
        joined = " - ".join(dict.fromkeys(names))
        return joined, joined

    def _note_credit(self, raw: str) -> None:
        """A byline element that credits an outlet ("Theo TTXVN") names the source."""
        if self.byline_credit is None and raw:
            self.byline_credit = byline.parse_credit(raw, outlets=self.outlets)

    def _note_signature(self, raw: str) -> None:
        """A byline that names the writer's outlet too ("Minh Anh (theo Reuters)") credits it."""
        signed = byline.split_signature(raw, outlets=self.outlets)
        if signed is not None and signed[1] and self.byline_credit is None:
            self.byline_credit = signed[1]

    def _trailing_byline(
        self, blocks: list[Block], author_raw: str | None
    ) -> tuple[str | None, str | None, list[Block]]:
        """A short bold or right-aligned name line closing the body is the byline."""
        for index in range(len(blocks) - 1, max(len(blocks) - 4, 0) - 1, -1):
            block = blocks[index]
            if len(block.text) > 80:
                break
            style = (block.node.attributes.get("style") or "").lower().replace(" ", "")
            align = (block.node.attributes.get("align") or "").lower()
            flush_right = bool(_RIGHT_CLASS.search(block.node.attributes.get("class") or ""))
            right = "text-align:right" in style or align == "right" or flush_right
            emphasised = block.bold or right or byline.is_labelled(block.text)
            name = byline.parse_byline(block.text, outlets=self.outlets)
            if name is not None and (
                emphasised or (index == len(blocks) - 1 and block.text.isupper())
            ):
                return block.text, name, blocks[:index] + blocks[index + 1 :]
        return author_raw, None, blocks

    def _metadata_author(self) -> str | None:
        persons: list[str] = []
        for name in self.meta.authors:
            person = byline.parse_byline(name, outlets=self.outlets)
            if person is not None and person not in persons:
                persons.append(person)
            if persons and not self.meta.declared_article:
                break  # (several articles described: the first one's writer)
        if persons:
            return " - ".join(persons)  # the writers of the one article the page describes
        if self.meta.meta_author:
            return byline.parse_byline(self.meta.meta_author, outlets=self.outlets)
        return None

    def _views(
        self, anchor: LexborNode | None, container: LexborNode | None, body_source: str
    ) -> tuple[int | None, LexborNode | None]:
        """The view count from the profile's selectors or a "Lượt xem" line near the article.

        As with bylines, a profile that finds the body but names no view_count selector
        says the site shows none (national news sites never do): no search then.
        """
        selectors = self._profile_says("view_count")
        for selector in selectors:
            for node in self.tree.css(selector):
                count = byline.count_in_element(text_of(node))
                if count is not None:
                    return count, node
        if not selectors and body_source == "profile":
            return None, None
        region = region_of(anchor, container)
        if region is None:
            return None, None
        texts, hits = matching_texts(region, byline.VIEW_HINT)
        for block in blocks_at(region, texts, hits, self.chrome_ids):
            count = byline.parse_view_count(block.text) if len(block.text) <= 120 else None
            if count is not None:
                return count, block.node
        return None, None

    def _drop_view_lines(self, blocks: list[Block]) -> list[Block]:
        return [
            b
            for b in blocks
            if not (len(b.text) < 60 and byline.parse_view_count(b.text) is not None)
        ]


#: Elements a browser sets on lines of their own inside a byline box: the name's line, the
#: writer's job or bio, the writer's links or menu (buttons are cut before parsing).
_APART_IDS = tag_ids(BLOCK_TAGS - {"html", "body"})


def _byline_text(node: LexborNode) -> str:
    """The byline element's text as one line, the parts a browser shows on lines of their
    own (block elements: the name, the bio or job, the e-mail, a menu of "View Profile",
    "Email", "RSS") set apart by spaces: minified pages leave nothing between them ("Minh
    AnhPhóng viên", "Minh Anhminhanh@…"), and :func:`byline.parse_byline` must tell the
    name from what follows it."""
    text = text_of(node)
    if not text or not ("@" in text or _holds_lines(node)):
        return text
    pieces = [clean(piece.replace(BR, " ")) for piece in _pieces(node)]
    line = ""
    for piece in filter(None, pieces):
        # ("Markus Balser" and ", Berlin" in two elements: no space before the comma.)
        line += piece if not line or piece[0] in _MARKS else f" {piece}"
    return line


def _holds_lines(node: LexborNode) -> bool:
    walk = node.traverse()
    next(walk)  # (the element itself)
    return any(element.tag_id in _APART_IDS for element in walk)


def _pieces(node: LexborNode) -> list[str]:
    """``node``'s text in pieces, each block element's text a piece of its own (the inline
    text between them joined as a browser does)."""
    pieces: list[str] = []
    run: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag_id in _APART_IDS:
            pieces.append("".join(run))
            run = []
            pieces.extend(_pieces(child))
        elif child.tag_id == TEXT_ID:
            run.append(child.text_content or "")
        elif child.tag not in SKIP_TAGS:
            text = child.text(deep=True)
            if "@" in text:
                # The writer's e-mail address beside the name ("Minh Anh" and a mailto link
                # with nothing between): a part of its own, or the name runs into it.
                pieces.extend(("".join(run), text))
                run = []
            else:
                run.append(text)
    pieces.append("".join(run))
    return pieces


_MARKS = frozenset(",.;:!?)")


def _first_lines(node: LexborNode) -> list[str]:
    """The texts of the first two of ``node``'s element children that hold any: the first
    lines of a box built of lines (``<div>`` or ``<p>`` each; an avatar before them holds
    none); none when a child before them holds inline text only."""
    lines: list[str] = []
    for child in node.iter(include_text=False):
        text = text_of(child)
        if not text:
            continue
        if child.tag not in _LINE_TAGS:
            return lines  # (after the first line: the box's lines end here)
        lines.append(text)
        if len(lines) == 2:
            break
    return lines
