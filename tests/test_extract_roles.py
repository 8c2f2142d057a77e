"""Roles by class and id names: the elements named as an article's text."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from archiver.extract.chrome import find_chrome
from archiver.extract.roles import Roles

_TEXT = "Đoạn văn của bài viết. " * 30


def _roles(html: str) -> tuple[LexborHTMLParser, Roles]:
    tree = LexborHTMLParser(html)
    assert tree.body is not None
    return tree, Roles(tree.body.css("[class], [id]"))


def test_a_class_naming_an_articles_text_as_written_gives_the_text_role():
    _, roles = _roles(
        '<div class="post entry-content" id="a">x</div><div class="entry-contents" id="b">x</div>'
        '<div class="Entry-Content" id="c">x</div><div id="post-body">x</div>'
    )
    # (An element with a class and an id is listed once per attribute, as ``css`` lists it.)
    assert {n.id for n in roles["text"]} == {"a"}
    assert {n.id for n in roles["text?"]} == {"c"}  # (matched by the selector in quirks mode only)


def test_a_box_named_like_chrome_holding_the_text_is_chrome_as_the_selector_says():
    # A sidebar-named wrapper holding the article's text box is protected where the class
    # selector matches the box: in quirks mode (no doctype) whatever its letter case.
    page = (
        f"<main><p>{_TEXT * 3}</p></main>"
        f'<div class="sidebar" id="w"><div class="{{}}"><p>{_TEXT}</p></div></div>'
    )
    for doctype, name, protected in (
        ("", "entry-content", True),
        ("<!DOCTYPE html>", "entry-content", True),
        ("", "Entry-Content", True),
        ("<!DOCTYPE html>", "Entry-Content", False),
    ):
        tree, roles = _roles(doctype + page.format(name))
        found = find_chrome(tree, {"chrome": roles["chrome"]}, [], roles=roles)
        assert ("w" not in [n.id for n in found["chrome"]]) is protected, (doctype, name)
