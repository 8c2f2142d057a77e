"""robots.txt policies (archiver.fetch.robots): parsing quirks and what each fetch outcome allows,
as the module's one table says."""

from __future__ import annotations

import pytest

from archiver.fetch.robots import MAX_ROBOTS_BYTES, RobotsPolicy

URL = "http://tamky.gov.vn/robots.txt"
UA = "archiver/0.1 (+https://example.org/archiver)"


def policy(text: str | bytes) -> RobotsPolicy:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return RobotsPolicy.from_response(200, body, URL)


def test_disallowed_path_is_refused_and_others_allowed() -> None:
    rules = policy("User-agent: *\nDisallow: /CMSPages/Admin/\n")
    assert not rules.can_fetch("http://tamky.gov.vn/CMSPages/Admin/login.aspx", UA)
    assert rules.can_fetch("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1", UA)


def test_bom_and_crlf_do_not_hide_the_first_group() -> None:
    rules = policy(b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private\r\n")
    assert not rules.can_fetch("http://tamky.gov.vn/private/a", UA)


def test_empty_disallow_allows_everything() -> None:
    rules = policy("User-agent: *\nDisallow:\n")
    assert rules.can_fetch("http://tamky.gov.vn/anything", UA)


def test_wildcard_and_end_anchor() -> None:
    rules = policy("User-agent: *\nDisallow: /*?print=\nDisallow: /*.pdf$\n")
    assert not rules.can_fetch("http://tamky.gov.vn/a.aspx?print=1", UA)
    assert not rules.can_fetch("http://tamky.gov.vn/files/report.pdf", UA)
    assert rules.can_fetch("http://tamky.gov.vn/files/report.pdf.html", UA)


def test_specific_agent_group_wins_over_star() -> None:
    rules = policy(
        "User-agent: *\nDisallow: /\n\nUser-agent: archiver\nDisallow: /tmp/\nCrawl-delay: 3\n"
    )
    assert rules.can_fetch("http://tamky.gov.vn/tin-tuc/a.html", UA)
    assert not rules.can_fetch("http://tamky.gov.vn/tin-tuc/a.html", "OtherBot/1.0")
    assert rules.crawl_delay(UA) == 3.0
    assert rules.crawl_delay("OtherBot/1.0") is None


def test_fractional_crawl_delay() -> None:
    assert policy("User-agent: *\nCrawl-delay: 2.5\n").crawl_delay(UA) == 2.5


def test_request_rate_counts_as_a_delay_when_it_is_slower() -> None:
    rules = policy("User-agent: *\nCrawl-delay: 1\nRequest-rate: 1/10s\n")
    assert rules.crawl_delay(UA) == 10.0
    rate = rules.request_rate(UA)
    assert rate is not None and (rate.requests, rate.seconds) == (1, 10)


def test_garbage_lines_are_ignored() -> None:
    rules = policy(
        "<html><body>Not found</body></html>\nUser-agent: *\nthis is not a rule\n"
        "Disallow: /search\n;;;\n"
    )
    assert not rules.can_fetch("http://tamky.gov.vn/search?q=x", UA)
    assert rules.can_fetch("http://tamky.gov.vn/", UA)


def test_sitemaps_listed_in_order() -> None:
    rules = policy(
        "Sitemap: http://tamky.gov.vn/sitemap.xml\nUser-agent: *\nDisallow:\n"
        "Sitemap: http://tamky.gov.vn/news.xml\n"
    )
    assert rules.sitemaps == ["http://tamky.gov.vn/sitemap.xml", "http://tamky.gov.vn/news.xml"]


def test_robots_txt_itself_is_always_fetchable() -> None:
    assert policy("User-agent: *\nDisallow: /\n").can_fetch(URL, UA)


@pytest.mark.parametrize("status", [401, 403, 404, 410, 418, 301])
def test_client_errors_mean_everything_is_allowed(status: int) -> None:
    rules = RobotsPolicy.from_response(status, b"User-agent: *\nDisallow: /\n", URL)
    assert rules.state == "unavailable"
    assert rules.can_fetch("http://tamky.gov.vn/a", UA)
    assert not rules.unreachable
    assert rules.retry_after is None


@pytest.mark.parametrize("status", [429, 500, 502, 503, None])
def test_server_errors_and_429_mean_nothing_is_allowed_until_a_retry(status: int | None) -> None:
    rules = RobotsPolicy.from_response(status, b"", URL, retry_after=30.0)
    assert rules.unreachable
    assert rules.retry_after == 30.0 and rules.retry_wait == 30.0
    assert not rules.can_fetch("http://tamky.gov.vn/a", UA)
    assert rules.sitemaps == []
    assert rules.crawl_delay(UA) is None


def test_body_beyond_500_kib_is_ignored_without_cutting_a_rule() -> None:
    filler = b"# " + b"x" * 100 + b"\n"
    head = b"User-agent: *\nDisallow: /early\n"
    padding = filler * ((MAX_ROBOTS_BYTES - len(head)) // len(filler))
    # This rule straddles the 500 KiB limit: half of it must not become "Disallow: /".
    straddling = b"Disallow: /late-and-long-path\n"
    body = head + padding + b"#" * (MAX_ROBOTS_BYTES - len(head) - len(padding) - 10)
    body += straddling
    rules = RobotsPolicy.from_response(200, body, URL)
    assert rules.truncated
    assert not rules.can_fetch("http://tamky.gov.vn/early", UA)
    assert rules.can_fetch("http://tamky.gov.vn/late-and-long-path", UA)
    assert rules.can_fetch("http://tamky.gov.vn/other", UA)


def test_invalid_utf8_does_not_break_parsing() -> None:
    rules = policy(b"User-agent: *\nDisallow: /tin-t\xe1c/\nDisallow: /admin\n")
    assert not rules.can_fetch("http://tamky.gov.vn/admin", UA)


def test_an_unreachable_policy_without_retry_after_waits_the_default() -> None:
    from archiver.fetch.robots import UNREACHABLE_RETRY_SECONDS

    rules = RobotsPolicy(URL, "unreachable")
    assert rules.retry_wait == UNREACHABLE_RETRY_SECONDS
