"""A small fixture website for crawl tests, written as a replay directory.

``tin.example`` has robots.txt (a Disallow, Crawl-delay and a Sitemap line), a
sitemap, an RSS feed, a two-page listing, nine articles, and the awkward cases:
a 429 with Retry-After, a 503 before success, a redirect alias, a redirect loop,
an oversized page, a windows-1258 page served with the wrong charset, a print
copy of an article (same content, other URL), a tracking-parameter link, and a
page robots.txt forbids. Dates are relative to "now", so revisit schedules fall
inside a test.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from store_support import rows as rows  # the one way the tests read an archive (either engine)

VN = timezone(timedelta(hours=7))
HOST = "tin.example"
BASE = f"http://{HOST}"

TOPICS = [
    ("Đà Nẵng khởi công cầu vượt nút giao Hòa Cầm", "Thu Hà"),
    ("Hội An đón lượng khách quốc tế tăng mạnh dịp lễ", "Minh Chiến"),
    ("Thủ tướng kiểm tra tiến độ cao tốc Quảng Ngãi - Hoài Nhơn", "Hoàng Anh"),
    ("Quảng Nam hỗ trợ nông dân chuyển đổi cây trồng sau lũ", "Thùy Dung"),
    ("Người dân hài lòng với dịch vụ công trực tuyến của thành phố", "Lê Vy"),
    ("Tam Kỳ chỉnh trang bờ sông Bàn Thạch", "Quốc Việt"),
    ("Trường học vùng cao đón học sinh trở lại sau bão", "Ngọc Trâm"),
    ("Giá tiêu tăng mạnh, nông dân Tây Nguyên phấn khởi", "Văn Sơn"),
    ("Bệnh viện tuyến huyện được đầu tư thêm thiết bị chẩn đoán", "Hải Yến"),
]


def story(title: str, when: datetime) -> list[str]:
    """Three paragraphs of an article about ``title`` published at ``when``."""
    return [
        f"Sáng {when.day}/{when.month}, {title.lower()} là nội dung chính của buổi làm việc giữa "
        "lãnh đạo địa phương và các sở, ngành liên quan, với sự tham gia của đông đảo người dân.",
        "Theo báo cáo, kế hoạch được triển khai từ đầu năm với tổng kinh phí hơn 120 tỷ đồng, "
        "trong đó ngân sách tỉnh bố trí 60%, phần còn lại huy động từ xã hội hóa.",
        "Đại diện chính quyền cho biết sẽ tiếp tục lắng nghe ý kiến của người dân, bảo đảm tiến độ "
        "và chất lượng công trình, hoàn thành trong quý tới.",
    ]


def article_html(number: int, published: datetime, views: int | None = None) -> str:
    title, author = TOPICS[number - 1]
    when = published.astimezone(VN)
    paragraphs = story(title, when)
    views_line = f'<div class="views">Lượt xem: {views}</div>' if views is not None else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} - Tin Example</title>
<link rel="canonical" href="{article_url(number)}">
</head><body>
<header class="site-header"><a href="/">Tin Example</a> <span class="today">Hôm nay</span></header>
<nav class="menu"><a href="/tin-tuc">Tin tức</a> <a href="/private/noi-bo.html">Nội bộ</a></nav>
<main><article class="detail">
<h1>{title}</h1>
<div class="date">{when.strftime("%d/%m/%Y %H:%M:%S")} GMT+7</div>
<div class="content">{body}</div>
<p class="author"><strong>{author}</strong></p>
{views_line}
</article></main>
<footer class="site-footer">© Tin Example</footer>
</body></html>"""


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as windows-1258 does: base letters precomposed (ô, ư), tone marks combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def listing_html(numbers: list[int], next_page: str | None) -> str:
    items = "".join(f'<li><a href="{article_url(n)}">{TOPICS[n - 1][0]}</a></li>' for n in numbers)
    pager = f'<a class="next" href="{next_page}">Trang sau</a>' if next_page else ""
    return (
        f'<html><head><meta charset="utf-8"><title>Tin tức</title></head><body>'
        f'<h1>Tin tức</h1><ul class="list">{items}</ul>{pager}</body></html>'
    )


def article_url(number: int) -> str:
    return f"{BASE}/tin-tuc/{slug(TOPICS[number - 1][0])}-100000{number}.html"


def slug(title: str) -> str:
    from archiver.text import fold

    return "-".join(fold(title).replace("%", "").split())


PRINT_COPY = f"{BASE}/in/bai-viet-1000004.html"


def build(
    directory: Path,
    *,
    now: datetime | None = None,
    crawl_delay: float = 0.0,
    revisit_views: tuple[int, int] | None = None,
) -> Path:
    """Write the site into ``directory`` and return it."""
    now = now or datetime.now(UTC)
    files = directory / "files"
    files.mkdir(parents=True, exist_ok=True)
    pages: dict[str, object] = {}

    def page(url: str, html: str | bytes, name: str, **extra: object) -> dict[str, object]:
        data = html.encode("utf-8") if isinstance(html, str) else html
        (files / name).write_bytes(data)
        spec: dict[str, object] = {"file": f"files/{name}", **extra}
        pages[url] = spec
        return spec

    delay_line = f"Crawl-delay: {crawl_delay}\n" if crawl_delay else ""
    pages[f"{BASE}/robots.txt"] = {
        "text": f"User-agent: *\nDisallow: /private/\n{delay_line}Sitemap: {BASE}/sitemap.xml\n",
        "headers": {"Content-Type": "text/plain", "ETag": '"robots-1"'},
    }
    published = {n: now - timedelta(days=n) for n in range(1, 10)}
    published[1] = now - timedelta(seconds=28)  # fresh: a "30s" revisit falls due at once
    for n in range(1, 10):
        spec = page(
            article_url(n), article_html(n, published[n], 100 + n if n == 1 else None), f"a{n}.html"
        )
        spec["headers"] = {
            "Content-Type": "text/html; charset=utf-8",
            "ETag": f'"a{n}-v1"',
            "Last-Modified": format_datetime(published[n].astimezone(UTC), usegmt=True),
        }
    if revisit_views is not None:
        first, second = revisit_views
        (files / "a1-later.html").write_bytes(article_html(1, published[1], second).encode())
        (files / "a1.html").write_bytes(article_html(1, published[1], first).encode())
        headers = {"Content-Type": "text/html; charset=utf-8"}
        pages[article_url(1)] = {
            "responses": [
                {"file": "files/a1.html", "headers": headers},
                {"file": "files/a1-later.html", "headers": headers},
            ]
        }
    # Article 3 is rate-limited once, article 6 fails once with 503.
    pages[article_url(3)] = {
        "responses": [
            {"status": 429, "headers": {"Retry-After": "1"}, "text": "slow down"},
            pages[article_url(3)],
        ]
    }
    pages[article_url(6)] = {"responses": [{"status": 503, "text": "busy"}, pages[article_url(6)]]}
    sitemap = "".join(
        f"<url><loc>{article_url(n)}</loc><lastmod>{published[n].isoformat()}</lastmod></url>"
        for n in (1, 2, 3, 4)
    )
    pages[f"{BASE}/sitemap.xml"] = {
        "text": '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}</urlset>',
        "headers": {"Content-Type": "application/xml", "ETag": '"sitemap-1"'},
    }
    items = "".join(
        f"<item><title>{TOPICS[n - 1][0]}</title><link>{article_url(n)}</link></item>"
        for n in (5, 6)
    )
    pages[f"{BASE}/rss.xml"] = {
        "text": f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Tin Example</title>{items}</channel></rss>",
        "headers": {"Content-Type": "application/rss+xml", "ETag": '"rss-1"'},
    }
    home = (
        '<html><head><meta charset="utf-8"><title>Tin Example</title>'
        f'<link rel="alternate" type="application/rss+xml" href="{BASE}/rss.xml"></head><body>'
        "<h1>Tin Example</h1><ul>"
        f'<li><a href="{BASE}/tin-tuc">Tin tức</a></li>'
        f'<li><a href="{article_url(2)}?utm_source=zalo&fbclid=abc">Tin đọc nhiều</a></li>'
        f'<li><a href="{BASE}/private/noi-bo.html">Nội bộ</a></li>'
        f'<li><a href="{BASE}/tin-cu/1">Tin cũ</a></li>'
        f'<li><a href="{BASE}/vong-1">Vòng</a></li>'
        f'<li><a href="{BASE}/bao-in.html">Bản in khổng lồ</a></li>'
        f'<li><a href="{BASE}/cu/tieng-viet.html">Trang cũ</a></li>'
        f'<li><a href="{PRINT_COPY}">Bản in bài 4</a></li>'
        "</ul></body></html>"
    )
    page(f"{BASE}/", home, "home.html", headers={"Content-Type": "text/html; charset=utf-8"})
    page(f"{BASE}/tin-tuc", listing_html([7, 8], f"{BASE}/tin-tuc/trang-2"), "list1.html")
    page(f"{BASE}/tin-tuc/trang-2", listing_html([9], None), "list2.html")
    page(f"{BASE}/private/noi-bo.html", "<h1>Nội bộ</h1><p>Không được lấy.</p>", "private.html")
    pages[f"{BASE}/tin-cu/1"] = {"status": 301, "headers": {"Location": article_url(5)}}
    pages[f"{BASE}/vong-1"] = {"status": 302, "headers": {"Location": f"{BASE}/vong-2"}}
    pages[f"{BASE}/vong-2"] = {"status": 302, "headers": {"Location": f"{BASE}/vong-1"}}
    pages[f"{BASE}/bao-in.html"] = {"generate_bytes": 11 * 1024 * 1024}
    legacy = article_html(8, published[8]).replace(TOPICS[7][0], "Cần Thơ mở hội chợ nông sản")
    legacy = legacy.replace('meta charset="utf-8"', 'meta charset="windows-1258"')
    legacy = legacy.replace(f'<link rel="canonical" href="{article_url(8)}">', "")
    page(
        f"{BASE}/cu/tieng-viet.html",
        to_cp1258(legacy),
        "legacy.html",
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )
    # A print copy of article 4: the same text at another URL (no canonical link).
    print_copy = article_html(4, published[4]).replace(
        f'<link rel="canonical" href="{article_url(4)}">', ""
    )
    page(PRINT_COPY, print_copy, "a4-print.html")
    manifest = {"format": "archiver-replay", "version": 1, "pages": pages}
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return directory


# --- news sites on real loopback servers (tests/hostile.py) ---------------------------


def article_page(
    title: str,
    author: str,
    published: datetime,
    *,
    paragraphs: list[str] | None = None,
    canonical: str | None = None,
    views: int | None = None,
    links: str = "",
) -> str:
    """An article page with relative links only, so it works on any origin."""
    when = published.astimezone(VN)
    paragraphs = paragraphs or story(title, when)
    canonical_link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    views_line = f'<div class="views">Lượt xem: {views}</div>' if views is not None else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} - Tin Example</title>{canonical_link}</head><body>
<header class="site-header"><a href="/">Trang chủ</a></header>
<main><article class="detail">
<h1>{title}</h1>
<div class="date">{when.strftime("%d/%m/%Y %H:%M:%S")} GMT+7</div>
<div class="content">{body}</div>
<p class="author"><strong>{author}</strong></p>
{views_line}
</article>{links}</main>
<footer class="site-footer">© Tin Example</footer>
</body></html>"""


def listing_page(links: list[tuple[str, str]], next_page: str | None = None) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    pager = f'<a class="next" href="{next_page}">Trang sau</a>' if next_page else ""
    return (
        '<html><head><meta charset="utf-8"><title>Tin tức</title></head><body>'
        f'<h1>Tin tức</h1><ul class="list">{items}</ul>{pager}</body></html>'
    )


def publish(
    site, numbers: range | list[int], *, home_extra: str = "", robots: str = "", slow: float = 0
) -> None:
    """Put a small news site on ``site`` (a tests.hostile.Site): robots.txt, a home page
    linking to articles ``numbers`` (TOPICS), each at ``/tin-tuc/<slug>-<n>.html``,
    answering after ``slow`` seconds."""
    from dataclasses import replace

    from hostile import html, text

    now = datetime.now(UTC)
    site.route("/robots.txt", text(robots or "User-agent: *\nDisallow: /private/\n"))
    links = []
    for n in numbers:
        title, author = TOPICS[(n - 1) % len(TOPICS)]
        path = loopback_article_path(n)
        page = html(article_page(title, author, now - timedelta(days=n)))
        site.route(path, replace(page, delay=slow))
        links.append((path, title))
    links.append(("/private/noi-bo.html", "Nội bộ"))
    site.route("/", html(listing_page(links) + home_extra))
    site.route("/private/noi-bo.html", html("<h1>Nội bộ</h1><p>Không được lấy.</p>"))


def loopback_article_path(number: int) -> str:
    return f"/tin-tuc/{slug(TOPICS[(number - 1) % len(TOPICS)][0])}-{number}.html"


# --- a news site with a day archive ("Xem theo ngày"), on a loopback server -------------


def vn_today() -> date:
    """Today in Vietnam, the day the crawler's day-archive walk starts from."""
    return datetime.now(VN).date()


def daily_article_path(day: date) -> str:
    return f"/bai-viet/{day:%Y%m%d}.html"


def day_archive_path(day: date) -> str:
    return f"/ngay/{day:%Y-%m-%d}"


def publish_daily(
    site, days: int, *, home: int | None = None, slow: float = 0.0, today: date | None = None
) -> list[date]:
    """Put on ``site`` (a tests.hostile.Site) a news site with one article a day for
    ``days`` days up to ``today`` (each with its own title and text, published at 9:00
    Vietnamese time, linking to the day before as "Bài trước"), a day archive page per
    day at ``/ngay/YYYY-MM-DD`` and a home page listing the ``home`` newest articles
    (all by default). Articles answer after ``slow`` seconds. Returns the days, newest
    first."""
    from dataclasses import replace

    from hostile import html, text

    today = today or vn_today()
    dates = [today - timedelta(days=n) for n in range(days)]
    site.route("/robots.txt", text("User-agent: *\nDisallow: /private/\n"))
    for index, day in enumerate(dates):
        title, author = TOPICS[index % len(TOPICS)]
        title = f"{title} (kỳ {index + 1}, {day.day}/{day.month}/{day.year}, {site.host})"
        when = datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN)
        before = day - timedelta(days=1)
        links = f'<p><a href="{daily_article_path(before)}">Bài trước</a></p>'
        page = html(article_page(title, author, when, links=links))
        site.route(daily_article_path(day), replace(page, delay=slow))
        site.route(day_archive_path(day), html(listing_page([(daily_article_path(day), title)])))
    newest = dates[: home if home is not None else len(dates)]
    site.route("/", html(listing_page([(daily_article_path(d), f"Bài {d}") for d in newest])))
    return dates


def daily_profile(folder: Path, site, start: date, name: str = "ngay") -> Path:
    """A site profile for ``publish_daily``'s site: its host, URL shapes and day archive
    back to ``start`` (for ``ARCHIVER_PROFILES=folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nhosts = ["{site.host}"]\n'
        "[urls]\narticle = ['/bai-viet/\\d+\\.html']\nlisting = ['/ngay/']\n"
        f'[discovery]\nseeds = ["{site.origin}/"]\n'
        f'date_archive = "{site.origin}{"/ngay/{yyyy}-{mm}-{dd}"}"\n'
        f'date_archive_start = "{start.isoformat()}"\n',
        encoding="utf-8",
    )
    return path


# --- crawls in a process of their own (for signals) ------------------------------------

CLI = "from archiver.cli import main; main()"


@contextlib.contextmanager
def crawl_command(
    db: Path,
    *args: str,
    quiet: bool = True,
    env: dict[str, str] | None = None,
    stdin: int | None = None,
) -> Iterator[subprocess.Popen]:
    """``archiver crawl ARGS --db DB [--quiet]`` in a new process (stderr piped), killed
    with its children if still running when the block ends (a failed test). ``env``
    adds variables to the environment; ``stdin=subprocess.PIPE`` to feed it."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "crawl", *args, "--db", str(db), *(["--quiet"] * quiet)],
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            for child in children_of(process.pid):
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
            process.kill()
        process.communicate()


def crawl_output(
    db: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run ``archiver crawl ARGS --db DB`` to its end (within 3 minutes); its exit status
    and stderr."""
    with crawl_command(
        db, *args, quiet=False, env=env, stdin=subprocess.PIPE if input is not None else None
    ) as process:
        _, errors = process.communicate(input, timeout=180)
    return process.returncode, errors


def wait_for(condition, timeout: float = 60.0, what: str = "the condition") -> None:
    """Poll ``condition()`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def count(db: Path | str, sql: str, *params: object) -> int:
    """One number from an archive being written by another process (0 before it exists)."""
    if str(db).startswith("postgresql://"):
        try:
            return rows(db, sql, *params)[0][0]
        except Exception:  # no schema yet: the crawl has not created it
            return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql, params).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def children_of(pid: int) -> list[int]:
    """Pids of the live child processes of ``pid`` (from /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            children.append(int(entry.name))
    return children


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[0] not in ("Z", "X")
