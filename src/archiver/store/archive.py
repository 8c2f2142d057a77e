"""The :class:`Archive`: the façade over one archive database (fetches, articles, history,
indexes), for the crawler, the command line and a researcher's notebook alike."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from itertools import chain, islice
from typing import IO, Any

from archiver.article import Article
from archiver.errors import InputError, NotFoundError
from archiver.extract import EXTRACTOR_VERSION
from archiver.fetch.exchange import Exchange
from archiver.store import articles as _articles
from archiver.store import export as _export
from archiver.store import indexes, runs
from archiver.store import reparse as _reparse
from archiver.store import search as _search
from archiver.store import stats as _stats
from archiver.store.arguments import (
    check_fields,
    check_mapping,
    check_number,
    check_stream,
    check_text,
)
from archiver.store.database import MEMORY, Database, open_database
from archiver.store.drafting import collector_paused, drafter, forget_known
from archiver.store.prepare import Prepared
from archiver.store.results import ReparseSummary, SaveResult, SearchHit, Stats, ViewCount
from archiver.store.rows import decompress
from archiver.store.warcs import WarcPointer
from archiver.store.writer import Writer

__all__ = ["DEFAULT_PATH", "Archive"]

DEFAULT_PATH = "archive.db"

#: How an article is named: its id, a URL it was found under, or the Article itself.
ArticleKey = int | str | Article


class Archive:
    """A crawl archive: one SQLite file (WAL mode: readers never block the writer), or
    ``Archive(":memory:")`` / :meth:`Archive.memory` for one that lives in memory only.

    Opening creates the file if needed and migrates an older schema in place. A
    file that is not SQLite, not an archive, read-only (when writing) or from a
    newer archiver raises :class:`~archiver.errors.StoreError` (or
    :class:`~archiver.errors.SchemaTooNewError`) and is left untouched. Misuse (a
    wrong argument) raises :class:`~archiver.errors.InputError`, an article that is
    not there :class:`~archiver.errors.NotFoundError`.
    One connection, to be used by one thread at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_PATH,
        *,
        readonly: bool = False,
        timeout: float = 30.0,
        compress_level: int = 3,
        extractor_version: str = EXTRACTOR_VERSION,
    ) -> None:
        #: The database under the façade (what the frontier and the WARC code take).
        self.database: Database = open_database(
            path, readonly=readonly, timeout=timeout, compress_level=compress_level
        )
        self.path = self.database.path
        #: Stamped on the articles saved without naming their extractor.
        self.extractor_version = extractor_version
        self.readonly = readonly
        self.timeout = timeout
        self.compress_level = compress_level
        #: Derived indexes rebuilt on opening, because the code deriving them changed.
        self.rebuilt: list[str] = self.database.rebuilt

    @classmethod
    def memory(cls, **options: Any) -> Archive:
        """An empty archive in memory (gone when closed): for notebooks and tests."""
        return cls(MEMORY, **options)

    # -- plumbing ----------------------------------------------------------------------

    @property
    def conn(self) -> Any:
        """The database connection, for ad-hoc SQL (read only, please)."""
        return self.database.conn

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({self.path!r}{', readonly=True' if self.readonly else ''})"

    @contextmanager
    def transaction(self, action: str) -> Iterator[Writer]:
        """One write transaction (see :meth:`Database.transaction`)."""
        with self.database.transaction(action) as writer:
            yield writer

    @contextmanager
    def reading(self, action: str) -> Iterator[Any]:
        with self.database.reading(action) as conn:
            yield conn

    def body_known(self, sha256: str) -> bool:
        """Whether a response body with this SHA-256 (hex) is already archived."""
        check_text("sha256", sha256, optional=False)
        return self.database.body_known(sha256)

    # -- crawl runs and sites ----------------------------------------------------------

    def start_run(self, arguments: Mapping[str, Any]) -> int:
        """Record the start of a crawl run; returns its id for :meth:`save` and :meth:`finish_run`.

        ``arguments`` is stored as JSON (values that JSON cannot hold are stored as text).
        """
        check_mapping("arguments", arguments)
        return runs.start_run(self.database, arguments)

    def mark_dead_runs(self, *, crawl_lock_held: bool = False) -> int:
        """Mark ``killed`` the runs left ``running`` by a process that is gone; how many."""
        return runs.mark_dead_runs(self.database, crawl_lock_held=crawl_lock_held)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        check_number("run_id", run_id)
        check_text("status", status, optional=False)
        check_mapping("stats", stats)
        runs.finish_run(self.database, run_id, status, stats)

    def register_site(
        self, name: str, *, base_url: str | None = None, profile: str | None = None
    ) -> None:
        """Create or update a ``sites`` row (the crawler calls this once per configured site)."""
        runs.register_site(self.database, name, base_url=base_url, profile=profile)

    # -- writing -----------------------------------------------------------------------

    def add(
        self,
        article: Article,
        html: str | bytes | None = None,
        fetched_at: datetime | str | None = None,
    ) -> SaveResult:
        """Store an article you extracted yourself, with the page it came from if you have it.

        ``html`` (text or bytes) is kept as the page's body, so ``reparse`` can extract it
        again; ``fetched_at`` (a datetime or ISO 8601 text; default now) is when it was
        read. Deduplicated like a crawled page: adding it twice gives ``unchanged``.
        """
        if not isinstance(article, Article):
            raise InputError(f"Archive.add stores an Article, not {type(article).__name__}")
        if not article.is_article:
            raise InputError("Archive.add stores articles: this one has no title or no body")
        if html is not None and not isinstance(html, str | bytes):
            raise InputError(f"html is text or bytes, not {type(html).__name__}")
        body = html.encode("utf-8") if isinstance(html, str) else html
        headers = (("content-type", "text/html; charset=utf-8"),) if isinstance(html, str) else ()
        exchange = Exchange(
            url=article.url,
            final_url=article.url,
            status=None if body is None else 200,
            fetched_at=_moment(fetched_at),
            response_headers=headers,
            body=body or b"",
        )
        return self.save(exchange, article)

    def save(
        self,
        exchange: Exchange,
        article: Article | None,
        *,
        run_id: int | None = None,
        extractor_version: str | None = None,
        site: str | None = None,
    ) -> SaveResult:
        """Store one exchange and, if it gave an article, the article — in one transaction.

        ``site`` names the site of a fetch that gave no article (an article names its own);
        ``extractor_version`` defaults to the archive's :attr:`extractor_version`.
        """
        return self.save_many(
            [(exchange, article)], run_id=run_id, extractor_version=extractor_version, site=site
        )[0]

    def prepare(
        self,
        exchange: Exchange,
        article: Article | None,
        *,
        site: str | None = None,
        warc: WarcPointer | None = None,
    ) -> Prepared:
        """The CPU part of saving ``exchange`` (see :func:`archiver.store.prepare.prepare`)."""
        return self.database.prepare(exchange, article, site=site, warc=warc)

    def save_many(
        self,
        items: Iterable[
            tuple[Exchange, Article | None] | tuple[Exchange, Article | None, WarcPointer | None]
        ],
        *,
        run_id: int | None = None,
        extractor_version: str | None = None,
        site: str | None = None,
        batch_size: int = 500,
    ) -> list[SaveResult]:
        """:meth:`save` for many exchanges, one transaction per ``batch_size`` of them.

        An item may carry a third element, the :class:`WarcPointer` of its WARC record.
        With more than one batch, the next is prepared in a forked process while this one
        writes (:mod:`archiver.store.drafting`; not beside other threads, nor on one core).
        """
        check_number("batch_size", batch_size)
        if isinstance(items, str | bytes) or not hasattr(items, "__iter__"):
            raise InputError(f"save_many takes an iterable of tuples, not {type(items).__name__}")
        results: list[SaveResult] = []
        iterator = iter(items)
        version = extractor_version or self.extractor_version
        first = list(islice(iterator, batch_size))
        if not first:
            return results
        # One item past the first batch says whether there is a next one to prepare ahead
        # (an iterator that fails there fails after the first batch is saved, as before).
        try:
            peeked = list(islice(iterator, 1)) if len(first) == batch_size else []
        except Exception as error:
            peeked, iterator = [], _raise(error)
        source = items if isinstance(items, list | tuple) else None
        ahead = drafter(site, self.compress_level, source) if peeked else None
        batches = chain((first,), _batches(chain(peeked, iterator), batch_size))
        if ahead is None:  # one batch, or no second core to prepare the next one on
            for batch in batches:
                with self.reading("checking stored bodies"):  # CPU work, before the write lock
                    prepared = self.database.prepare_many(list(map(_triple, batch)), site=site)
                results.extend(self._write(prepared, run_id, version))
            return results
        # The checkpoints' thread starts after the drafting process is forked (a fork
        # beside another thread is unsafe; see drafting).
        with ahead, self.database.checkpoints_aside():
            drafts = ahead.drafts(list(map(_triple, batch)) for batch in batches)
            while (written := self._save_drafted(drafts, run_id, version)) is not None:
                results.extend(written)
        return results

    def _save_drafted(
        self, drafts: Iterator[list[Prepared]], run_id: int | None, version: str
    ) -> list[SaveResult] | None:
        """The next drafted batch received and written (None when there is none), with no
        cyclic collection from its unpickling to its write's end: the batch's objects
        live until then, so a collection in between (the one owed when the unpickling's
        pause ends) would walk every one of them and free none."""
        with collector_paused():
            drafted = next(drafts, None)
            if drafted is None:
                return None
            with self.reading("checking stored bodies"):
                prepared = forget_known(drafted, self.database.bodies_known)
            del drafted
            written = self._write(prepared, run_id, version)
            # Freed here, not after the pause: collections resume at once (the one owed).
            del prepared
        return written

    def _write(
        self, prepared: list[Prepared], run_id: int | None, version: str
    ) -> list[SaveResult]:
        with collector_paused():
            return self.database.write(
                "saving fetched pages", lambda writer: _save_all(writer, prepared, run_id, version)
            )

    # -- reading -----------------------------------------------------------------------

    def body(self, sha256: str) -> bytes:
        """The raw bytes of a stored response body."""
        check_text("sha256", sha256, optional=False)
        with self.reading("reading a stored body") as conn:
            row = conn.execute(
                "SELECT compression, data FROM bodies WHERE sha256 = ?", (sha256,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no stored body with sha256 {sha256} in {self.path}")
        compression, data = row
        return decompress(compression, data)

    def articles(
        self,
        *,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        author: str | None = None,
    ) -> Iterator[Article]:
        """The archived articles as :class:`Article` records, in the order they were archived.

        Filters as ``archiver export`` takes them: ``since``/``until`` bound the
        publication date (``2024``, ``2024-03``, ``2024-03-05``), ``query`` is a search
        query (every match), ``author`` a name without its accents if you like.
        """
        selection = _export.Selection(site, since, until, author, query)
        selection.where()  # a bad date or query fails here, not at the first next()
        return _articles.articles(self.database, selection)

    def article(self, key: ArticleKey) -> Article:
        """One article, by its id or a URL it was found under (canonical or alias)."""
        return _articles.article(self.database, key)

    def view_counts(self, article: ArticleKey) -> list[ViewCount]:
        """The view counts observed for ``article`` (an Article, id or URL), oldest first."""
        return _articles.view_counts(self.database, article)

    def to_dataframe(
        self,
        *,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        author: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> Any:
        """The selected articles (filters as :meth:`articles`) as a pandas DataFrame indexed
        by article id; ``fields`` picks columns as ``archiver export --fields``. Needs pandas."""
        check_fields(fields)
        selection = _export.Selection(site, since, until, author, query)
        return _articles.to_dataframe(self.database, selection, fields)

    def search(
        self,
        query: str,
        *,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        author: str | None = None,
        limit: int = 20,
        exact: bool = False,
    ) -> list[SearchHit]:
        """Accent-insensitive full-text search, best first (see :mod:`archiver.store.search`)."""
        return list(
            self.iter_search(
                query, site=site, since=since, until=until, author=author, limit=limit, exact=exact
            )
        )

    def iter_search(self, query: str, **options: Any) -> Iterator[SearchHit]:
        """:meth:`search`, yielding each hit as soon as it is found (for streaming output)."""
        check_text("query", query, optional=False)
        for name in ("site", "since", "until", "author"):
            check_text(name, options.get(name))
        check_number("limit", options.get("limit", 20), low=None)  # its range: QueryError
        with self.reading("searching") as conn:
            yield from _search.iter_search(conn, query, ranker=self.database.ranker, **options)

    def export(
        self,
        *,
        format: str = "jsonl",
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        author: str | None = None,
        query: str | None = None,
        fields: Sequence[str] | None = None,
        raw: bool = False,
        out: IO[str],
        bom: bool = False,
    ) -> int:
        """Stream articles to ``out`` as JSON lines or CSV; returns the number of rows written.

        ``author`` and ``query`` filter as ``archiver search`` does (every match of the
        query, not only the best); ``fields`` picks the columns; ``raw`` writes CSV cells
        that start like a formula verbatim (see :mod:`archiver.store.export`).
        """
        check_fields(fields)
        check_stream(out)
        selection = _export.Selection(site, since, until, author, query)
        export = self.database.exporter() or _export.export
        with self.reading("exporting") as conn:
            return export(
                conn, format=format, selection=selection, fields=fields, raw=raw, out=out, bom=bom
            )

    def stats(self) -> Stats:
        """Totals, articles per site and month, missing fields, recent runs; on a shared
        archive also the crawlers at work (``fleet``: their leases)."""
        with self.reading("computing statistics") as conn:
            found = _stats.stats(conn)
            fleet = self.database.fleet()
        return replace(found, fleet=fleet) if fleet is not None else found

    def check(self) -> list[str]:
        """Consistency problems (empty list when sound): integrity, FTS, orphan rows."""
        with self.reading("checking the archive") as conn:
            return self.database.check() if self.database.shared else indexes.check(conn)

    @property
    def shared(self) -> bool:
        """Whether many crawlers may use this archive at once (a PostgreSQL server)."""
        return self.database.shared

    def host_slots(self, run_id: int | None) -> Any:
        """On a shared archive, the host slots a crawl run leases (its fleet's politeness,
        :class:`archiver.store.postgres.hosts.HostSlots`); None on a SQLite file."""
        return self.database.host_slots(run_id)

    def reparse(
        self,
        *,
        site: str | None = None,
        extract: Callable[..., Article] | None = None,
        extractor_version: str | None = None,
        batch_size: int = 200,
    ) -> ReparseSummary:
        """Re-run extraction over stored raw pages, updating articles and keeping history.

        ``extract`` defaults to :func:`archiver.extract`; it is called as
        ``extract(html, url, headers=..., fetched_at=...)``.
        """
        check_number("batch_size", batch_size)
        check_text("site", site)
        return _reparse.reparse(
            self.database,
            site=site,
            extract=extract,
            extractor_version=extractor_version,
            batch_size=batch_size,
        )


def _moment(value: datetime | str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as error:
            raise InputError(f"fetched_at {value!r} is not an ISO 8601 time") from error
    raise InputError(f"fetched_at is a datetime or ISO 8601 text, not {type(value).__name__}")


def _raise(error: Exception) -> Iterator[Any]:
    raise error
    yield


def _batches(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(iterator, size)):
        yield batch


def _triple(item: Any) -> tuple[Exchange, Article | None, WarcPointer | None]:
    """One ``save_many`` item: (exchange, article) or (exchange, article, WARC pointer)."""
    if not isinstance(item, tuple) or len(item) not in (2, 3):
        raise InputError(
            "save_many takes (exchange, article) or (exchange, article, warc pointer) "
            f"tuples, not {type(item).__name__}"
        )
    return (item[0], item[1], item[2] if len(item) == 3 else None)


def _save_all(writer: Writer, items: list[Prepared], run_id: int | None, version: str) -> list:
    """One transaction's saves (the body :meth:`Database.write` may run again)."""
    writer.reserve(items)
    return [writer.save(item, run_id, version) for item in items]
