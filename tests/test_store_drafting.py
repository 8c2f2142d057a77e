"""A long ``save_many`` prepares its next batch in a second process while it writes one
(:mod:`archiver.store.drafting`): the archive gets the same rows, and a bad item fails
where it failed before, after the batches ahead of it are saved."""

from __future__ import annotations

import gc
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from archiver.errors import InputError
from archiver.store import Archive, drafting
from archiver.store import archive as archive_module
from archiver.store.prepare import ENCODED_FIELDS, Prepared
from archiver.store.sqlite import Checkpointer, SQLiteDatabase
from archiver.store.warcs import WarcPointer
from store_support import random_pages
from test_store_archive import child
from test_store_batch import table_rows, tricky_batch


@pytest.fixture
def drafters(monkeypatch):
    """The drafters ``save_many`` makes, counted; made even where the test runner has threads
    of its own (pytest-xdist), which :func:`drafting.drafter` otherwise declines to fork."""
    made: list[drafting.Drafter] = []
    original = drafting.drafter

    def counted(*args, **kwargs):
        with monkeypatch.context() as patch:
            patch.setattr(drafting.threading, "active_count", lambda: 1)
            found = original(*args, **kwargs)
        if found is not None:
            made.append(found)
        return found

    monkeypatch.setattr("archiver.store.archive.drafter", counted)
    return made


def _in_process(monkeypatch) -> None:
    monkeypatch.setattr("archiver.store.archive.drafter", lambda *args, **kwargs: None)


@pytest.mark.parametrize("as_list", [True, False], ids=["list", "iterator"])
def test_batches_drafted_in_a_second_process_store_the_same_rows(
    tmp_path, monkeypatch, drafters, as_list
):
    items = tricky_batch() + random_pages(0, 20)
    with Archive(tmp_path / "drafted.db") as archive:
        drafted = archive.save_many(items if as_list else iter(items), batch_size=7)
        # Every page is stored already: the second time no page is compressed into a row.
        drafted += archive.save_many(items if as_list else iter(items), batch_size=7)
    assert len(drafters) == 2
    with monkeypatch.context() as patch:
        _in_process(patch)
        with Archive(tmp_path / "here.db") as archive:
            here = archive.save_many(items, batch_size=7)
            here += archive.save_many(items, batch_size=7)
    assert drafted == here
    assert table_rows(tmp_path / "drafted.db") == table_rows(tmp_path / "here.db")


def test_known_pages_are_not_compressed_again():
    items = random_pages(0, 3)  # three pages, three bodies
    with Archive.memory() as archive:
        archive.save_many(items[:1])
        triples = [(*item, None) for item in items]
        packed = drafting._draft(triples, None, 3)
        drafted = [drafting._unpack(*pair) for pair in zip(triples, packed, strict=True)]
        assert all(p.blob is not None for p in drafted)  # the drafting process knows none
        kept = drafting.forget_known(drafted, archive.database.bodies_known)
    assert [p.blob is None for p in kept] == [True, False, False]
    assert kept[1:] == drafted[1:]


@pytest.mark.parametrize("as_list", [True, False], ids=["list", "iterator"])
def test_a_bad_item_fails_after_the_batches_before_it_are_saved(tmp_path, drafters, as_list):
    items = [*random_pages(0, 6), "not a pair", *random_pages(6, 3)]
    with Archive(tmp_path / "a.db") as archive:
        with pytest.raises(InputError, match="save_many takes"):
            archive.save_many(items if as_list else iter(items), batch_size=3)
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 6
    assert len(drafters) == 1


def test_an_iterator_failing_after_the_first_batch_fails_after_it_is_saved(tmp_path, drafters):
    def pages():
        yield from random_pages(0, 3)
        raise OSError("the WARC ended early")

    with Archive(tmp_path / "a.db") as archive:
        with pytest.raises(OSError, match="ended early"):
            archive.save_many(pages(), batch_size=3)
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert drafters == []


def test_one_batch_is_prepared_here(drafters):
    with Archive.memory() as archive:
        archive.save_many(random_pages(0, 4), batch_size=4)
        archive.save_many([])
    assert drafters == []


def test_no_process_is_forked_beside_other_threads(monkeypatch):
    monkeypatch.setattr(drafting.threading, "active_count", lambda: 2)
    assert drafting.drafter(None, 3) is None
    monkeypatch.setattr(drafting.threading, "active_count", lambda: 1)
    monkeypatch.setattr(drafting.os, "cpu_count", lambda: 1)
    assert drafting.drafter(None, 3) is None


def test_what_the_drafting_process_sends_back_gives_each_items_prepared_save(tmp_path):
    items = [(*item, None) for item in tricky_batch()]
    warc = WarcPointer("/data/crawl.warc.gz", 10, 20)
    items[0] = (*items[0][:2], warc)
    with Archive(tmp_path / "a.db") as archive:
        expected = archive.database.prepare_many(items, site="vnexpress")
    packed = drafting._draft(items, "vnexpress", 3)
    drafted = [drafting._unpack(item, p) for item, p in zip(items, packed, strict=True)]
    assert [_as_text(p) for p in drafted] == expected


def _as_text(prepared):
    """``prepared`` with the texts its record carries as UTF-8 decoded (what preparing in
    the writer's process gives)."""
    record = prepared.article
    if record is None:
        return prepared
    folded = tuple(t.decode() if isinstance(t, bytes) else t for t in record.folded)
    return replace(prepared, article=replace(record, folded=folded, encoded=None))


def test_drafted_articles_send_their_long_texts_and_index_texts_as_utf8(tmp_path):
    items = [(*item, None) for item in tricky_batch()]
    packed = drafting._draft(items, None, 3)
    drafted = [drafting._unpack(item, p) for item, p in zip(items, packed, strict=True)]
    records = [p.article for p in drafted if p.article is not None]
    assert records
    for record in records:
        # The writer binds these bytes; it no longer encodes the text itself.
        assert record.encoded == tuple(
            record.fields[name].encode() if record.fields[name] else None for name in ENCODED_FIELDS
        )
        assert all(isinstance(text, bytes) for text in record.folded if text)


def test_text_that_does_not_encode_is_sent_as_text():
    assert drafting._utf8("Đà Nẵng") == "Đà Nẵng".encode()
    # A lone surrogate has no UTF-8: the writer gets the text and fails as it always did.
    assert drafting._utf8("half \ud800 a pair") is None
    assert drafting._utf8("") is None and drafting._utf8(None) is None


def test_texts_drafted_as_utf8_are_stored_as_text_and_found_by_search(tmp_path, drafters):
    items = random_pages(0, 12)
    with Archive(tmp_path / "a.db") as archive:
        archive.save_many(items, batch_size=5)
        assert len(drafters) == 1
        kinds = archive.conn.execute(
            "SELECT DISTINCT typeof(title), typeof(lead), typeof(body) FROM articles"
        ).fetchall()
        stored = dict(archive.conn.execute("SELECT url, body FROM articles"))
        hits = archive.search("bai so 11")
    assert kinds == [("text", "text", "text")]
    assert stored == {a.url: a.body for _, a in items}
    assert [hit.url for hit in hits][:1] == ["https://vnexpress.vn/bai-11.html"]


def _collector_on_in(monkeypatch, name: str) -> list[bool]:
    """Whether the collector was on in each call of ``archiver.store.archive.<name>``."""
    seen: list[bool] = []
    original = getattr(archive_module, name)

    def watched(*args):
        seen.append(gc.isenabled())
        return original(*args)

    monkeypatch.setattr(archive_module, name, watched)
    return seen


def test_no_garbage_collection_while_a_batch_is_written(tmp_path, monkeypatch):
    seen = _collector_on_in(monkeypatch, "_save_all")
    with Archive(tmp_path / "a.db") as archive:
        archive.save_many(random_pages(0, 6), batch_size=3)
    assert seen == [False, False]
    assert gc.isenabled()


class _Pipe:
    """The writer's end of the drafting pipe with one answer on it; notes whether the
    collector ran while it was read."""

    def __init__(self, answer):
        self.answer = answer
        self.enabled: list[bool] = []

    def recv(self):
        self.enabled.append(gc.isenabled())
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def test_no_garbage_collection_while_a_drafted_batch_is_unpickled_and_unpacked(monkeypatch):
    items = [(*item, None) for item in tricky_batch()]
    pipe = _Pipe((True, drafting._draft(items, "vnexpress", 3)))
    unpacked = []
    original = drafting._unpack

    def watched(item, packed):
        unpacked.append(gc.isenabled())
        return original(item, packed)

    monkeypatch.setattr(drafting, "_unpack", watched)
    prepared = drafting._Asked(pipe, items).result()  # type: ignore[arg-type]
    assert len(prepared) == len(items)
    assert pipe.enabled == [False]
    assert unpacked == [False] * len(items)
    assert gc.isenabled()


def test_no_garbage_collection_from_a_drafted_batchs_arrival_to_its_write(
    tmp_path, monkeypatch, drafters
):
    # The received batch lives until it is written: a collection in between would walk
    # all of it and free nothing.
    seen = _collector_on_in(monkeypatch, "forget_known")
    with Archive(tmp_path / "a.db") as archive:
        archive.save_many(random_pages(0, 6), batch_size=3)
    assert len(drafters) == 1
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_written_batch_is_freed_before_collections_resume(tmp_path, drafters):
    # Else the collection owed since the pause began walks the whole batch, and frees none.
    alive: list[int] = []

    def count(phase, info):
        if phase == "start":
            alive.append(sum(isinstance(o, Prepared) for o in gc.get_objects(0)))

    threshold = gc.get_threshold()
    gc.set_threshold(10)  # a collection wherever the collector is on, in so small a batch
    gc.callbacks.append(count)
    try:
        with Archive(tmp_path / "a.db") as archive:
            archive.save_many(random_pages(0, 6), batch_size=3)
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
    assert len(drafters) == 1
    assert alive
    assert set(alive) == {0}


@pytest.mark.parametrize("answer", [EOFError(), (False, InputError("bad item"))])
def test_the_collector_runs_again_after_a_drafted_batch_fails(answer):
    with pytest.raises((RuntimeError, InputError)):
        drafting._Asked(_Pipe(answer), []).result()  # type: ignore[arg-type]
    assert gc.isenabled()


def _ended(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # ended, waiting to be reaped by whoever adopted it


def test_kill_9_while_a_batch_is_drafted_leaves_whole_batches_and_no_drafting_process(tmp_path):
    path = tmp_path / "archive.db"
    ingest = child(
        f"""
        from store_support import random_pages
        from archiver.store import Archive, drafting

        started = drafting.Drafter.__init__
        def announce(self, *args, **kwargs):
            started(self, *args, **kwargs)
            print("drafter", self._process.pid, flush=True)
        drafting.Drafter.__init__ = announce

        def pages():
            n = 0
            while True:
                yield from random_pages(n, 30)
                n += 30
                if n > 90:
                    print("read", n, flush=True)

        with Archive({str(path)!r}) as archive:
            archive.save_many(pages(), batch_size=30)
        """
    )
    assert ingest.stdout is not None
    line = ingest.stdout.readline()
    assert line.startswith("drafter"), ingest.stderr.read() if ingest.stderr else line
    drafting_pid = int(line.split()[1])
    while not (line := ingest.stdout.readline()).startswith("read 240"):
        assert line, ingest.stderr.read() if ingest.stderr else "child died"
    ingest.send_signal(signal.SIGKILL)
    ingest.communicate()
    deadline = time.monotonic() + 20
    while not _ended(drafting_pid):
        assert time.monotonic() < deadline, "the drafting process outlived its writer"
        time.sleep(0.05)
    with Archive(path) as archive:
        assert archive.check() == []
        articles = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        fetches = archive.conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
    assert articles >= 30 * 5 and articles % 30 == 0
    assert fetches == articles


def test_no_process_is_forked_off_linux(monkeypatch):
    monkeypatch.setattr(drafting.threading, "active_count", lambda: 1)
    monkeypatch.setattr(drafting.sys, "platform", "darwin")
    assert drafting.drafter(None, 3) is None


def test_the_callers_objects_are_out_of_the_collectors_reach_only_while_batches_are_drafted(
    tmp_path, drafters
):
    assert gc.get_freeze_count() == 0  # nothing else froze them
    seen: list[int] = []

    def pages():
        for n in range(0, 12, 3):
            seen.append(gc.get_freeze_count())
            yield from random_pages(n, 3)

    with Archive(tmp_path / "a.db") as archive:
        archive.save_many(pages(), batch_size=3)
    assert len(drafters) == 1
    assert seen[0] == 0  # the first batch is read before the drafting process exists
    assert all(count > 0 for count in seen[2:])
    assert gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen_after_batches_are_drafted(tmp_path, drafters):
    gc.freeze()
    try:
        with Archive(tmp_path / "a.db") as archive:
            archive.save_many(random_pages(0, 9), batch_size=3)
        assert len(drafters) == 1
        assert gc.get_freeze_count() > 0  # (some of them may have been freed meanwhile)
    finally:
        gc.unfreeze()


def test_a_run_of_batches_checkpoints_beside_the_writer_and_leaves_no_thread(tmp_path, drafters):
    threads: list[set[str]] = []

    def pages():
        for n in range(0, 12, 3):
            threads.append({thread.name for thread in threading.enumerate()})
            yield from random_pages(n, 3)

    with Archive(tmp_path / "a.db") as archive:
        archive.save_many(pages(), batch_size=3)
        assert all("archiver-checkpoint" in names for names in threads[2:])
        assert "archiver-checkpoint" not in {t.name for t in threading.enumerate()}
        # The writer checkpoints at commit again, as before the run.
        assert archive.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert archive.check() == []
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 12


def _wal_after_batches(path: Path, monkeypatch, catch_up: int) -> int:
    """The WAL's size after a run of 6 batches whose checkpoints thread never copies
    anything, with the writer catching up every ``catch_up`` commits."""
    monkeypatch.setattr(SQLiteDatabase, "CATCH_UP", catch_up)
    with Archive(path) as archive:
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the tables' creation
        archive.save_many(random_pages(0, 18), batch_size=3)
        return Path(f"{path}-wal").stat().st_size


def test_the_wal_starts_over_every_few_batches_while_checkpoints_run_beside(
    tmp_path, monkeypatch, drafters
):
    monkeypatch.setattr(Checkpointer, "ask", lambda self: None)
    never = _wal_after_batches(tmp_path / "never.db", monkeypatch, catch_up=1000)
    every_two = _wal_after_batches(tmp_path / "two.db", monkeypatch, catch_up=2)
    # Never caught up, the WAL holds all six batches; caught up every two, two at most.
    assert every_two * 2 < never
