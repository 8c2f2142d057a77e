"""Claiming one frontier row out of turn (a robots.txt the crawl needs again)."""

from __future__ import annotations

from contextlib import contextmanager

from archiver.errors import StoreError
from archiver.store import Archive
from archiver.store.frontier import Frontier, NewURL

NOW = "2026-11-26T10:00:00+07:00"
LATER = "2026-11-26T11:00:00+07:00"
ROBOTS = NewURL("https://tin.example/robots.txt", "tin.example", "tin", "robots")


def test_claim_url_adds_an_unknown_url_and_takes_it(db_target):
    with Archive(db_target) as archive:
        claimed = Frontier(archive.database).claim_url(ROBOTS, NOW, run_id=None)
        assert claimed is not None and claimed.url == ROBOTS.url and claimed.kind == "robots"
        state = archive.conn.execute("SELECT state FROM frontier WHERE url = ?", [ROBOTS.url])
        assert state.fetchone() == ("in_flight",)


def test_claim_url_takes_a_done_row_again_but_not_one_in_flight(db_target):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is None  # another turn has it
        with archive.transaction("test") as writer:
            writer.cur.execute("UPDATE frontier SET state = 'done'")
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None


def test_claim_url_leaves_a_row_that_waits_for_later(db_target):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        frontier.claim_url(ROBOTS, NOW, run_id=None)
        with archive.transaction("test") as writer:
            writer.cur.execute("UPDATE frontier SET state = 'queued', next_fetch_at = ?", [LATER])
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is None
        assert frontier.claim_url(ROBOTS, LATER, run_id=None) is not None


class _Deadlocked(Exception):
    """What another crawler's transaction leaves this one with on a shared archive."""


def _conflict_once(archive, monkeypatch) -> list[str]:
    """Make the next write transaction of each action fail once as a conflict (PostgreSQL's
    "deadlock detected"), as the engine would roll it back; the actions tried are listed."""
    database = archive.database
    transaction, tried = database.transaction, []

    @contextmanager
    def conflicting(action):
        tried.append(action)
        if tried.count(action) == 1:
            raise StoreError(f"cannot {action}: deadlock detected") from _Deadlocked()
        with transaction(action) as writer:
            yield writer

    monkeypatch.setattr(database, "transaction", conflicting)
    monkeypatch.setattr(database, "is_conflict", lambda error: isinstance(error, _Deadlocked))
    return tried


def test_a_frontier_change_rolled_back_for_a_conflict_is_run_again(db_target, monkeypatch):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        tried = _conflict_once(archive, monkeypatch)
        started = frontier.start([ROBOTS], hosts=["tin.example"], now=NOW)
        assert started["added"] == 1
        claimed = frontier.claim("tin.example", 4, NOW, run_id=None)
        assert [row.url for row in claimed] == [ROBOTS.url]
        frontier.release([row.id for row in claimed])
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None
        assert tried == [action for action in dict.fromkeys(tried) for _ in range(2)], (
            "each change tried twice: the conflict, then its run again"
        )
        assert len(dict.fromkeys(tried)) == 4
        state = archive.conn.execute("SELECT state FROM frontier WHERE url = ?", [ROBOTS.url])
        assert state.fetchone() == ("in_flight",)


# --- a commit's frontier changes: a few statements for the whole batch ---------------------


def _listing_turns(frontier: Frontier, archive: Archive, count: int, links: int) -> list:
    """``count`` claimed listing turns, each finding ``links`` article URLs (half of them
    found by the turn before too) and a next page."""
    from archiver.crawl.outcome import TurnOutcome

    pages = [
        NewURL(f"https://tin.example/muc-{n}", "tin.example", "tin", "listing")
        for n in range(count)
    ]
    frontier.start(pages, hosts=["tin.example"], now=NOW)
    claimed = frontier.claim("tin.example", count, NOW, run_id=None)
    outcomes = []
    for index, item in enumerate(reversed(claimed)):  # finished in no particular order
        found = [
            NewURL(
                f"https://tin.example/bai-{index * links // 2 + n}.html",
                "tin.example",
                "tin",
                "article",
            )
            for n in range(links)
        ]
        following = [NewURL(f"{item.url}?trang=2", "tin.example", "tin", "listing")]
        outcomes.append(TurnOutcome(item, "done", found=found, next_pages=following))
    return outcomes


def test_a_commit_adds_the_batchs_links_in_a_few_statements_and_finishes_in_id_order(tmp_path):
    from archiver.store.frontier import INSERT_ROWS

    with Archive(tmp_path / "a.db") as archive:
        frontier = Frontier(archive.database)
        outcomes = _listing_turns(frontier, archive, 40, 30)
        statements: list[str] = []
        archive.conn.set_trace_callback(statements.append)
        frontier.commit(outcomes, run_id=None, now=LATER)
        archive.conn.set_trace_callback(None)
        inserts = [s for s in statements if s.startswith("INSERT INTO frontier")]
        distinct = 40 * 30 // 2 + 30 // 2
        assert len(inserts) <= distinct // INSERT_ROWS + 2, "one statement per few hundred URLs"
        finished = [
            int(s.rsplit("=", 1)[1])
            for s in statements
            if s.startswith("UPDATE frontier SET state = 'done'")
        ]
        assert finished == sorted(o.item.id for o in outcomes)
        count = archive.conn.execute(
            "SELECT count(*) FROM frontier WHERE kind = 'article'"
        ).fetchone()
        assert count == (distinct,)


def test_a_listings_next_page_is_queued_only_when_that_turn_brought_a_new_article(db_target):
    from archiver.crawl.outcome import TurnOutcome

    def url(n: int) -> NewURL:
        return NewURL(f"https://tin.example/bai-{n}.html", "tin.example", "tin", "article")

    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        pages = [
            NewURL(f"https://tin.example/muc-{n}", "tin.example", "tin", "listing")
            for n in range(3)
        ]
        frontier.start([*pages, url(9)], hosts=["tin.example"], now=NOW)
        first, second, third = sorted(
            (c for c in frontier.claim("tin.example", 10, NOW, run_id=None) if c.kind == "listing"),
            key=lambda c: c.url,
        )

        def turn(item, *found):
            following = [NewURL(f"{item.url}?trang=2", "tin.example", "tin", "listing")]
            return TurnOutcome(item, "done", found=[url(n) for n in found], next_pages=following)

        # bai-1 is new to the frontier, but the first turn brought it; bai-9 was known.
        frontier.commit(
            [turn(first, 1, 2), turn(second, 1, 9), turn(third, 2)], run_id=None, now=LATER
        )
        queued = archive.conn.execute("SELECT url FROM frontier WHERE url LIKE '%trang=2'")
        assert [row[0] for row in queued.fetchall()] == [f"{first.url}?trang=2"]
        articles = archive.conn.execute("SELECT count(*) FROM frontier WHERE kind = 'article'")
        assert articles.fetchone() == (3,)
        states = archive.conn.execute(
            "SELECT DISTINCT state FROM frontier WHERE kind = 'listing' AND url NOT LIKE '%trang%'"
        )
        assert states.fetchall() == [("done",)]


def test_links_are_added_in_statements_of_a_few_shapes_only(tmp_path):
    from archiver.store.frontier import add_new

    with Archive(tmp_path / "a.db") as archive:
        statements: set[str] = set()
        archive.conn.set_trace_callback(
            lambda sql: statements.add(sql.split(" VALUES ")[0] + str(sql.count("),")))
        )
        added: set[str] = set()
        with archive.transaction("adding") as writer:
            for count in range(1, 80):
                urls = [
                    NewURL(f"https://tin.example/{count}-{n}", "tin.example", "tin", "page")
                    for n in range(count)
                ]
                added |= add_new(writer.cur, urls, NOW)
        archive.conn.set_trace_callback(None)
        assert len(added) == sum(range(1, 80))
        assert (
            len([s for s in statements if s.startswith("INSERT INTO frontier")]) == 8
        )  # 1 ... 128 rows
        (count,) = archive.conn.execute("SELECT count(*) FROM frontier").fetchone()
        assert count == len(added)
