"""Defaults, in one place: every tunable the crawler, fetcher and store read.

    >>> from archiver.settings import DEFAULTS
    >>> DEFAULTS.delay
    1.0

A crawl's settings are ``DEFAULTS`` updated from a profile's ``[crawl]`` table,
a ``--config`` file and command-line options (in that order), with
``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.version import __version__

CONTACT_URL = "https://github.com/archiver-vn/archiver#for-site-owners"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every crawl setting with its default; frozen, so a crawl's settings never drift."""

    #: Identifying User-Agent with a contact URL, as polite crawlers send.
    user_agent: str = f"archiver/{__version__} (+{CONTACT_URL})"
    #: Seconds between two requests to one host (never below the host's Crawl-delay).
    delay: float = 1.0
    #: Requests in flight per host.
    per_host: int = 1
    #: Hosts with requests in flight at the same time, for the whole crawl (0: no limit).
    concurrency: int = 16
    #: Adapt the delay to the server's latency and errors (AutoThrottle-style).
    autothrottle: bool = True
    #: Longest delay autothrottle may reach, in seconds.
    max_delay: float = 60.0
    #: Timeouts in seconds.
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    #: Waiting for a free connection in a host's pool.
    pool_timeout: float = 30.0
    #: Deadline for one whole exchange (connect, headers and body), whatever the other timeouts.
    total_timeout: float = 120.0
    #: Deadline for one URL across all its tries, retries and redirects: a server sending a
    #: byte a second (slow-loris) holds its host this long at most; the URL then counts as
    #: failed and is tried again in a later turn.
    url_deadline: float = 60.0
    #: Close a host's HTTP client (and its keep-alive connections) after this long unused.
    idle_client_timeout: float = 60.0
    #: Check TLS certificates. Some portals serve expired or incomplete chains; an archive
    #: that must have them anyway can turn this off (the pages are recorded as served).
    verify_tls: bool = True
    #: Largest response body kept (bytes, after decompression).
    max_response_bytes: int = 10 * 1024 * 1024
    #: Largest compressed-to-decompressed ratio accepted (zip-bomb guard).
    max_decompression_ratio: int = 100
    max_redirects: int = 10
    #: Attempts per URL for retryable failures (connection errors, timeouts, 5xx, 429).
    retries: int = 4
    #: First backoff in seconds; it doubles with each attempt, plus up to as much again of jitter.
    retry_backoff: float = 2.0
    #: Longest wait before a retry; a Retry-After asking more sends the URL back to the frontier.
    retry_max_wait: float = 300.0
    #: HTTP statuses worth a retry (as Scrapy's RETRY_HTTP_CODES).
    retry_statuses: tuple[int, ...] = (408, 429, 500, 502, 503, 504, 522, 524)
    #: When to revisit an article after publication to record its view count.
    revisit_after: tuple[str, ...] = ("1h", "1d", "7d", "30d")
    #: Stop after this many pages fetched in one run (0: no limit).
    max_pages: int = 0
    #: Stop the run after this many seconds (0: no limit), as Scrapy's CLOSESPIDER_TIMEOUT:
    #: the pages in flight get ``stop_grace``, the rest waits for the next run. A config
    #: file may write it as a duration: ``"45m"``, ``"2h"``, ``"1h30m"``.
    max_time: float = 0.0
    #: Seconds the pages in flight get to finish when a crawl is asked to stop (SIGTERM,
    #: Ctrl-C); a second signal stops at once.
    stop_grace: float = 5.0


DEFAULTS = Settings()
