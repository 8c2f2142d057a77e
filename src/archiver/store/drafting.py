"""Preparing the next batch of a long ``save_many`` in a second process while this one writes.

A batch's preparing (folding, MinHash, URL identity, hashing and compressing the raw pages:
:func:`archiver.store.prepare.prepare_many`) reads nothing from the database but which raw
pages are archived already. A :class:`Drafter` runs it for batch *k + 1* in a forked
process while the caller writes batch *k*, then, just before batch *k + 1* is written, asks
the database which of its pages are known and drops their compressed copies: the
:class:`~archiver.store.prepare.Prepared` rows are the ones preparing in this process would
have given at that moment, so the archive stores the same bytes.

It is only worth a process when there is a batch to overlap and a core to run it on, and
only safe to fork from a process with no other thread (a forked thread's locks stay held in
the child): :func:`drafter` gives None otherwise, and the caller prepares in-process. An
error while reading or preparing a batch is raised when that batch's turn comes, after the
batches before it are written, as it would be without the second process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from archiver.article import Article
from archiver.fetch.exchange import Exchange
from archiver.store.prepare import (
    ENCODED_FIELDS,
    ArticleRecord,
    Prepared,
    article_fields,
    prepare_many,
)
from archiver.store.warcs import WarcPointer

__all__ = ["Drafter", "drafter"]

Item = tuple[Exchange, Article | None, WarcPointer | None]


#: In a drafting process: the sequence ``save_many`` was given, as it was when the process
#: was forked (its items are read from here rather than pickled across).
_SOURCE: Sequence[Any] = ()


#: What the drafting process sends back for an item: what the writer cannot take from the
#: item itself cheaply (the fetch row's values, hash and compressed page, URL identity,
#: folded texts, signature).
Packed = tuple[Any, ...]
#: The fetch rows' column names, one tuple per set of them (pickled once per batch).
_FETCH_COLUMNS: dict[tuple[str, ...], tuple[str, ...]] = {}


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is unpickled or written.

    A batch makes tens of thousands of short-lived tuples, lists and dicts (unpickled,
    unpacked, its held rows, plans, results): each 700 more of them set off a
    young-generation collection that walks every container still alive, though the batch
    makes no reference cycle to free. Collections resume after it (the next allocation
    runs the one owed)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _draft(items: Sequence[Item], site: str | None, compress_level: int) -> list[Packed]:
    """In the drafting process: prepare every item, every raw page compressed."""
    prepared = prepare_many(
        items, site=site, known_bodies=_none_known, compress_level=compress_level
    )
    return [_pack(p) for p in prepared]


def _pack(prepared: Prepared) -> Packed:
    """The part of ``prepared`` that :func:`_unpack` cannot take from the item (a few
    objects to pickle rather than every column: the writer's process unpickles them)."""
    record = prepared.article
    part = None
    if record is not None:
        part = (
            record.canonical,
            record.aliases,
            record.site,
            record.content_hash,
            record.signature,
            array("q", record.bands).tobytes(),
            tuple(_utf8(text) or text for text in record.folded),
            record.claim,
            (record.fields["captions"], record.fields["warnings"]),
            tuple(_utf8(record.fields[name]) for name in ENCODED_FIELDS),
        )
    names = tuple(prepared.fetch)
    return (
        _FETCH_COLUMNS.setdefault(names, names),
        tuple(prepared.fetch.values()),
        prepared.fetched_at,
        prepared.sha256,
        prepared.size,
        prepared.blob,
        prepared.compression,
        part,
    )


def _utf8(text: str | None) -> bytes | None:
    """``text`` in UTF-8, encoded here rather than by the writer when it binds the text
    (SQLite stores text as UTF-8: the same bytes); None for no text, or for text that does
    not encode (the writer then binds it as it is, and fails as it would have)."""
    if not text:
        return None
    try:
        return text.encode()
    except UnicodeEncodeError:
        return None


def _unpack(item: Item, packed: Packed) -> Prepared:
    """The :class:`Prepared` of ``item`` that :func:`_pack` packed."""
    names, values, fetched_at, sha, size, blob, compression, part = packed
    record = None
    if part is not None:
        article = item[1]
        assert article is not None
        (
            canonical,
            aliases,
            article_site,
            content_hash,
            signature,
            bands,
            folded,
            claim,
            lists,
            encoded,
        ) = part
        record = ArticleRecord(
            canonical=canonical,
            aliases=aliases,
            site=article_site,
            fields=article_fields(article, claim, lists),
            view_count=article.view_count,
            content_hash=content_hash,
            signature=signature,
            bands=tuple(array("q", bands)),
            folded=folded,
            claim=claim,
            encoded=encoded,
        )
    return Prepared(
        fetch=dict(zip(names, values, strict=True)),
        fetched_at=fetched_at,
        sha256=sha,
        size=size,
        blob=blob,
        compression=compression,
        article=record,
    )


def _draft_slice(start: int, stop: int, site: str | None, compress_level: int) -> list[Packed]:
    """:func:`_draft` of the items ``start:stop`` of the forked :data:`_SOURCE`."""
    return _draft([_item(item) for item in _SOURCE[start:stop]], site, compress_level)


def _item(item: tuple[Any, ...]) -> Item:
    return (item[0], item[1], item[2] if len(item) == 3 else None)


def _none_known(hashes: set[str]) -> set[str]:
    return set()


def forget_known(prepared: list[Prepared], known: Callable[[set[str]], set[str]]) -> list[Prepared]:
    """``prepared`` with no compressed copy of the pages ``known(hashes)`` says are archived
    (what :func:`~archiver.store.prepare.prepare_many` gives for them)."""
    held = known({p.sha256 for p in prepared if p.blob is not None and p.sha256 is not None})
    if not held:
        return prepared
    return [replace(p, blob=None, compression="zstd") if p.sha256 in held else p for p in prepared]


class _Failed:
    """A batch that could not be read: its error, raised in its turn."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self) -> list[Prepared]:
        raise self.error


class _Asked:
    """A batch under way in the drafting process: its answer is the next on the pipe."""

    def __init__(self, conn: Connection, batch: list[Item]) -> None:
        self.conn = conn
        self.batch = batch

    def result(self) -> list[Prepared]:
        with collector_paused():  # unpickling and unpacking make no reference cycle
            try:
                ok, value = self.conn.recv()
            except EOFError:
                raise RuntimeError("the process preparing the next batch ended") from None
            if not ok:
                raise value
            return [_unpack(item, packed) for item, packed in zip(self.batch, value, strict=True)]


def _serve(conn: Connection, writers: Connection, site: str | None, compress_level: int) -> None:
    """The drafting process: prepare each batch asked for until asked for none, or until
    the writer is gone (the pipe's other end, ``writers``, is closed here at once: else
    this process would hold it open and never see the writer go)."""
    writers.close()
    # Ctrl-C reaches the whole process group: the writer stops, then ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            asked = conn.recv()
        except EOFError:  # the writer is gone
            return
        if asked is None:
            return
        try:
            if isinstance(asked, tuple):
                answer = (True, _draft_slice(*asked, site, compress_level))
            else:
                answer = (True, _draft(asked, site, compress_level))
        except Exception as error:
            answer = (False, error)
        try:
            conn.send(answer)
        except OSError:  # the writer stopped reading: it is gone or done
            return
        except Exception as error:  # an error that does not pickle
            with contextlib.suppress(OSError):
                conn.send((False, RuntimeError(f"preparing a batch failed: {error!r}")))


class Drafter:
    """One forked process preparing batches ahead of the writer (see the module).

    It talks over a pipe, read in the writer's own thread: a thread reading it (as a
    process pool's does) would take the interpreter lock between the writer's SQLite
    statements, which wait for it each time.
    """

    def __init__(
        self, site: str | None, compress_level: int, source: Sequence[Any] | None = None
    ) -> None:
        """``source``: the sequence the batches are consecutive slices of, when there is
        one: the drafting process reads them from its forked copy, not from a pipe."""
        global _SOURCE
        self._source = source
        self._offset = 0
        # The objects this process holds now (the caller's items among them) are moved out
        # of the garbage collector's reach until close (``gc.freeze``): here a collection
        # would walk them all again for every batch's new objects, and in the drafting
        # process it would also write to every page it shares with this one. Unless a
        # caller froze them already (it unfreezes them itself).
        self._froze = gc.get_freeze_count() == 0
        if self._froze:
            gc.freeze()
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self._conn, site, compress_level), daemon=True
        )
        _SOURCE = source if source is not None else ()
        try:
            self._process.start()
        except BaseException:
            self._unfreeze()
            raise
        finally:
            _SOURCE = ()
            child.close()

    def drafts(self, batches: Iterator[list[Item]]) -> Iterator[list[Prepared]]:
        """Each batch prepared (pages known or not: see :func:`forget_known`), the next one
        under way in the drafting process while the caller handles this one."""
        ahead = self._ask(batches)
        while ahead is not None:
            received = [ahead.result()]
            ahead = self._ask(batches)
            # Handed over, not kept in this suspended frame: the caller frees the batch
            # before cyclic collections resume (Archive._save_drafted).
            yield received.pop()

    def _ask(self, batches: Iterator[list[Item]]) -> _Asked | _Failed | None:
        try:
            batch = next(batches, None)
        except Exception as error:  # a bad item: raised after the batches before it are saved
            return _Failed(error)
        if batch is None:
            return None
        if self._source is None:
            self._conn.send(batch)
        else:
            start, self._offset = self._offset, self._offset + len(batch)
            self._conn.send((start, self._offset))
        return _Asked(self._conn, batch)

    def close(self) -> None:
        """End the drafting process (a batch it is preparing is dropped)."""
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._conn.close()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._unfreeze()

    def _unfreeze(self) -> None:
        if self._froze:
            self._froze = False
            gc.unfreeze()

    def __enter__(self) -> Drafter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def drafter(
    site: str | None, compress_level: int, source: Sequence[Any] | None = None
) -> Drafter | None:
    """A :class:`Drafter`, or None where a second process cannot help or cannot be forked
    safely: one core, a system other than Linux, or other threads running in this process."""
    if (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"):
        return None  # (macOS system libraries are not safe to fork; Windows cannot)
    if threading.active_count() > 1:
        return None
    return Drafter(site, compress_level, source)
