"""What only a shared PostgreSQL archive has: concurrent writers, leases, its own SQL folding."""

from __future__ import annotations

import threading

import pytest

from archiver.cli.stats_text import stats_text
from archiver.errors import StoreError
from archiver.store import Archive
from archiver.store.folding import CODE_PAGE, index_fold
from archiver.store.frontier import Frontier, NewURL
from archiver.store.postgres.connection import translate
from store_support import STORY, T0, page, random_pages, rows

NOW = "2026-11-26T10:00:00+07:00"


def _waiting_for_a_lock(url: str) -> bool:
    waiting = rows(
        url,
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    return waiting[0][0] > 0


def test_two_crawlers_saving_the_same_article_at_once_leave_one_row(pg_url):
    url = "https://vnexpress.net/a-1.html"
    with Archive(pg_url) as first, Archive(pg_url) as second:
        results = {}
        with first.transaction("saving") as writer:
            prepared = first.prepare(*page(url, view_count=10))
            results["first"] = writer.save(prepared, None, "test")

            def save_second() -> None:
                results["second"] = second.save(*page(url, view_count=11))

            thread = threading.Thread(target=save_second)
            thread.start()
            deadline = threading.Event()
            for _ in range(600):  # the second waits for the first's lock (up to 30 s)
                if _waiting_for_a_lock(pg_url):
                    break
                deadline.wait(0.05)
            else:
                pytest.fail("the second save never waited for the first")
        thread.join(30)
        assert results["first"].outcome == "new"
        assert results["second"].outcome == "unchanged"
        assert results["second"].article_id == results["first"].article_id
        assert rows(pg_url, "SELECT count(*) FROM articles") == [(1,)]


def test_many_writers_saving_overlapping_batches_store_each_article_once(pg_url):
    pages = random_pages(1, 30)
    Archive(pg_url).close()
    errors: list[BaseException] = []

    def save(order: int) -> None:
        try:
            with Archive(pg_url) as archive:
                archive.save_many(pages[::order] if order > 0 else pages[::-1], batch_size=7)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(order,)) for order in (1, -1, 1, -1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert rows(pg_url, "SELECT count(*), count(DISTINCT url) FROM articles") == [(30, 30)]
    assert rows(pg_url, "SELECT count(*) FROM fetches") == [(120,)]


def test_a_conflicting_transaction_is_run_again(pg_url):
    with Archive(pg_url) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html"))
        tries = []

        def work(writer):
            tries.append(1)
            if len(tries) == 1:  # the row another crawler would have inserted meanwhile
                writer.cur.execute(
                    "INSERT INTO sites(name, first_seen_at) VALUES ('vnexpress', '2024')"
                )
            return len(tries)

        assert archive.database.write("testing", work) == 2
        with pytest.raises(StoreError, match="duplicate key"):
            archive.database.write(
                "testing",
                lambda writer: writer.cur.execute(
                    "INSERT INTO sites(name, first_seen_at) VALUES ('vnexpress', '2024')"
                ),
            )


def _urls(count: int) -> list[NewURL]:
    return [
        NewURL(f"https://tin.example/{n}", "tin.example", "tin", "article") for n in range(count)
    ]


def test_two_crawlers_claim_different_urls_and_an_expired_lease_returns_them(pg_url, monkeypatch):
    with Archive(pg_url) as one, Archive(pg_url) as two:
        first, second = Frontier(one.database), Frontier(two.database)
        first.start(_urls(6), hosts=["tin.example"], now=NOW)
        mine = first.claim("tin.example", 4, NOW, run_id=None)
        theirs = second.claim("tin.example", 4, NOW, run_id=None)
        assert len(mine) == 4 and len(theirs) == 2
        assert not {c.id for c in mine} & {c.id for c in theirs}
        assert second.claim("tin.example", 4, NOW, run_id=None) == []
        # The first crawler dies: once its leases run out, its URLs are claimable again.
        with one.transaction("expiring") as writer:
            writer.cur.execute(
                "UPDATE frontier SET leased_until = now() - interval '1 second' WHERE id = ANY(?)",
                ([c.id for c in mine],),
            )
        taken = second.claim("tin.example", 10, NOW, run_id=None)
        assert sorted(c.id for c in taken) == sorted(c.id for c in mine)
        assert all(c.attempts == 2 for c in taken), "the lost attempt counts"


def test_a_live_crawlers_leases_are_renewed_and_survive_another_runs_start(pg_url):
    with Archive(pg_url) as one, Archive(pg_url) as two:
        run = one.start_run({"targets": ["tin"]})
        first = Frontier(one.database)
        first.start(_urls(3), hosts=["tin.example"], now=NOW)
        claimed = first.claim("tin.example", 3, NOW, run_id=run)
        first.heartbeat(run, force=True)
        started = Frontier(two.database).start([], hosts=["tin.example"], now=NOW)
        assert started["recovered"] == 0
        assert Frontier(two.database).claim("tin.example", 3, NOW, run_id=None) == []
        assert two.mark_dead_runs() == 0
        stats = two.stats()
        assert stats.fleet["runs"][0]["leased_urls"] == len(claimed) == 3
        shown = stats_text(stats, 12)
        assert "fleet: 1 crawl run(s) active" in shown and "3 URLs leased" in shown


def test_sql_folding_matches_the_python_folding_over_the_code_page(pg_url):
    letters = "".join(c for c in CODE_PAGE if c.isalnum() and ord(c) < 0xF0000)
    text = f"{letters} {letters.upper()} Đà Nẵng, THỦ TƯỚNG! {STORY}"
    with Archive(pg_url) as archive:
        folded = archive.conn.execute("SELECT vn_fold(?)", (text,)).fetchone()[0]
    assert folded == index_fold(text)


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT max(a, ?) FROM t WHERE x = ?", "SELECT GREATEST(a, %s) FROM t WHERE x = %s"),
        (
            "SELECT max(id) FROM t WHERE k LIKE '%_probe'",
            "SELECT max(id) FROM t WHERE k LIKE '%%_probe'",
        ),
        (
            "INSERT OR IGNORE INTO bodies(sha256, data) VALUES (?, ?)",
            "INSERT INTO bodies(sha256, data) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        ),
        (
            "INSERT OR REPLACE INTO archive_meta(key, value) VALUES (?, ?)",
            "INSERT INTO archive_meta(key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        ),
        ("BEGIN IMMEDIATE", "BEGIN"),
    ],
)
def test_the_archives_sql_is_spelled_for_postgresql(sqlite, postgres):
    assert translate(sqlite) == postgres


def test_named_parameters_and_casts_are_told_apart():
    assert translate("SELECT :site::text, '09:00'", True) == "SELECT %(site)s::text, '09:00'"


def test_an_unreachable_server_is_one_line_naming_it():
    with pytest.raises(StoreError, match="cannot reach the PostgreSQL archive") as caught:
        Archive("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=1", timeout=0.5)
    assert "secret" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_saved_article_is_searchable_with_its_time(pg_url):
    with Archive(pg_url) as archive:
        archive.save(*page("https://vnexpress.net/a-1.html", when=T0))
        assert [hit.url for hit in archive.search("title:da nang")] == [
            "https://vnexpress.net/a-1.html"
        ]


def _waiting_for_a_row(url: str) -> bool:
    waiting = rows(
        url, "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
    )
    return waiting[0][0] > 0


def test_lease_renewal_takes_rows_in_id_order_so_a_commit_never_deadlocks_with_it(
    pg_url, monkeypatch
):
    # Another crawler's commit finishes its turns in id order; two of its rows were leased
    # again by this run (their leases ran out). The renewal must wait for the first row
    # holding nothing: had it taken the second one first, each would wait for the other.
    from crawl_support import wait_for

    with Archive(pg_url) as one, Archive(pg_url) as two:
        run = one.start_run({"targets": ["tin"]})
        renewing = Frontier(one.database)
        renewing.start(_urls(2), hosts=["tin.example"], now=NOW)
        low, high = sorted(c.id for c in renewing.claim("tin.example", 2, NOW, run_id=run))
        with one.transaction("moving the first row last") as writer:
            # Last on disk and in the frontier's indexes: a scan meets the higher id first.
            writer.cur.execute(
                "UPDATE frontier SET next_fetch_at = '2026-11-27T10:00:00+07:00', "
                "leased_until = leased_until + interval '1 hour' WHERE id = ?",
                (low,),
            )
        failures: list[BaseException] = []
        conflict = one.database.is_conflict

        def deadlocked(error: BaseException | None) -> bool:
            failures.append(error)  # a renewal rolled back (and run again) is a failure here
            return conflict(error)

        monkeypatch.setattr(one.database, "is_conflict", deadlocked)

        def renew() -> None:
            try:
                renewing.heartbeat(run, force=True)
            except BaseException as error:
                failures.append(error)

        renewal = threading.Thread(target=renew)
        with two.transaction("finishing turns") as writer:
            writer.cur.execute("UPDATE frontier SET state = 'done' WHERE id = ?", (low,))
            renewal.start()
            wait_for(lambda: _waiting_for_a_row(pg_url), timeout=10, what="the renewal to wait")
            writer.cur.execute("UPDATE frontier SET state = 'done' WHERE id = ?", (high,))
        renewal.join(timeout=30)
        assert not renewal.is_alive() and not failures


def test_index_texts_drafted_as_utf8_reach_postgresql_as_text():
    from archiver.store.postgres import fts

    class Cursor:
        def execute(self, sql, params):
            self.params = params

    cursor = Cursor()
    fts.fts_insert(cursor, 7, "da nang đà", "Hà Nội".encode(), b"", "")
    assert cursor.params == ("da nang đà", "Hà Nội", "", "", 7)
