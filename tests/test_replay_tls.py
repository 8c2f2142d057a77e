"""https replay: CONNECT answered with a TLS tunnel whose certificates a local CA signs."""

from __future__ import annotations

import json
import socket
import ssl
import stat
import sys

import httpx
import pytest

from archiver.replay import ReplayServer, ReplaySite
from archiver.replay.manifest import Entry, ResponseSpec
from archiver.replay.tls import CA_CERT, CA_KEY, LocalCA
from process_support import free_port, serving

PAGE = "<html><body><h1>Đà Nẵng</h1></body></html>"


def _trusting(cafile) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile))


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> LocalCA:
    authority = LocalCA(tmp_path_factory.mktemp("ca"))
    yield authority
    authority.close()


@pytest.fixture
def site() -> ReplaySite:
    html = (("Content-Type", "text/html; charset=utf-8"),)
    return ReplaySite(
        entries=[
            Entry("https://vnexpress.net/a-1.html", (ResponseSpec(text=PAGE, headers=html),)),
            Entry("http://tamky.gov.vn/", (ResponseSpec(text="portal", headers=html),)),
            Entry("https://127.0.0.1:8443/x", (ResponseSpec(text="by address", headers=html),)),
        ]
    )


def test_https_urls_replay_through_connect_for_a_client_trusting_the_ca(site, ca):
    with (
        ReplayServer(site, tls=ca) as proxy,
        httpx.Client(proxy=proxy, verify=_trusting(ca.cert_path)) as client,
    ):
        page = client.get("https://vnexpress.net/a-1.html")
        assert (page.status_code, page.text) == (200, PAGE)
        assert client.get("https://vnexpress.net/missing.html").status_code == 404
        assert client.get("http://tamky.gov.vn/").text == "portal"  # plain http still served
        assert client.get("https://127.0.0.1:8443/x").text == "by address"


def test_a_client_that_does_not_trust_the_ca_is_refused(site, ca):
    with (
        ReplayServer(site, tls=ca) as proxy,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        httpx.get("https://vnexpress.net/a-1.html", proxy=proxy)


def test_the_host_certificate_names_the_host_and_chains_to_the_ca(site, ca):
    with ReplayServer(site, tls=ca) as proxy:
        port = int(proxy.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"CONNECT vnexpress.net:443 HTTP/1.1\r\nHost: vnexpress.net:443\r\n\r\n")
            assert raw.recv(1024).startswith(b"HTTP/1.1 200")
            context = ssl.create_default_context(cafile=str(ca.cert_path))
            with context.wrap_socket(raw, server_hostname="vnexpress.net") as tls:
                cert = tls.getpeercert()
    assert ("DNS", "vnexpress.net") in cert["subjectAltName"]
    issuer = dict(pair[0] for pair in cert["issuer"])
    assert issuer["organizationName"] == "archiver"


def test_the_ca_is_made_once_and_its_key_is_private(tmp_path):
    first = LocalCA(tmp_path / "ca")
    pem = (tmp_path / "ca" / CA_CERT).read_bytes()
    assert stat.S_IMODE((tmp_path / "ca" / CA_KEY).stat().st_mode) == 0o600
    first.close()
    again = LocalCA(tmp_path / "ca")
    assert (tmp_path / "ca" / CA_CERT).read_bytes() == pem
    again.close()


def test_archiver_replay_https_serves_https_captures(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    manifest = {
        "format": "archiver-replay",
        "version": 1,
        "pages": {"https://vnexpress.net/a-1.html": {"status": 200, "text": PAGE}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    port = free_port()
    args = [sys.executable, "-m", "archiver", "replay", str(folder), "--https"]
    args += ["--ca-dir", str(tmp_path / "ca"), "--port", str(port)]
    with serving(args, tmp_path, lambda output: "trust the CA" in output) as log:
        cafile = tmp_path / "ca" / CA_CERT
        assert str(cafile) in log.read_text()
        page = httpx.get(
            "https://vnexpress.net/a-1.html",
            proxy=f"http://127.0.0.1:{port}",
            verify=_trusting(cafile),
        )
        assert page.text == PAGE
