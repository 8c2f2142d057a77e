"""A synthetic news network on loopback for crawl benchmarks: many hosts behind one proxy port.

Crawlers use it as their HTTP proxy and request ``http://h07.bench.test/...``: every host
name is its own politeness slot, while every packet stays on 127.0.0.1. Each host has
robots.txt, a home page listing its articles (with a "Trang sau" link to more), and
article pages of about ``size`` bytes — real article structure (header, menu, headline,
date line, sapo, paragraphs, byline, related links, sidebar) padded with inline scripts
and styles the way real pages are. Each answer waits ``latency`` seconds. Responses are
built from templates on demand, so memory stays small whatever the site size.

    python bench/benchsite.py --hosts 50 --articles 200 --latency 0.05 --size 100000
    # prints {"port": N} on one line, serves until stdin closes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from functools import lru_cache

WORDS = (
    "người dân thành phố tỉnh huyện xã phường cho biết theo kế hoạch triển khai dự án đầu tư "
    "xây dựng giao thông cầu đường cao tốc nông nghiệp du lịch văn hóa giáo dục y tế bệnh viện "
    "trường học học sinh kinh tế doanh nghiệp xuất khẩu thị trường ngân hàng chính quyền lãnh "
    "đạo hội nghị chương trình mục tiêu nhiệm vụ giải pháp hiệu quả chất lượng phát triển bền "
    "vững môi trường biển đảo mưa bão lũ lụt thời tiết sản xuất lúa gạo cà phê hồ tiêu công an "
    "điều tra vụ việc tai nạn an toàn Đà Nẵng Hội An Tam Kỳ Quảng Nam Huế Thủ tướng Chính phủ "
    "Quốc hội hài lòng dịch vụ công trực tuyến cải cách hành chính"
).split()
HOSTS_SUFFIX = ".bench.test"


def host_name(index: int) -> str:
    return f"h{index:02d}{HOSTS_SUFFIX}"


@lru_cache(maxsize=4096)
def _sentence(seed: int) -> str:
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(rng.randint(14, 28))]
    return " ".join(words).capitalize() + "."


def _paragraph(seed: int) -> str:
    return " ".join(_sentence(seed * 7 + i) for i in range(4))


def article_path(article: int) -> str:
    return f"/tin-tuc/bai-viet-thoi-su-so-{article}-{4000000 + article}.html"


_PADDING_CACHE: dict[int, str] = {}


def _padding(size: int) -> str:
    if size not in _PADDING_CACHE:
        css = ".box{margin:0 auto;padding:4px 8px}.menu li{display:inline-block}\n"
        js = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\n"
        _PADDING_CACHE[size] = (css * (size // (2 * len(css)) + 1))[: size // 2] + (
            js * (size // (2 * len(js)) + 1)
        )[: size // 2]
    return _PADDING_CACHE[size]


def article_page(host: int, article: int, articles: int, size: int) -> bytes:
    seed = host * 100_003 + article
    title = _sentence(seed)[:90].rstrip(".")
    day, month = 1 + article % 28, 1 + article % 12
    paragraphs = "\n".join(f"<p>{_paragraph(seed + i)}</p>" for i in range(1, 9))
    related = "".join(
        f'<li><a href="{article_path((article + k) % articles)}">'
        f"{_sentence(seed + 50 + k)[:70]}</a></li>"
        for k in range(1, 6)
    )
    sidebar = "".join(
        f'<li><a href="{article_path((article * 7 + k) % articles)}">{_sentence(k)[:60]}</a></li>'
        for k in range(1, 31)
    )
    html = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} - Báo {host_name(host)}</title>
<meta property="og:title" content="{title}">
<link rel="canonical" href="http://{host_name(host)}{article_path(article)}">
<style>{{css}}</style></head><body>
<header class="site-header"><a href="/" class="logo">Báo điện tử</a>
<ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/thoi-su">Thời sự</a></li></ul></header>
<main><div class="col-main"><article class="detail">
<h1 class="title">{title}</h1>
<div class="date">Thứ hai, {day:02d}/{month:02d}/2026 - 08:{article % 60:02d}</div>
<h2 class="sapo">{_paragraph(seed)}</h2>
<div class="content">{paragraphs}
<p style="text-align:right"><strong>Minh Anh</strong></p></div>
<div class="related"><h3>Tin liên quan</h3><ul>{related}</ul></div>
</article></div>
<aside class="sidebar"><h3>Đọc nhiều</h3><ul>{sidebar}</ul></aside></main>
<footer class="site-footer">Báo điện tử - Giấy phép số 123/GP-BTTTT</footer>
<script>{{js}}</script></body></html>"""
    room = max(0, size - len(html.encode()))
    pad = _padding(room)
    html = html.replace("{css}", pad[: room // 2]).replace("{js}", pad[room // 2 :])
    return html.encode()


def listing_page(host: int, page: int, articles: int, per_page: int) -> bytes:
    start = page * per_page
    items = "".join(
        f'<li><h3><a href="{article_path(n)}">{_sentence(host * 100_003 + n)[:90]}</a></h3></li>'
        for n in range(start, min(start + per_page, articles))
    )
    more = (
        f'<a class="next" href="/trang-{page + 2}">Trang sau</a>'
        if start + per_page < articles
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang chủ</title>'
        f'</head><body><h1>Tin mới</h1><ul class="list-news">{items}</ul>{more}</body></html>'
    ).encode()


def http_response(
    body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("latin-1") + body


class Site:
    def __init__(self, hosts: int, articles: int, size: int, per_page: int) -> None:
        self.hosts = hosts
        self.articles = articles
        self.size = size
        self.per_page = per_page
        self.requests = 0

    def respond(self, target: str) -> bytes:
        self.requests += 1
        if target.startswith("http://"):
            rest = target[7:]
            host, _, path = rest.partition("/")
            path = "/" + path
        else:
            host, path = host_name(0), target
        try:
            index = int(host[1:3])
        except ValueError:
            return http_response(b"no such host", status="404 Not Found")
        if index >= self.hosts:
            return http_response(b"no such host", status="404 Not Found")
        if path == "/robots.txt":
            return http_response(b"User-agent: *\nDisallow: /admin/\n", "text/plain")
        if path == "/" or path.startswith("/trang-"):
            page = int(path[7:]) - 1 if path.startswith("/trang-") else 0
            return http_response(listing_page(index, page, self.articles, self.per_page))
        if path.startswith("/tin-tuc/"):
            try:
                article = int(path.rsplit("-", 1)[1].split(".")[0]) - 4000000
            except (ValueError, IndexError):
                article = -1
            if 0 <= article < self.articles:
                return http_response(article_page(index, article, self.articles, self.size))
        return http_response(b"not found", status="404 Not Found")


class _Connection(asyncio.Protocol):
    def __init__(self, site: Site, latency: float) -> None:
        self.site = site
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            target = parts[1] if len(parts) > 1 else "/"
            response = self.site.respond(target)
            asyncio.get_running_loop().call_later(self.latency, self._write, response)

    def _write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)


async def serve(hosts: int, articles: int, latency: float, size: int, per_page: int) -> None:
    site = Site(hosts, articles, size, per_page)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(site, latency), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    # Serve until the parent closes our stdin.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--articles", type=int, default=200, help="articles per host")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=50, help="article links per listing page")
    args = parser.parse_args()
    asyncio.run(serve(args.hosts, args.articles, args.latency, args.size, args.per_page))


if __name__ == "__main__":
    main()
