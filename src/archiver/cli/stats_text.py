"""The text of ``archiver stats``: totals, sites, months (gaps as 0), runs, warnings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archiver.dates.stored import now_iso
from archiver.store import Stats
from archiver.store.stats import month_range

__all__ = ["run_lines", "stats_text"]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def stats_text(data: Stats, months: int) -> str:
    """What ``archiver stats`` prints."""
    out: list[str] = []
    echo = out.append
    for warning in data.warnings:  # first: a broken profile is the news of the day
        echo(f"warning: {warning}")
    totals = data.totals
    echo(
        f"{totals['articles']:,} articles ({totals['stories']:,} stories) "
        f"from {totals['sites']} sites; "
        f"{totals['fetches']:,} fetches ({totals['failed_fetches']:,} failed); "
        f"{totals['body_bytes_stored'] / 1e6:,.1f} MB of raw pages stored "
        f"({totals['body_bytes'] / 1e6:,.1f} MB uncompressed)"
    )
    echo(
        f"{totals['aliases']:,} alias URLs, {totals['versions']:,} earlier versions, "
        f"{totals['view_counts']:,} view-count observations, "
        f"{totals['near_duplicate_links']:,} near-duplicate links\n"
    )
    if data.sites:
        fields = list(data.sites[0].missing)
        echo(
            "site".ljust(22)
            + "articles".rjust(9)
            + "  published".ljust(25)
            + "  missing: "
            + ", ".join(fields)
        )
        for site in data.sites:
            span = f"{(site.first_published or '?')[:10]}..{(site.last_published or '?')[:10]}"
            missing = "  ".join(
                _percent(site.missing[f], site.articles).rjust(len(f)) for f in fields
            )
            echo(f"{site.site[:21]:<22}{site.articles:>9,}  {span:<23}  {missing}")
        echo("")
    _months(data, months, echo)
    for run in data.runs:
        echo("\n".join(run_lines(run.id, run.status, run.started_at, run.finished_at, run.stats)))
    if data.fleet is not None:
        _fleet(data.fleet, echo)
    return "\n".join(out)


def _fleet(fleet: dict[str, Any], echo: Callable[[str], None]) -> None:
    """The crawlers at work on a shared archive: their leased URLs and host slots."""
    runs = fleet["runs"]
    echo(f"\nfleet: {len(runs)} crawl run(s) active")
    for run in runs:
        echo(
            f"  run {run['id']}: started {run['started_at']}, last seen {run['last_beat'] or '-'}"
            f", {run['leased_urls']:,} URLs leased, {run['host_slots']} host slot(s) in use"
        )
    if fleet["expired_leases"]:
        echo(
            f"  {fleet['expired_leases']:,} leased URLs of a stopped crawler are back "
            "for the taking"
        )


def _months(data: Stats, count: int, echo: Callable[[str], None]) -> None:
    """The last ``count`` months up to now (or the newest article), gaps shown as 0."""
    known = [month for _, month in data.months if month != "unknown"]
    if not known:
        return
    last = max(max(known), now_iso()[:7])
    first = min(known)
    shown = month_range(first, last)[-count:]
    echo("articles per month".ljust(22) + "".join(m.rjust(9) for m in shown))
    for site in data.sites:
        counts = "".join(f"{data.months.get((site.site, m), 0):>9,}" for m in shown)
        echo(f"{site.site[:21]:<22}{counts}")
    echo("")


_LABELS = {
    "pages": "pages",
    "pages_ok": "ok",
    "errors": "failed",
    "retries": "retries",
    "articles_new": "new",
    "articles_updated": "updated",
    "articles_unchanged": "unchanged",
    "aliases": "duplicate URLs",
    "view_counts": "view counts",
    "not_modified": "not modified (304)",
}


def run_lines(
    run_id: int,
    status: str,
    started: str,
    finished: str | None,
    counters: dict[str, Any] | None,
) -> list[str]:
    """A crawl run as a few readable lines: its span, pages, articles, kinds and hosts."""
    end = finished or "-"
    if finished and finished[:10] == started[:10]:
        end = finished[11:19]
    lines = [f"run {run_id}: {status}, {started[:19].replace('T', ' ')} .. {end}"]
    data = dict(counters or {})
    if not data:
        return lines

    def some(*names: str) -> str:
        return ", ".join(
            f"{data.pop(name):,} {_LABELS[name]}"
            for name in names
            if isinstance(data.get(name), int)
        )

    pages = some("pages")
    details = some("pages_ok", "errors", "retries")
    seconds, rate, size = (
        data.pop("seconds", None),
        data.pop("pages_per_second", None),
        data.pop("bytes", None),
    )
    extra = [
        f"{size / 1e6:,.1f} MB" if isinstance(size, int | float) else "",
        f"{seconds:,.1f} s" if isinstance(seconds, int | float) else "",
        f"{rate:,.1f} pages/s" if isinstance(rate, int | float) else "",
    ]
    if pages:
        lines.append(
            f"  {pages}"
            + (f" ({details})" if details else "")
            + "".join(f", {e}" for e in extra if e)
        )
    articles = some("articles_new", "articles_updated", "articles_unchanged", "aliases")
    others = some("view_counts", "not_modified")
    if articles or others:
        lines.append("  articles: " + "; ".join(filter(None, (articles, others))))
    failures = data.pop("failures", None)
    for name, value in data.items():
        if isinstance(value, dict):
            ranked = sorted(value.items(), key=lambda item: (-_number(item[1]), str(item[0])))
            lines.append(
                f"  {name}: "
                + ", ".join(
                    f"{key} {count:,}" if isinstance(count, int) else f"{key} {count}"
                    for key, count in ranked
                )
            )
        elif not isinstance(value, list):
            lines.append(f"  {name}: {value}")
    if isinstance(failures, list) and failures:
        lines.append(f"  failed pages ({len(failures)}{'+' if len(failures) >= 100 else ''}):")
        for failure in failures[:5]:
            if isinstance(failure, dict):
                lines.append(f"    {failure.get('url')}  {failure.get('error')}")
        if len(failures) > 5:
            lines.append(f"    ... and {len(failures) - 5} more (crawl_runs.stats)")
    return lines


def _number(value: Any) -> float:
    return value if isinstance(value, int | float) else 0
