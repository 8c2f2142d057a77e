"""Benchmark: replay server requests/s on loopback (100 KB pages, 50 keep-alive connections).

The server runs in its own process (as `archiver replay` would); the client is a minimal
asyncio HTTP/1.1 client so that the figure measures the server, not the client. With
``--httpx`` the same load is sent through an httpx.AsyncClient used as a proxy client,
which shows what a crawler built on httpx can expect from it.

    .venv/bin/python bench/replay_server.py [--seconds 5] [--connections 50] [--httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import time
from pathlib import Path

HOSTS = 50
PAGES_PER_HOST = 4
PAGE_BYTES = 100 * 1024


def build_site(root: Path) -> list[str]:
    filler = "<p>Tin tức thời sự trong ngày, trang lưu trữ của cổng thông tin.</p>\n"
    pages: dict[str, object] = {}
    (root / "files").mkdir()
    for h in range(HOSTS):
        for p in range(PAGES_PER_HOST):
            body = f"<html><body><h1>site {h} page {p}</h1>".encode()
            body += (filler * (PAGE_BYTES // len(filler.encode()) + 1)).encode()[:PAGE_BYTES]
            name = f"files/h{h}-p{p}.html"
            (root / name).write_bytes(body)
            pages[f"http://site{h}.example.vn/bai-{p}.html"] = {
                "file": name,
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            }
    (root / "manifest.json").write_text(json.dumps({"pages": pages}), encoding="utf-8")
    return list(pages)


def serve(directory: str, ports: multiprocessing.Queue) -> None:
    from archiver.replay import ReplayServer, ReplaySite

    async def main() -> None:
        server = ReplayServer(ReplaySite(directory))
        await server.start()
        ports.put(server.port)
        await server.serve_forever()

    asyncio.run(main())


async def raw_client(port: int, urls: list[str], offset: int, deadline: float) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = received = 0
    i = offset
    try:
        while time.perf_counter() < deadline:
            url = urls[i % len(urls)]
            i += 1
            host = url.split("/")[2]
            writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head[:40])
            done += 1
            received += len(body)
    finally:
        writer.close()
        await writer.wait_closed()
    return done, received


async def httpx_client(
    port: int, urls: list[str], offset: int, deadline: float, client: object
) -> tuple[int, int]:
    done = received = 0
    i = offset
    while time.perf_counter() < deadline:
        response = await client.get(urls[i % len(urls)])  # type: ignore[attr-defined]
        i += 1
        done += 1
        received += len(response.content)
    return done, received


async def load(
    port: int, urls: list[str], connections: int, seconds: float, use_httpx: bool
) -> tuple[int, int, float]:
    start = time.perf_counter()
    deadline = start + seconds
    if use_httpx:
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(proxy=f"http://127.0.0.1:{port}", limits=limits) as client:
            results = await asyncio.gather(
                *(httpx_client(port, urls, n * 7, deadline, client) for n in range(connections))
            )
    else:
        results = await asyncio.gather(
            *(raw_client(port, urls, n * 7, deadline) for n in range(connections))
        )
    elapsed = time.perf_counter() - start
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--httpx", action="store_true", help="load with httpx instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        urls = build_site(Path(directory))
        ports: multiprocessing.Queue = multiprocessing.Queue()
        server = multiprocessing.Process(target=serve, args=(directory, ports), daemon=True)
        server.start()
        try:
            port = ports.get(timeout=30)
            asyncio.run(load(port, urls, 5, 0.5, args.httpx))  # warm the file cache
            done, received, elapsed = asyncio.run(
                load(port, urls, args.connections, args.seconds, args.httpx)
            )
        finally:
            server.terminate()
            server.join()
    client = "httpx.AsyncClient (proxy)" if args.httpx else "raw asyncio client"
    print(
        f"replay server, {args.connections} keep-alive connections, {HOSTS} hosts, "
        f"{PAGE_BYTES // 1024} KB pages, {client}:"
    )
    print(
        f"  {done} requests in {elapsed:.1f} s = {done / elapsed:,.0f} requests/s, "
        f"{received / elapsed / 1e6:,.0f} MB/s"
    )


if __name__ == "__main__":
    main()
