"""A news network on loopback for crawl benchmarks: 50 hosts, real or synthetic pages.

Two ways to reach the hosts:

- ``--loopback`` (the default of ``bench/crawl.py``): host *i* is its own address,
  ``http://127.0.0.{i + 2}:PORT/``, all on one port (Linux routes all of 127.0.0.0/8 to
  ``lo``; each address is bound separately, nothing listens beyond loopback). Crawlers
  connect straight to each host, as they do on the internet.
- proxy: one port on 127.0.0.1; crawlers use it as their HTTP proxy and request
  ``http://h07.bench.test/...``, every host name its own politeness slot.

Pages come from ``bench/realsite.py`` (the real pages of ../shared/realpages, their text
varied per page) with ``--real``, falling back to synthetic ones when ../shared is absent
(the first line printed says which). Synthetic pages: robots.txt, a home page listing
articles (with a "Trang sau" link to more), and article pages of about ``size`` bytes — real
article structure (header, menu, headline, date line, sapo, paragraphs, byline, related
links, sidebar) padded with inline scripts and styles. Each answer waits ``latency``
seconds. Responses are built on demand, so memory stays small whatever the site size.
``GET /__bench/requests`` answers how many requests were served (for the benchmark).

    python bench/benchsite.py --loopback --real --hosts 50 --latency 0.05
    # prints {"port": N, "hosts": [...], ...} on one line, serves until stdin closes
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
    """Synthetic pages (``respond`` has the signature of :meth:`realsite.RealSite.respond`)."""

    def __init__(self, hosts: int, articles: int, size: int, per_page: int) -> None:
        self.hosts = hosts
        self.articles = articles
        self.size = size
        self.per_page = per_page

    def respond(self, index: int, path: str, base: str) -> bytes:
        if path == "/robots.txt":
            return http_response(b"User-agent: *\nDisallow: /admin/\n", "text/plain")
        if path == "/" or path.startswith("/trang-"):
            try:
                page = int(path[7:]) - 1 if path.startswith("/trang-") else 0
            except ValueError:
                page = -1
            if page >= 0:
                return http_response(listing_page(index, page, self.articles, self.per_page))
        if path.startswith("/tin-tuc/"):
            try:
                article = int(path.rsplit("-", 1)[1].split(".")[0]) - 4000000
            except (ValueError, IndexError):
                article = -1
            if 0 <= article < self.articles:
                return http_response(article_page(index, article, self.articles, self.size))
        return http_response(b"not found", status="404 Not Found")


class Network:
    """Routes a request to a host of the site: by local address, or by proxy target."""

    def __init__(self, site: Site, hosts: int, port: int = 0, loopback: bool = False) -> None:
        self.site = site
        self.hosts = hosts
        self.port = port
        self.loopback = loopback
        self.requests = 0

    def respond(self, target: str, local_address: str) -> bytes:
        if target.startswith("http://"):  # proxy form: the host is in the target
            host, _, path = target[7:].partition("/")
            path = "/" + path
            try:
                index = int(host[1:3]) if host.endswith(HOSTS_SUFFIX) else -1
            except ValueError:
                index = -1
            base = f"http://{host}"
        else:
            path = target
            if self.loopback:
                index = int(local_address.rsplit(".", 1)[1]) - 2
                base = f"http://{local_address}:{self.port}"
            else:
                index, base = 0, f"http://{host_name(0)}"
        if path == "/__bench/requests":
            return http_response(json.dumps({"requests": self.requests}).encode(), "text/plain")
        self.requests += 1
        if not 0 <= index < self.hosts:
            return http_response(b"no such host", status="404 Not Found")
        return self.site.respond(index, path, base)


class _Connection(asyncio.Protocol):
    def __init__(self, network: Network, latency: float) -> None:
        self.network = network
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.local = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.local = transport.get_extra_info("sockname")[0]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            target = parts[1] if len(parts) > 1 else "/"
            response = self.network.respond(target, self.local)
            asyncio.get_running_loop().call_later(self.latency, self._write, response)

    def _write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)


def address(index: int) -> str:
    """The loopback address of host ``index`` (127.0.0.1 is left to everything else)."""
    if not 0 <= index < 254:
        raise ValueError("loopback mode has room for 254 hosts")
    return f"127.0.0.{index + 2}"


async def _bind(
    loop: asyncio.AbstractEventLoop, factory, hosts: int, port: int = 0
) -> list[asyncio.Server]:
    """Every host's address on one port: the first bind picks it (unless given), the others
    follow."""
    for _ in range(1 if port else 20):
        servers = [await loop.create_server(factory, address(0), port, backlog=1024)]
        port = servers[0].sockets[0].getsockname()[1]
        try:
            for index in range(1, hosts):
                servers.append(
                    await loop.create_server(factory, address(index), port, backlog=1024)
                )
            return servers
        except OSError:  # the port is taken on some address: try another
            for server in servers:
                server.close()
    raise OSError("no port free on every loopback address")


def make_site(real: bool, hosts: int, articles: int, size: int, per_page: int, sitemap: int):
    """(site, note): real pages when ../shared is there, else synthetic ones."""
    if real:
        from realsite import REALPAGES, RealSite

        site = RealSite.load(REALPAGES, hosts=hosts, size=size, sitemap=sitemap)
        if site is not None:
            return site, f"article and listing pages built from {REALPAGES}"
        note = f"{REALPAGES} not found: synthetic pages instead"
    else:
        note = "synthetic pages"
    return Site(hosts, articles, size, per_page), note


async def serve(args: argparse.Namespace) -> None:
    site, note = make_site(
        args.real, args.hosts, args.articles, args.size, args.per_page, args.sitemap
    )
    loop = asyncio.get_running_loop()
    network = Network(site, args.hosts, loopback=args.loopback)
    factory = lambda: _Connection(network, args.latency)  # noqa: E731
    if args.loopback:
        servers = await _bind(loop, factory, args.hosts, args.port)
        hosts = [address(i) for i in range(args.hosts)]
    else:
        servers = [await loop.create_server(factory, "127.0.0.1", args.port, backlog=1024)]
        hosts = [host_name(i) for i in range(args.hosts)]
    network.port = port = servers[0].sockets[0].getsockname()[1]
    real = hasattr(site, "layout")
    # What a crawler needs to know of each host: the profile a user would name for it,
    # and which real site its pages come from (the Scrapy spider's selectors).
    profiles = [site.layout(i).profile for i in range(args.hosts)] if real else []
    sites = [site.layout(i).article.split("/")[-2] for i in range(args.hosts)] if real else []
    info = {"port": port, "hosts": hosts, "profiles": profiles, "sites": sites, "note": note}
    print(json.dumps(info), flush=True)
    # Serve until the parent closes our stdin.
    await loop.run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--articles", type=int, default=200, help="articles per host (synthetic)")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000, help="bytes per article page")
    parser.add_argument("--per-page", type=int, default=50, help="links per listing (synthetic)")
    parser.add_argument("--loopback", action="store_true", help="one address per host")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--real", action="store_true", help="pages from ../shared/realpages")
    parser.add_argument(
        "--sitemap", type=int, default=0, help="real pages: a sitemap of this many articles"
    )
    args = parser.parse_args()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
