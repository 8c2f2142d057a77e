"""The crawl frontier: every URL a crawl knows, with its state, kept in the archive itself.

States: ``queued`` (waiting for ``next_fetch_at``), ``in_flight`` (claimed by a
running crawl), ``done`` and ``failed``. Because the frontier lives in the same
SQLite file as the archive, a page's fetch, its article and the change of its
frontier row commit in one transaction: a crawl killed at any moment resumes
where it stopped, with nothing lost and nothing doubled. Rows left ``in_flight``
by a dead run go back to ``queued`` when the next run starts.

Every function takes a cursor inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from archiver.dates.stored import iso
from archiver.extract import EXTRACTOR_VERSION
from archiver.store.results import SaveResult

if TYPE_CHECKING:
    from archiver.store.database import Database

#: What to fetch first: robots.txt, then the indexes of a site, then articles, then the rest.
PRIORITY = {
    "robots": 100,
    "sitemap": 90,
    "feed": 90,
    "seed": 80,
    "listing": 60,
    "archive": 40,
    "article": 50,
    "revisit": 55,
    "page": 20,
}
#: Kinds that point at other pages: re-read at the start of every run to find what is new.
DISCOVERY_KINDS = ("seed", "sitemap", "feed")
_COLUMNS = "id, url, host, site, kind, depth, attempts, etag, last_modified, article_id, revisits"


# The crawl makes a NewURL for each new link of a page and a Claimed for each URL it takes:
# named tuples, whose constructor makes one tuple, where a frozen dataclass's ``__init__``
# set each field through ``object.__setattr__`` (about 4 times the time for a NewURL).
class NewURL(NamedTuple):
    """A URL to add to the frontier, and where it was found."""

    url: str
    host: str
    site: str | None
    kind: str
    depth: int = 0
    discovered_from: str | None = None
    priority: int | None = None


class Claimed(NamedTuple):
    """A frontier row handed to the crawl to fetch."""

    id: int
    url: str
    host: str
    site: str | None
    kind: str
    depth: int
    attempts: int
    etag: str | None
    last_modified: str | None
    article_id: int | None
    revisits: int


def add(cur: Any, urls: Iterable[NewURL], now: str) -> int:
    """Queue URLs not seen before; return how many were new. Known URLs are left as they are."""
    return len(add_new(cur, urls, now))


#: Rows of one multi-row ``INSERT`` at most (9 parameters each: far under SQLite's 32,766
#: and PostgreSQL's 65,535 parameters a statement). A shorter one is padded to a power of
#: two with copies of its last row (which insert nothing): ten statement texts in all, so
#: the connection's statement cache keeps them, and the rest, prepared.
INSERT_ROWS = 512
_NEW_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"


def add_new(cur: Any, urls: Iterable[NewURL], now: str) -> set[str]:
    """Queue the URLs the frontier does not know yet, a few hundred rows a statement;
    return those that were new (known ones are left as they are)."""
    rows = list(urls)
    new: set[str] = set()
    for start in range(0, len(rows), INSERT_ROWS):
        chunk = rows[start : start + INSERT_ROWS]
        chunk += chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))
        params: list[Any] = []
        for u in chunk:
            priority = u.priority if u.priority is not None else PRIORITY[u.kind]
            params += (u.url, u.host, u.site, u.kind, u.depth, u.discovered_from, now, now)
            params.append(priority)
        marks = ", ".join([_NEW_ROW] * len(chunk))
        cur.execute(
            "INSERT INTO frontier(url, host, site, kind, depth, discovered_from, next_fetch_at, "
            f"discovered_at, priority) VALUES {marks} ON CONFLICT DO NOTHING RETURNING url",
            params,
        )
        new.update(row[0] for row in cur.fetchall())
    return new


def recover(cur: sqlite3.Cursor) -> int:
    """Put rows a dead run left ``in_flight`` back in the queue; return how many."""
    cur.execute("UPDATE frontier SET state = 'queued' WHERE state = 'in_flight'")
    return cur.rowcount


def requeue(cur: sqlite3.Cursor, kinds: Iterable[str], hosts: Iterable[str], now: str) -> int:
    """Make ``done`` rows of the given kinds due again (an incremental run re-reads its indexes)."""
    kinds, hosts = list(kinds), list(hosts)
    if not kinds or not hosts:
        return 0
    cur.execute(
        f"UPDATE frontier SET state = 'queued', next_fetch_at = ?, attempts = 0 "
        f"WHERE state IN ('done', 'failed') AND kind IN ({','.join('?' * len(kinds))}) "
        f"AND host IN ({','.join('?' * len(hosts))})",
        [now, *kinds, *hosts],
    )
    return cur.rowcount


def due_count(cur: sqlite3.Cursor, now: str, hosts: list[str]) -> int:
    """How many queued URLs of ``hosts`` are due at ``now``."""
    row = cur.execute(
        "SELECT count(*) FROM frontier WHERE state = 'queued' AND next_fetch_at <= ? "
        f"AND host IN ({','.join('?' * len(hosts))})",
        [now, *hosts],
    ).fetchone()
    return row[0]


def due_by_host(cur: sqlite3.Cursor, now: str, hosts: list[str]) -> dict[str, int]:
    """URLs of ``hosts`` due at ``now`` or in flight, per host (what a run has ahead)."""
    counts: dict[str, int] = {}
    for start in range(0, len(hosts), 500):
        chunk = hosts[start : start + 500]
        counts.update(
            cur.execute(
                "SELECT host, count(*) FROM frontier WHERE state IN ('queued', 'in_flight') "
                f"AND host IN ({','.join('?' * len(chunk))}) AND next_fetch_at <= ? "
                "GROUP BY host",
                [*chunk, now],
            ).fetchall()
        )
    return counts


#: ``last_error`` of a page whose article was left out: published outside the crawl's
#: period (``--since``/``--until``); ``lastmod`` then holds its publication time.
OUTSIDE_PERIOD = "not archived: published outside --since/--until"


def reopen_period(
    cur: sqlite3.Cursor, periods: Iterable[tuple[str, str | None, str | None]], now: str
) -> int:
    """Queue again the pages left out for their date that a site's period now holds.

    ``periods`` gives each site's ``[low, high)`` bounds on ISO times (None: open): a
    run with a wider period fetches the articles an earlier, narrower run passed over.
    """
    bounds = {site: (low, high) for site, low, high in periods}
    if not bounds:
        return 0
    rows = cur.execute(
        "SELECT id, site, lastmod FROM frontier WHERE state = 'done' AND last_error = ?",
        (OUTSIDE_PERIOD,),
    ).fetchall()
    ids = [
        row_id
        for row_id, site, lastmod in rows
        if site in bounds
        and lastmod
        and (bounds[site][0] is None or lastmod >= bounds[site][0])
        and (bounds[site][1] is None or lastmod < bounds[site][1])
    ]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cur.execute(
            "UPDATE frontier SET state = 'queued', next_fetch_at = ?, attempts = 0, "
            "etag = NULL, last_modified = NULL, last_error = NULL "
            f"WHERE id IN ({','.join('?' * len(chunk))})",
            [now, *chunk],
        )
    return len(ids)


def claim(
    cur: sqlite3.Cursor, host: str, limit: int, now: str, run_id: int | None
) -> list[Claimed]:
    """Take up to ``limit`` due URLs of ``host``, highest priority first; mark them in flight."""
    rows = cur.execute(
        f"SELECT {_COLUMNS} FROM frontier "
        "WHERE state = 'queued' AND host = ? AND next_fetch_at <= ? "
        "ORDER BY priority DESC, id LIMIT ?",
        (host, now, limit),
    ).fetchall()
    return _take(cur, rows, run_id)


def claim_url(cur: sqlite3.Cursor, new: NewURL, now: str, run_id: int | None) -> Claimed | None:
    """Take ``new``'s row at once: added if unknown, queued again if done or failed.

    None while another turn has it or it waits for a later ``next_fetch_at``.
    """
    add(cur, [new], now)
    cur.execute(
        "UPDATE frontier SET state = 'queued', next_fetch_at = ?, attempts = 0 "
        "WHERE url = ? AND state IN ('done', 'failed')",
        (now, new.url),
    )
    rows = cur.execute(
        f"SELECT {_COLUMNS} FROM frontier "
        "WHERE url = ? AND state = 'queued' AND next_fetch_at <= ?",
        (new.url, now),
    ).fetchall()
    taken = _take(cur, rows, run_id)
    return taken[0] if taken else None


def _take(cur: sqlite3.Cursor, rows: list[Any], run_id: int | None) -> list[Claimed]:
    """Mark claimed rows in flight."""
    if rows:
        ids = [r[0] for r in rows]
        cur.execute(
            f"UPDATE frontier SET state = 'in_flight', attempts = attempts + 1, run_id = ? "
            f"WHERE id IN ({','.join('?' * len(ids))})",
            [run_id, *ids],
        )
    return [Claimed(*row[:6], row[6] + 1, *row[7:]) for row in rows]


#: The end of one URL's turn: done, failed, or queued again for ``next_fetch_at``.
_FINISH = (
    "UPDATE frontier SET state = ?, last_fetch_at = ?, last_status = coalesce(?, last_status), "
    "last_error = ?, etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
    "next_fetch_at = coalesce(?, next_fetch_at), article_id = coalesce(?, article_id), "
    "revisits = coalesce(?, revisits), attempts = CASE WHEN ? THEN 0 ELSE attempts END, "
    "lastmod = coalesce(?, lastmod) WHERE id = ?"
)
#: Kinds of row a redirect's end may stand for: pages, not the indexes a run re-reads.
_FETCHED_KINDS = "('article', 'page')"


def _finish_row(outcome: Any, article_id: int | None, now: str) -> tuple[Any, ...]:
    """:data:`_FINISH`'s parameters for a finished turn (a ``TurnOutcome``)."""
    return (
        outcome.state,
        now,
        outcome.status,
        outcome.error,
        outcome.etag,
        outcome.last_modified,
        iso(outcome.next_fetch_at) if outcome.next_fetch_at else None,
        article_id,
        outcome.revisits,
        outcome.reset_attempts,
        outcome.lastmod,
        outcome.item.id,
    )


def release(cur: sqlite3.Cursor, ids: Iterable[int]) -> None:
    """Give claimed rows back unfetched (the crawl is stopping): queued, attempt not counted."""
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cur.execute(
            "UPDATE frontier SET state = 'queued', attempts = max(attempts - 1, 0) "
            f"WHERE state = 'in_flight' AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        )


def next_due(cur: sqlite3.Cursor, hosts: Iterable[str]) -> str | None:
    """When the earliest queued URL of ``hosts`` becomes due."""
    hosts = list(hosts)
    row = cur.execute(
        f"SELECT min(next_fetch_at) FROM frontier WHERE state = 'queued' "
        f"AND host IN ({','.join('?' * len(hosts))})",
        hosts,
    ).fetchone()
    return row[0]


class Frontier:
    """The frontier of one archive, as the crawl engine uses it (each call one transaction).

    :meth:`commit` writes a batch of finished turns: every exchange, every article
    with its dedup, aliases and view count, the URLs they led to, and the new state
    of each turn's frontier row, all in one transaction.
    """

    def __init__(self, database: Database, *, extractor_version: str = EXTRACTOR_VERSION) -> None:
        self.database = database
        #: Stamped on the articles a commit stores (the extractor that produced them).
        self.extractor_version = extractor_version
        #: The claim, release and recovery statements of the database's engine: on a
        #: shared (PostgreSQL) archive, leases that expire (:mod:`.postgres.frontier`).
        self.shared = database.engine == "postgresql"
        self._ops: Any = sys.modules[__name__]
        #: URLs of a host a crawl keeps claimed at most (None: as many as it likes).
        self.claim_window: int | None = None
        self._beat = 0.0
        self._run_id: int | None = None
        if self.shared:
            from archiver.store.postgres import frontier as leases

            self._ops = leases
            self.claim_window = leases.CLAIM_WINDOW

    def start(
        self,
        seeds: Iterable[NewURL],
        *,
        hosts: Iterable[str],
        now: str,
        refresh: Iterable[str] = (),
        periods: Iterable[tuple[str, str | None, str | None]] = (),
    ) -> dict[str, int]:
        """Prepare a run: recover rows a dead run left in flight, re-read indexes, add seeds.

        ``refresh`` names fetched URLs to fetch again (the newest date-archive days);
        ``periods`` the sites' periods, to fetch pages an earlier run left out for their
        date when they now fall inside (:func:`reopen_period`).
        """
        hosts, seeds, periods = list(hosts), list(seeds), list(periods)
        refreshed = [(now, url) for url in refresh]

        def prepare(writer: Any) -> dict[str, int]:
            recovered = self._ops.recover(writer.cur)
            requeue(writer.cur, ("robots", *DISCOVERY_KINDS), hosts, now)
            reopen_period(writer.cur, periods, now)
            added = add(writer.cur, seeds, now)
            writer.cur.executemany(
                "UPDATE frontier SET state = 'queued', next_fetch_at = ? "
                "WHERE url = ? AND state = 'done'",
                refreshed,
            )
            queued = due_count(writer.cur, now, hosts)
            return {"recovered": recovered, "added": added, "queued": queued}

        # Every frontier change goes through ``write``: on a shared archive another
        # crawler's transaction may deadlock with this one, and the one PostgreSQL rolls
        # back is simply run again.
        return self.database.write("preparing the crawl frontier", prepare)

    def claim(self, host: str, limit: int, now: str, run_id: int | None) -> list[Claimed]:
        if limit <= 0:
            return []
        self.heartbeat(run_id)
        return self.database.write(
            "claiming URLs to crawl",
            lambda writer: self._ops.claim(writer.cur, host, limit, now, run_id),
        )

    def claim_url(self, new: NewURL, now: str, run_id: int | None) -> Claimed | None:
        return self.database.write(
            "claiming a URL to crawl",
            lambda writer: self._ops.claim_url(writer.cur, new, now, run_id),
        )

    def release(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if ids:
            self.database.write(
                "releasing unfetched URLs", lambda writer: self._ops.release(writer.cur, ids)
            )

    def heartbeat(self, run_id: int | None = None, *, force: bool = False) -> None:
        """On a shared archive, renew this run's leases (a third of a lease apart at most)."""
        self._run_id = run_id if run_id is not None else self._run_id
        if not self.shared or self._run_id is None:
            return
        clock = time.monotonic()
        if force or clock - self._beat >= self._ops.lease_seconds() / 3:
            self._beat = clock
            run_id = self._run_id
            self.database.write(
                "renewing the crawl's leases",
                lambda writer: self._ops.heartbeat(writer.cur, run_id),
            )

    def next_due(self, hosts: Iterable[str]) -> str | None:
        self.heartbeat()
        with self.database.reading("reading the crawl frontier") as conn:
            return self._ops.next_due(conn.cursor(), hosts)

    def due_by_host(self, hosts: Iterable[str], now: str) -> dict[str, int]:
        self.heartbeat()
        with self.database.reading("counting the URLs due") as conn:
            return due_by_host(conn.cursor(), now, list(hosts))

    def commit(
        self, outcomes: list[Any], *, run_id: int | None, now: str
    ) -> list[SaveResult | None]:
        """Write finished turns (``archiver.crawl.outcome.TurnOutcome``) in one transaction.

        Returns, per outcome, the article's :class:`SaveResult` (None without an article).
        """
        database = self.database
        self.heartbeat(run_id)
        with database.reading("checking stored bodies"):
            prepared = [self._prepare(outcome) for outcome in outcomes]
        return database.write(
            "saving crawled pages",
            lambda writer: self._commit(writer, outcomes, prepared, run_id, now),
        )

    def _commit(
        self,
        writer: Any,
        outcomes: list[Any],
        prepared: list[Any],
        run_id: int | None,
        now: str,
    ) -> list[SaveResult | None]:
        """The body of :meth:`commit`'s transaction (run again if a shared archive asks)."""
        results: list[SaveResult | None] = []
        cur = writer.cur
        writer.reserve([item for items in prepared for item in items])
        article_ids: list[int | None] = []
        for outcome, items in zip(outcomes, prepared, strict=True):
            saved = [writer.save(item, run_id, self.extractor_version) for item in items]
            result = saved[-1] if saved and outcome.article is not None else None
            results.append(result)
            article_ids.append(result.article_id if result is not None else None)
        self._record_turns(cur, outcomes, article_ids, now)
        return results

    def _record_turns(
        self, cur: Any, outcomes: list[Any], article_ids: list[int | None], now: str
    ) -> None:
        """The frontier's part of a commit: a few statements for the whole batch.

        The URLs the turns found are deduplicated here and added in multi-row inserts;
        a listing's next pages are added when its own turn brought an article URL the
        frontier did not know (the first turn of the batch to name a URL is the one it
        counts for). On a shared archive every statement takes its rows in one order
        (URLs sorted, frontier rows by id), the order the other crawlers' commits and
        lease renewals take them in: two transactions never wait for each other's rows.
        """
        ordered = sorted if self.shared else list
        # Article URLs, each to the first turn that found it.
        first_turn: dict[str, int] = {}
        articles: dict[str, NewURL] = {}
        others: dict[str, NewURL] = {}
        for index, outcome in enumerate(outcomes):
            for new in outcome.found:
                if new.kind == "article":
                    if new.url not in articles:
                        articles[new.url] = new
                        first_turn[new.url] = index
                else:
                    others.setdefault(new.url, new)
        added = add_new(cur, [articles[u] for u in ordered(articles)], now)
        bringing = {first_turn[url] for url in added}
        for index, outcome in enumerate(outcomes):
            if outcome.next_pages and (index in bringing or outcome.item.kind == "seed"):
                for new in outcome.next_pages:
                    others.setdefault(new.url, new)
        add_new(cur, [others[u] for u in ordered(others) if u not in articles], now)
        self._record_redirects(cur, outcomes, article_ids, now, ordered)
        refresh: dict[str, str] = {}
        for outcome in outcomes:
            for url, lastmod in outcome.refresh:
                refresh[url] = max(lastmod, refresh.get(url, lastmod))
        cur.executemany(
            "UPDATE frontier SET state = 'queued', next_fetch_at = ? WHERE url = ? "
            "AND state = 'done' AND (last_fetch_at IS NULL OR last_fetch_at < ?)",
            [(now, url, refresh[url]) for url in ordered(refresh)],
        )
        finished = sorted(zip(outcomes, article_ids, strict=True), key=lambda pair: pair[0].item.id)
        cur.executemany(_FINISH, [_finish_row(o, article_id, now) for o, article_id in finished])

    def _record_redirects(
        self,
        cur: Any,
        outcomes: list[Any],
        article_ids: list[int | None],
        now: str,
        ordered: Any,
    ) -> None:
        """A turn whose redirects led to an article has fetched that URL too: its row is
        done (added so, when new), and no later turn fetches the same page again."""
        moved: dict[str, tuple[NewURL, int | None, int | None]] = {}
        for outcome, article_id in zip(outcomes, article_ids, strict=True):
            if outcome.redirected is not None and outcome.article is not None:
                moved.setdefault(
                    outcome.redirected.url, (outcome.redirected, article_id, outcome.status)
                )
        if not moved:
            return
        urls = ordered(moved)
        add_new(cur, [moved[url][0] for url in urls], now)  # then done at once, as the known
        cur.executemany(
            "UPDATE frontier SET state = 'done', last_fetch_at = ?, "
            "last_status = coalesce(?, last_status), article_id = coalesce(?, article_id), "
            f"attempts = 0 WHERE url = ? AND state = 'queued' AND kind IN {_FETCHED_KINDS}",
            [(now, moved[url][2], moved[url][1], url) for url in urls],
        )

    def _prepare(self, outcome: Any) -> list[Any]:
        """Each exchange of a turn ready for the store (the last one may come ready already)."""
        items = []
        last = len(outcome.exchanges) - 1
        # Where each exchange's WARC record is (crawl --warc), aligned with exchanges.
        pointers = outcome.warc
        for index, exchange in enumerate(outcome.exchanges):
            pointer = pointers[index] if index < len(pointers) else None
            if index == last and outcome.prepared is not None:
                # Prepared by a crawl worker; only the WARC pointer is known here.
                if pointer is not None:
                    outcome.prepared.fetch.update(pointer.columns())
                items.append(outcome.prepared)
                continue
            article = outcome.article if index == last else None
            items.append(self.database.prepare(exchange, article, site=outcome.site, warc=pointer))
        return items
