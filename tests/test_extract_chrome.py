"""Page chrome (``archiver.extract.chrome``): what the "most of the page's text" rule reads."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from archiver.extract import chrome
from archiver.extract.roles import Roles

_PROSE = "Đoạn văn của bài viết, không có liên kết nào ở đây. " * 6
_LINKS = "".join(f"<a href=/tin/bai-{n}.htm>Tin liên quan số {n} trong ngày</a>" for n in range(12))


def _chrome(html: str) -> tuple[list[str | None], list[str]]:
    tree = LexborHTMLParser(html)
    assert tree.body is not None
    roles = Roles(tree.body.css("[class], [id]"))
    counted: list[str] = []
    original = chrome.link_chars

    def link_chars(node):  # (which elements' links were counted)
        counted.append(node.id or node.tag)
        return original(node)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chrome, "link_chars", link_chars)
        found = chrome.find_chrome(tree, {"chrome": roles["chrome"]}, [], roles=roles)
    return [n.id for n in found["chrome"]], counted


def test_a_sidebar_with_less_text_than_half_the_pages_unlinked_text_is_chrome_uncounted():
    page = (
        f"<main><p>{_PROSE * 4}</p></main>"
        f'<div class="sidebar" id="side"><p>{_PROSE}</p>{_LINKS}</div>'
    )
    found, counted = _chrome(page)
    assert found == ["side"]
    assert counted == ["body"]  # its own links need no counting: its whole text is too little


@pytest.mark.parametrize(("prose", "is_chrome"), [(2, False), (1, True)])
def test_a_box_named_like_chrome_is_text_when_it_holds_most_of_the_pages_unlinked_text(
    prose, is_chrome
):
    # Its whole text is over half the page's unlinked text (not over half of all its text,
    # nor its paragraphs over half of the page's): its own links are counted, and decide.
    menu = "".join(f'<a href="/m/{n}.htm">Một mục khác của trang số {n}</a>' for n in range(60))
    page = (
        f"<main><p>{_PROSE * 2}</p></main><div class=list>{menu}</div>"
        f'<div class="sidebar" id="side"><p>{_PROSE}</p><div>{_PROSE * prose}</div>{_LINKS}</div>'
    )
    found, counted = _chrome(page)
    assert ("side" in found) is is_chrome
    assert counted == ["body", "side"]
