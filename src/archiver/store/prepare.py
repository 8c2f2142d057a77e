"""Preparing an exchange for the archive: the CPU work done before taking the write lock.

Hashing and compressing the raw body, choosing the canonical URL and aliases,
folding the text for the search index, the content hash and the MinHash
signature: nothing here reads or writes the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from archiver.article import Article
from archiver.dates.stored import iso
from archiver.errors import InputError
from archiver.fetch.exchange import Exchange
from archiver.pickling import pickled_by_fields
from archiver.store.dedup import (
    band_keys,
    band_keys_many,
    minhash,
    minhash_many,
    url_identity,
)
from archiver.store.folding import fold_for_index, fold_many, hash_keys
from archiver.store.fts import index_text
from archiver.store.rows import compress, headers_json, json_list
from archiver.store.warcs import WarcPointer
from archiver.urls import host_of

__all__ = [
    "ENCODED_FIELDS",
    "ArticleRecord",
    "Prepared",
    "article_record",
    "article_records",
    "prepare",
    "prepare_many",
]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An article ready to store: identity, column values, content hash and signature."""

    canonical: str
    aliases: tuple[tuple[str, str], ...]
    site: str
    fields: dict[str, Any]
    view_count: int | None
    content_hash: str
    signature: bytes | None
    bands: tuple[int, ...]  # LSH bucket keys of the signature
    #: The FTS_COLUMNS as the search index holds them (fts.index_text), or their UTF-8 as the
    #: drafting process sends them (SQLite's FTS5 reads a blob's bytes as the text they encode).
    folded: tuple[str | bytes, ...]
    #: Another site's URL the page names as canonical (a syndicated copy): linked, not merged.
    claim: str | None = None
    #: The UTF-8 of the row's long texts (:data:`ENCODED_FIELDS`), each None where not
    #: encoded, when the drafting process sent them so (:mod:`archiver.store.drafting`):
    #: the writer binds them as they are (``CAST(? AS TEXT)``) instead of encoding the text.
    encoded: tuple[bytes | None, ...] | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Prepared:
    """One exchange ready to store. ``blob`` is None when the body is already in the archive."""

    fetch: dict[str, Any]
    fetched_at: str
    sha256: str | None
    size: int
    blob: bytes | None
    compression: str
    article: ArticleRecord | None


def article_record(
    article: Article, final_url: str, requested_url: str, redirects: Iterable[str] = ()
) -> ArticleRecord:
    return article_records([(article, final_url, requested_url, redirects)])[0]


#: The ``articles`` columns whose text :attr:`ArticleRecord.encoded` may carry as UTF-8.
ENCODED_FIELDS: tuple[str, ...] = ("title", "lead", "body")


#: From this many articles on, signatures and folded texts are computed for all at once
#: (the same values).
_BATCH_SIGNATURES = 8
#: What :func:`article_records` takes for each article: the article and the URLs of its fetch.
Source = tuple[Article, str, str, Iterable[str]]


def article_records(sources: Sequence[Source]) -> list[ArticleRecord]:
    """:func:`article_record` of each source; the signatures are computed for all at once."""
    texts: list[str | None] = []
    for article, *_ in sources:
        texts += (article.title, article.lead, article.body, json_list(article.captions))
    keyed = _KEYED * len(sources)
    if len(sources) < _BATCH_SIGNATURES:  # one page: each text alone costs less
        folds = [fold_for_index(text, key=key) for text, key in zip(texts, keyed, strict=True)]
    else:
        folds = fold_many(texts, keyed)
    parts = [_parts(*source, folds[4 * i : 4 * i + 4]) for i, source in enumerate(sources)]
    if len(parts) < _BATCH_SIGNATURES:  # one page (as a crawl worker saves): no batch setup
        signatures = [minhash(folded) for _, folded in parts]
        bands = [band_keys(signature) for signature in signatures]
    else:
        signatures = minhash_many([folded for _, folded in parts])
        bands = band_keys_many(signatures)
    return [
        ArticleRecord(**fields, signature=signature, bands=tuple(keys))
        for (fields, _), signature, keys in zip(parts, signatures, bands, strict=True)
    ]


#: Which of an article's texts (title, lead, body, captions) its content key reads.
_KEYED = (True, False, True, False)


def _parts(
    article: Article,
    final_url: str,
    requested_url: str,
    redirects: Iterable[str],
    folds: Sequence[tuple[str, bytes, list[str] | None]],
) -> tuple[dict[str, Any], str]:
    """An article's record but its signature, and the folded body the signature reads;
    ``folds``: :func:`~archiver.store.folding.fold_for_index` of its title, lead, body and
    captions (as :data:`_KEYED` says)."""
    identity = url_identity(article.canonical_url, article.url, final_url, requested_url, redirects)
    fields = article_fields(article, identity.claim)
    (title, title_key, title_d), (lead, _, lead_d), (body, body_key, body_d), captions = folds
    record = {
        "canonical": identity.canonical,
        "aliases": identity.aliases,
        "site": article.site or host_of(identity.canonical) or "unknown",
        "fields": fields,
        "view_count": article.view_count,
        "content_hash": hash_keys(title_key, body_key),
        "folded": (
            index_text(article.title, title, title_d),
            index_text(article.lead, lead, lead_d),
            index_text(article.body, body, body_d),
            index_text(fields["captions"], captions[0], captions[2]),
        ),
        "claim": identity.claim,
    }
    return record, body


def article_fields(
    article: Article, claim: str | None, lists: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The article's own columns (:attr:`ArticleRecord.fields`); ``claim``: the other site's
    URL its page names as canonical, which its warnings mention. ``lists``: the captions and
    warnings columns (JSON) when an earlier call made them (:func:`json_lists`)."""
    captions, warnings = lists or json_lists(article, claim)
    return {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "published_at": article.published_at,
        "published_raw": article.published_raw,
        "updated_at": article.updated_at,
        "author": article.author,
        "author_raw": article.author_raw,
        "source": article.source,
        "captions": captions,
        "language": article.language,
        "warnings": warnings,
    }


def json_lists(article: Article, claim: str | None) -> tuple[str, str]:
    """The captions and warnings columns of :func:`article_fields` (JSON lists)."""
    warnings = list(article.warnings)
    if claim:
        warnings.append(f"canonical link names another site ({claim}): kept as its own article")
    return json_list(article.captions), json_list(warnings)


def prepare(
    exchange: Exchange,
    article: Article | None,
    *,
    site: str | None,
    body_known: Callable[[str], bool],
    compress_level: int,
    warc: WarcPointer | None = None,
) -> Prepared:
    """The CPU part of saving ``exchange``; ``body_known(sha256)`` says a body is archived.

    Nothing here takes the write lock; a known body is not compressed again.
    ``warc`` is where the exchange's WARC record is, when it has one.
    """
    return prepare_many(
        [(exchange, article, warc)],
        site=site,
        known_bodies=lambda hashes: {sha for sha in hashes if body_known(sha)},
        compress_level=compress_level,
    )[0]


def prepare_many(
    items: Sequence[tuple[Exchange, Article | None, WarcPointer | None]],
    *,
    site: str | None,
    known_bodies: Callable[[set[str]], set[str]],
    compress_level: int,
) -> list[Prepared]:
    """:func:`prepare` of each (exchange, article, WARC pointer); the articles' signatures
    are computed for the whole batch at once, and ``known_bodies(hashes)`` says which of
    the bodies' SHA-256s are archived (asked once)."""
    for exchange, article, _ in items:
        if not isinstance(exchange, Exchange):
            raise InputError(
                f"saving needs the Exchange a page came from, not {type(exchange).__name__} "
                "(Archive.add stores an article without one)"
            )
        if article is not None and not isinstance(article, Article):
            raise InputError(f"an article is an Article or None, not {type(article).__name__}")
    stored = [
        index
        for index, (_, article, _) in enumerate(items)
        if article is not None and article.is_article
    ]
    records: list[ArticleRecord | None] = [None] * len(items)
    sources = [
        (items[i][1], items[i][0].final_url, items[i][0].url, items[i][0].redirects) for i in stored
    ]
    for index, record in zip(stored, article_records(sources), strict=True):  # type: ignore[arg-type]
        records[index] = record
    hashes = [
        hashlib.sha256(exchange.body).hexdigest() if exchange.body else None
        for exchange, _, _ in items
    ]
    known = known_bodies({sha for sha in hashes if sha is not None})
    return [
        _prepared(exchange, record, site, sha, sha in known, compress_level, warc)
        for (exchange, _, warc), record, sha in zip(items, records, hashes, strict=True)
    ]


def _prepared(
    exchange: Exchange,
    record: ArticleRecord | None,
    site: str | None,
    sha: str | None,
    known: bool,
    compress_level: int,
    warc: WarcPointer | None,
) -> Prepared:
    body = exchange.body or b""
    blob, compression = None, "zstd"
    if sha is not None and not known:
        blob, compression = compress(body, compress_level)
    return Prepared(
        fetch=fetch_columns(exchange, sha, record, site, warc),
        fetched_at=iso(exchange.fetched_at),
        sha256=sha,
        size=len(body),
        blob=blob,
        compression=compression,
        article=record,
    )


def fetch_columns(
    exchange: Exchange,
    sha: str | None,
    record: ArticleRecord | None,
    site: str | None,
    warc: WarcPointer | None,
) -> dict[str, Any]:
    """The fetch row's columns (:attr:`Prepared.fetch`): the exchange's, the SHA-256 of its
    body, the site of its article (else ``site``) and where its WARC record is."""
    body = exchange.body or b""
    fetch = {
        "site": record.site if record else site,
        "url": exchange.url,
        "final_url": exchange.final_url or exchange.url,
        "method": exchange.method,
        "status": exchange.status,
        "request_headers": headers_json(exchange.request_headers),
        "response_headers": headers_json(exchange.response_headers),
        "content_type": exchange.content_type,
        "length": len(body),
        "sha256": sha,
        "truncated": int(exchange.truncated),
        "http_version": exchange.http_version,
        "ip_address": exchange.ip_address,
        "redirects": json_list(exchange.redirects),
        "elapsed": exchange.elapsed,
        "error": exchange.error,
    }
    if warc is not None:
        fetch.update(warc.columns())
    return fetch
