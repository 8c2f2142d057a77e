"""A local certificate authority for replaying https captures, as pywb's proxy mode does.

A client that sends ``CONNECT tamky.gov.vn:443`` to ``archiver replay`` gets a TLS
tunnel whose certificate, for ``tamky.gov.vn``, is signed by this CA. Trust the CA
once (``curl --cacert``, httpx ``verify=``, a browser's certificate settings) and
https URLs replay under their real names, every packet on loopback.

The CA is made on first use in a directory of its own (``--ca-dir``; by default
``$XDG_DATA_HOME/archiver/replay-ca``): ``archiver-replay-ca.pem`` is the certificate
to trust, ``archiver-replay-ca.key`` its private key (mode 0600, never leaves the
machine). Host certificates are made in memory when a host is first asked for.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import ssl
import tempfile
import threading
from pathlib import Path

from archiver.atomic import replacing

__all__ = ["CA_CERT", "LocalCA", "default_ca_dir"]

CA_CERT = "archiver-replay-ca.pem"
CA_KEY = "archiver-replay-ca.key"
_DAY = datetime.timedelta(days=1)


def default_ca_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "archiver" / "replay-ca"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class LocalCA:
    """The CA in ``directory`` (made there if absent) and TLS contexts for the hosts it signs."""

    def __init__(self, directory: str | Path | None = None) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        self._x509, self._hashes, self._serialization = x509, hashes, serialization
        self._ec, self._eku, self._oid = ec, ExtendedKeyUsageOID, NameOID
        self.directory = Path(directory) if directory is not None else default_ca_dir()
        self.cert_path = self.directory / CA_CERT
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._scratch = tempfile.TemporaryDirectory(prefix="archiver-replay-tls-")
        if not self.cert_path.exists() or not (self.directory / CA_KEY).exists():
            self._create()
        self._key = serialization.load_pem_private_key(
            (self.directory / CA_KEY).read_bytes(), password=None
        )
        self._cert = x509.load_pem_x509_certificate(self.cert_path.read_bytes())

    def _create(self) -> None:
        x509, hashes, serialization = self._x509, self._hashes, self._serialization
        self.directory.mkdir(parents=True, exist_ok=True)
        key = self._ec.generate_private_key(self._ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(self._oid.ORGANIZATION_NAME, "archiver"),
                x509.NameAttribute(
                    self._oid.COMMON_NAME, f"archiver replay CA ({socket.gethostname()})"
                ),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - _DAY)
            .not_valid_after(_now() + 3650 * _DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_file = self.directory / CA_KEY
        with replacing(key_file, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(key_pem)
        with replacing(self.cert_path, "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))

    def _host_pem(self, host: str) -> bytes:
        x509, hashes, serialization = self._x509, self._hashes, self._serialization
        key = self._ec.generate_private_key(self._ec.SECP256R1())
        try:
            alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(self._oid.COMMON_NAME, host[:64])]))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - _DAY)
            .not_valid_after(_now() + 365 * _DAY)
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([self._eku.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._cert.public_key()),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def context(self, host: str) -> ssl.SSLContext:
        """A server-side TLS context presenting a certificate for ``host`` signed by the CA."""
        host = host.strip("[]").lower()
        with self._lock:
            found = self._contexts.get(host)
            if found is None:
                # ssl loads certificates only from files: a private scratch directory.
                chain = Path(self._scratch.name) / f"{len(self._contexts)}.pem"
                chain.write_bytes(self._host_pem(host))
                found = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                found.load_cert_chain(chain)
                chain.unlink()
                self._contexts[host] = found
            return found

    def close(self) -> None:
        self._scratch.cleanup()
