"""Offline replay: a website served from saved files, for tests, benchmarks and the demo.

A replay directory holds ``manifest.json`` and the files it names::

    site/
      manifest.json
      files/tamky.gov.vn/3f2a9c....html

``manifest.json``::

    {
      "format": "archiver-replay",
      "version": 1,
      "pages": {
        "http://tamky.gov.vn/": {
          "file": "files/tamky.gov.vn/3f2a9c....html",
          "status": 200,
          "headers": [["Content-Type", "text/html; charset=utf-8"],
                      ["ETag", "\\"v1\\""], ["Last-Modified", "Wed, 04 Jul 2018 08:34:00 GMT"]]
        },
        "http://tamky.gov.vn/robots.txt": {"text": "User-agent: *\\nCrawl-delay: 2\\n"},
        "http://tamky.gov.vn/old": {"status": 301, "headers": {"Location": "/"}},
        "http://tamky.gov.vn/flaky": {"responses": [
          {"status": 503, "headers": {"Retry-After": "2"}},
          {"file": "files/tamky.gov.vn/flaky.html"}
        ]},
        "http://vnexpress.net/slow": {"text": "late", "delay": 1.5},
        "http://vnexpress.net/huge": {"generate_bytes": 20000000},
        "http://vnexpress.net/gz": {"file": "files/vnexpress.net/a.html", "gzip": true},
        "http://vnexpress.net/bomb": {"gzip_bomb": 1000000000},
        "http://vnexpress.net/chunked": {"text": "...", "chunked": true},
        "http://vnexpress.net/reset": {"close": true}
      }
    }

Keys of ``pages`` are absolute URLs, several hosts allowed. They are matched after
``normalize_url`` (so query order and tracking parameters do not matter) and without
their scheme: ``http://`` and ``https://`` name the same page (replay speaks plain http).

An entry is one response, or ``{"responses": [...]}``: successive requests get
successive responses and the last one repeats (503 then 200; 429 + Retry-After then 200).
A response has:

``status``          HTTP status, default 200.
``headers``         object or list of [name, value] pairs (a list keeps duplicates). Sent
                    as given, except Content-Length, Transfer-Encoding, Content-Encoding and
                    Connection, which replay sets itself. Content-Type defaults from the
                    file name or URL (inline text says ``charset=utf-8``).
``file``            body: a path relative to the directory, or
``text``            body: inline text, sent as UTF-8, or
``generate_bytes``  body: N bytes of generated HTML filler, streamed, never held in memory, or
``gzip_bomb``       body: gzip data inflating to N zero bytes (``Content-Encoding: gzip``).
``gzip``            true: send the body gzip-compressed with ``Content-Encoding: gzip``.
``chunked``         true: no Content-Length, ``Transfer-Encoding: chunked``.
``delay``           seconds to wait before answering.
``close``           true: drop the connection without answering (a connection error).
``note``            free text, ignored.

A 200 response with an ETag or Last-Modified header answers ``If-None-Match`` /
``If-Modified-Since`` with 304 when they match. A URL not in the manifest gets 404.

:class:`ReplaySite` loads a directory; :class:`ReplayServer` serves it over HTTP on
loopback (origin-form and proxy-form requests); :class:`ReplayTransport` serves it to
an httpx client in-process; :class:`Recorder` writes fetched exchanges in this format.
Every request is logged in ``site.log`` (:class:`RequestLog`) with its in-flight count.
"""

from archiver.replay.log import LoggedRequest, RequestLog
from archiver.replay.manifest import Entry, ResponseSpec, load_manifest
from archiver.replay.recorder import Recorder
from archiver.replay.server import ReplayServer
from archiver.replay.site import ReplayResponse, ReplaySite
from archiver.replay.transport import ReplayTransport

__all__ = [
    "Entry",
    "LoggedRequest",
    "Recorder",
    "ReplayResponse",
    "ReplayServer",
    "ReplaySite",
    "ReplayTransport",
    "RequestLog",
    "ResponseSpec",
    "load_manifest",
]
