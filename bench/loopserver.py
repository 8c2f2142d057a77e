"""A cheap HTTP/1.1 server on loopback simulating many hosts (one port each) with fixed latency.

For benchmarks of the fetcher and the crawler: every port answers every GET after
``delay`` seconds with preformatted response bytes (keep-alive, pipelining tolerated),
so the server costs almost no CPU and the client is what gets measured. It binds
127.0.0.1 only.

    async with LoopServer(hosts=50, delay=0.05, size=100_000) as server:
        urls = server.urls                     # http://127.0.0.1:PORT/ per host

    with LoopServerProcess(hosts=50) as ports:  # in a child process: its CPU is not ours
        ...

A crawl benchmark that needs pages with links passes ``respond(port, path) -> bytes``
returning whole responses (build them with :func:`http_response` and cache them).

    .venv/bin/python bench/loopserver.py --hosts 50 --delay 0.05 --size 100000
    # prints {"ports": [...]} on one line, serves until stdin closes or it is killed
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Callable
from types import TracebackType

__all__ = ["LoopServer", "LoopServerProcess", "filler_page", "http_response"]

HOST = "127.0.0.1"
Respond = Callable[[int, bytes], bytes]


def filler_page(size: int) -> bytes:
    """An HTML page of ``size`` bytes (Vietnamese text, so decoders do real work)."""
    head = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Trang</title></head><body>"
    line = "<p>Tin tức thời sự trong ngày, trang lưu trữ của cổng thông tin.</p>\n".encode()
    tail = b"</body></html>\n"
    room = max(0, size - len(head) - len(tail))
    return head + (line * (room // len(line) + 1))[:room] + tail


def http_response(
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A whole HTTP/1.1 response, ready to write."""
    lines = [
        f"HTTP/1.1 {status}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
        *(f"{k}: {v}" for k, v in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Connection(asyncio.Protocol):
    def __init__(self, server: LoopServer, port: int) -> None:
        self.server = server
        self.port = port
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            target = head.split(b"\r\n", 1)[0].split(b" ")
            path = target[1] if len(target) > 1 else b"/"
            response = self.server.respond(self.port, path)
            self.server.requests += 1
            if self.server.delay:
                self.server.loop.call_later(self.server.delay, self._write, response)
            else:
                self._write(response)

    def _write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)


class LoopServer:
    """``hosts`` ports on 127.0.0.1, each answering after ``delay`` seconds."""

    def __init__(
        self,
        hosts: int = 50,
        delay: float = 0.05,
        size: int = 100_000,
        respond: Respond | None = None,
    ) -> None:
        self.hosts = hosts
        self.delay = delay
        fixed = http_response(filler_page(size))
        self.respond: Respond = respond or (lambda port, path: fixed)
        self.ports: list[int] = []
        self.requests = 0
        self.connections = 0
        self._servers: list[asyncio.Server] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://{HOST}:{port}/" for port in self.ports]

    async def start(self) -> list[int]:
        self.loop = asyncio.get_running_loop()
        for _ in range(self.hosts):
            holder: list[int] = []
            server = await self.loop.create_server(
                lambda h=holder: _Connection(self, h[0]), HOST, 0, backlog=1024
            )
            holder.append(server.sockets[0].getsockname()[1])
            self.ports.append(holder[0])
            self._servers.append(server)
        return self.ports

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()
        self._servers = []

    async def __aenter__(self) -> LoopServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class LoopServerProcess:
    """The same server in a child process (the default fixed page); yields its ports."""

    def __init__(self, hosts: int = 50, delay: float = 0.05, size: int = 100_000) -> None:
        self.args = ["--hosts", str(hosts), "--delay", str(delay), "--size", str(size)]
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> list[int]:
        self._process = subprocess.Popen(
            [sys.executable, __file__, *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait()
            raise RuntimeError("loopserver did not start")
        return list(json.loads(line)["ports"])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()  # the child stops when its stdin closes
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


async def _serve(hosts: int, delay: float, size: int) -> None:
    async with LoopServer(hosts, delay, size) as server:
        print(json.dumps({"ports": server.ports}), flush=True)
        loop = asyncio.get_running_loop()
        # Until stdin closes (the parent is done or gone).
        await loop.run_in_executor(None, sys.stdin.read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.hosts, args.delay, args.size))


if __name__ == "__main__":
    main()
