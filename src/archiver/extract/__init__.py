"""Extraction: the bytes of one page and its URL in, an :class:`~archiver.article.Article` out.

Pure and synchronous: no network, no files, no clock unless ``fetched_at`` is
omitted (relative dates such as "2 giờ trước" then resolve against now).

    >>> article = extract(html_bytes, "https://vnexpress.net/abc-4220047.html")
    >>> article.title, article.published_at

The steps are read in order in ``pipeline``, each in its own module: decode (``encoding``,
with the TCVN3 and VNI font encodings of old pages in ``vnfonts``), cut what no reader
sees, parse, read metadata and clean (``page``, ``dom``, ``metadata``, ``chrome``,
``roles``); what kind of page it is (``pagekind``); title (``headline``); dates
(``timestamps``); the lead (``lead``); the body's element (``container``, without a
profile), its text, captions and credited source (``content``, ``body``, ``captions``);
author, source and view count (``people``, ``byline``, ``outlets``). ``probe`` checks a site
profile against a page. A site profile (``archiver.sites``) points each step at the right
element; without one, or when its selectors no longer match, the generic heuristics run
and a warning says so.
"""

from __future__ import annotations

from archiver.extract.page import MAX_HTML_CHARS, Page, load_page
from archiver.extract.pipeline import EXTRACTOR_VERSION, extract, extract_page

__all__ = ["EXTRACTOR_VERSION", "MAX_HTML_CHARS", "Page", "extract", "extract_page", "load_page"]
