"""Benchmark: link extraction (discover.extract_links) per page, on saved real pages.

Reads the pages under ../shared/realpages when present (skips cleanly otherwise) and a
generated 150 KB listing page. Prints the best-of-N time per page, with and without the
HTML parse, and the cold time (empty URL cache) of the first call.

    .venv/bin/python bench/discover_links.py
"""

from __future__ import annotations

import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from archiver.discover import _fasturl
from archiver.discover.links import extract_links

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"


def synthetic_listing() -> tuple[str, bytes]:
    items = []
    for i in range(400):
        items.append(
            f'<div class="item"><a href="/thoi-su/bai-viet-so-{i}-ve-tin-tuc-{4220000 + i}.html">'
            f"<img src='/i/{i}.jpg' alt='Ảnh {i}'></a><h3><a href='/thoi-su/bai-viet-so-{i}-ve-"
            f"tin-tuc-{4220000 + i}.html'>Tiêu đề bài viết số {i} về thời sự trong nước</a></h3>"
            f"<p>Tóm tắt nội dung bài viết số {i}, một đoạn văn ngắn.</p></div>"
        )
    page = "<html><body>" + "".join(items) + "</body></html>"
    return "https://vnexpress.net/thoi-su", page.encode()


def pages() -> list[tuple[str, str, bytes]]:
    found = []
    if REAL_PAGES.is_dir():
        for path in sorted(REAL_PAGES.glob("*/*.html")):
            found.append(
                (path.name[:40], f"https://{path.parent.name}/{path.name}", path.read_bytes())
            )
    url, body = synthetic_listing()
    found.append(("synthetic listing", url, body))
    return found


def best(page: bytes | LexborHTMLParser, url: str, repeat: int) -> float:
    """The fastest of ``repeat`` runs of extract_links(page, url)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract_links(page, url)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"{'page':42} {'KB':>5} {'links':>5} {'cold ms':>8} {'tree ms':>8} {'bytes ms':>9}")
    for name, url, body in pages():
        tree = LexborHTMLParser(body)
        _fasturl._normalize_cached.cache_clear()
        start = time.perf_counter()
        links = extract_links(tree, url)
        cold = time.perf_counter() - start
        warm_tree = best(tree, url, 30)
        warm_bytes = best(body, url, 30)
        print(
            f"{name:42} {len(body) // 1024:5} {len(links):5} {cold * 1e3:8.2f} "
            f"{warm_tree * 1e3:8.2f} {warm_bytes * 1e3:9.2f}"
        )


if __name__ == "__main__":
    main()
