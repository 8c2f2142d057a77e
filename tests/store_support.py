"""Builders shared by the store tests: exchanges, articles and short Vietnamese texts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archiver.article import Article
from archiver.fetch.exchange import Exchange

VN = timezone(timedelta(hours=7))
T0 = datetime(2024, 3, 5, 9, 0, tzinfo=VN)

# Written for these tests.
STORY = (
    "Thủ tướng Phạm Minh Chính đến Đà Nẵng sáng nay để kiểm tra dự án cầu cảng mới. "
    "Người dân địa phương cho biết họ rất hài lòng với tiến độ xây dựng.\n\n"
    "Theo báo cáo của ủy ban nhân dân thành phố, dự án sẽ hoàn thành vào cuối năm. "
    "Tổng vốn đầu tư khoảng 3.500 tỷ đồng, trong đó ngân sách trung ương hỗ trợ một nửa.\n\n"
    "Lãnh đạo thành phố đề nghị các bộ ngành tiếp tục tạo điều kiện để dự án "
    "sớm đưa vào khai thác, góp phần phát triển kinh tế biển miền Trung."
)
OTHER_STORY = (
    "Mưa lớn kéo dài ở Nghệ An khiến nhiều tuyến đường bị ngập sâu, giao thông ách tắc. "
    "Sở giao thông vận tải đã cử lực lượng túc trực tại các điểm xung yếu.\n\n"
    "Cơ quan khí tượng dự báo mưa còn tiếp diễn trong hai ngày tới, người dân cần "
    "theo dõi thông tin và chủ động phòng tránh lũ quét, sạt lở đất ở vùng núi."
)


def exchange(
    url: str,
    body: bytes = b"<html>page</html>",
    *,
    final_url: str | None = None,
    when: datetime = T0,
    status: int | None = 200,
    redirects: tuple[str, ...] = (),
    error: str | None = None,
) -> Exchange:
    return Exchange(
        url=url,
        final_url=final_url or url,
        status=status,
        fetched_at=when,
        request_headers=(("User-Agent", "archiver-test"),),
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=body,
        redirects=redirects,
        error=error,
    )


def article(
    url: str,
    body: str = STORY,
    *,
    title: str = "Thủ tướng kiểm tra dự án cầu cảng ở Đà Nẵng",
    site: str = "vnexpress",
    canonical_url: str | None = None,
    view_count: int | None = None,
    author: str | None = "Ngọc An",
    published_at: str | None = "2024-03-05T08:30:00+07:00",
    captions: tuple[str, ...] = (),
    source: str | None = None,
) -> Article:
    return Article(
        url=url,
        canonical_url=canonical_url,
        site=site,
        title=title,
        published_at=published_at,
        published_raw="05/03/2024 08:30",
        author=author,
        author_raw=author,
        view_count=view_count,
        body=body,
        captions=captions,
        source=source,
        language="vi",
        lead=body.split("\n\n")[0],
    )


def page(url: str, body: str = STORY, **fields: object) -> tuple[Exchange, Article]:
    """A fetched article page: the exchange (its HTML holds the text) and its article."""
    when = fields.pop("when", T0)
    html = f"<html><body><h1>{fields.get('title', '')}</h1><p>{body}</p></body></html>".encode()
    return exchange(url, html, when=when), article(url, body, **fields)  # type: ignore[arg-type]


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes, to prove it was left untouched."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path | str, sql: str, *params: object) -> list[tuple]:
    """The rows ``sql`` gives on the archive at ``path`` (a SQLite file or a PostgreSQL URL)."""
    import sqlite3

    if str(path).startswith("postgresql://"):
        from archiver.store import Archive

        with Archive(str(path), readonly=True) as archive:
            return [tuple(row) for row in archive.conn.execute(sql, params).fetchall()]
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


_WORDS = sorted(set((STORY + " " + OTHER_STORY).replace(",", " ").replace(".", " ").split()))


def random_story(seed: int, words: int = 120) -> str:
    """A distinct, article-length text made of the stories' words (no near-copies of each other)."""
    import random

    rng = random.Random(seed)
    picked = rng.choices(_WORDS, k=words)
    sentences = [" ".join(picked[i : i + 15]).capitalize() + "." for i in range(0, words, 15)]
    half = len(sentences) // 2
    return " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])


def random_pages(start: int, count: int, site: str = "vnexpress") -> list:
    return [
        page(f"https://{site}.vn/bai-{n}.html", random_story(n), title=f"Bài số {n}", site=site)
        for n in range(start, start + count)
    ]


def index_matches(archive, query: str) -> list[int]:
    """Ids of the articles whose full-text index entry matches ``query`` (either engine)."""
    from archiver.store.query import parse

    parsed = parse(query)
    if archive.database.engine == "postgresql":
        from archiver.store.postgres.fts import tsquery

        sql = "SELECT id FROM articles WHERE search @@ to_tsquery('simple', ?) ORDER BY id"
        return [row[0] for row in archive.conn.execute(sql, (tsquery(parsed.root),))]
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
    return [row[0] for row in archive.conn.execute(sql, (parsed.fts,))]


def redirected_pages(start: int, count: int, site: str = "vnexpress") -> list:
    """:func:`random_pages` as a crawl from shared links fetches them: asked for over http
    with a tracking parameter, redirected to the https page (each article gets aliases)."""
    from dataclasses import replace

    pages = []
    for fetched, found in random_pages(start, count, site):
        asked = fetched.url.replace("https://", "http://") + "?utm_source=facebook"
        pages.append((replace(fetched, url=asked, redirects=(asked,)), found))
    return pages


def dated_pages(body: Callable[[int], str], sites: Sequence[str], count: int) -> list:
    """``count`` pages of ``body(n)`` taking the sites in turn, dated across 2024's months."""
    return [
        page(
            f"https://{sites[n % len(sites)]}.vn/tin-{n}.html",
            body(n),
            title=f"Thời tiết ngày {n}",
            site=sites[n % len(sites)],
            published_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
        )
        for n in range(count)
    ]


def passing_ids(archive, site: str | None, since: str | None) -> set[int]:
    """The ids of the articles ``--site`` and ``--since`` let through, read row by row."""
    from archiver.store.search import article_filters

    clauses, params = article_filters(site, since, None, None)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return {row[0] for row in archive.conn.execute(f"SELECT a.id FROM articles a{where}", params)}


def built_archive(path: Path, pages: list) -> Iterator:
    """An archive at ``path`` holding ``pages``, opened read-only (a module fixture's body)."""
    from archiver.store import Archive

    with Archive(path) as opened:
        opened.save_many(pages)
    with Archive(path, readonly=True) as reader:
        yield reader
