"""Frozen records the archive hands back: save outcomes, search hits, statistics, reparse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Outcome",
    "ReparseSummary",
    "RunInfo",
    "SaveResult",
    "SearchHit",
    "SiteStats",
    "Stats",
    "ViewCount",
]

Outcome = Literal["new", "updated", "unchanged", "alias", "not-article"]


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What saving one exchange did.

    ``outcome``: ``new`` (a new article), ``updated`` (a known article whose fields
    changed; a version row keeps the old title/body if those changed),
    ``unchanged`` (a known article seen again), ``alias`` (the same content as an
    article already stored under another URL; the URL was recorded as an alias),
    ``not-article`` (only the fetch was stored). ``near_duplicates`` lists the
    earlier articles this one was linked to as a near-copy.
    """

    fetch_id: int
    article_id: int | None
    outcome: Outcome
    near_duplicates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ViewCount:
    """One observation of an article's view counter: when it was read, and what it said."""

    observed_at: str
    view_count: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result. ``snippet`` is original text; ``highlights`` are spans in it.

    ``score`` is FTS5's bm25 (negated: higher is better; a word in more than half of
    the articles has its weight floored at 1e-6 by FTS5, so its scores are tiny);
    ``rank`` is the position in the results (pages holding a query's words as a
    phrase come first, so ranks need not follow scores).
    """

    article_id: int
    url: str
    site: str
    title: str | None
    published_at: str | None
    author: str | None
    snippet: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()
    rank: int = 0

    def marked(self, start: str = "**", end: str = "**") -> str:
        """The snippet with each highlighted span wrapped in ``start``/``end``."""
        out, last = [], 0
        for begin, finish in self.highlights:
            out += [self.snippet[last:begin], start, self.snippet[begin:finish], end]
            last = finish
        out.append(self.snippet[last:])
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "url": self.url,
            "site": self.site,
            "title": self.title,
            "published_at": self.published_at,
            "author": self.author,
            "snippet": self.marked(),
            "score": float(f"{self.score:.6g}"),
            "rank": self.rank,
        }


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Per-site counts; ``missing`` maps a field name to how many articles lack it."""

    site: str
    articles: int
    first_published: str | None
    last_published: str | None
    missing: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    arguments: dict[str, Any]
    stats: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Stats:
    """What ``archiver stats`` shows.

    ``months`` maps (site, "YYYY-MM") to article counts, with 0 for the months between a
    site's first and last that have none; ``warnings`` name sites whose missing-field
    rate jumped between runs.
    """

    totals: dict[str, int]
    sites: tuple[SiteStats, ...]
    months: dict[tuple[str, str], int]
    runs: tuple[RunInfo, ...]
    warnings: tuple[str, ...] = ()
    #: On a shared (PostgreSQL) archive: the running crawlers, their leases, and leases
    #: that expired (a crawler died; the next claim takes its URLs back). None on SQLite.
    fleet: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals,
            "sites": [
                {
                    "site": s.site,
                    "articles": s.articles,
                    "first_published": s.first_published,
                    "last_published": s.last_published,
                    "missing": s.missing,
                }
                for s in self.sites
            ],
            "months": [
                {"site": site, "month": month, "articles": count}
                for (site, month), count in sorted(self.months.items())
            ],
            "runs": [
                {
                    "id": r.id,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "status": r.status,
                    "arguments": r.arguments,
                    "stats": r.stats,
                }
                for r in self.runs
            ],
            "warnings": list(self.warnings),
            **({"fleet": self.fleet} if self.fleet is not None else {}),
        }


@dataclass(frozen=True, slots=True)
class ReparseSummary:
    """Counts of what re-extraction did; ``failures`` holds (fetch id, url, error) samples."""

    examined: int
    outcomes: dict[str, int]
    failed: int
    failures: tuple[tuple[int, str, str], ...] = ()
