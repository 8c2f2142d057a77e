"""Writing WARC files for an archive crawled without ``--warc``, from its fetch rows and bodies.

    summary = export_warcs(archive, "warcs/")

Every fetch row that got a response and has no WARC record yet is written, in the
order it was stored, with the same record layout, revisit rules and index as a crawl
with ``--warc`` (see :mod:`archiver.warc.writing`); its pointer is then recorded, so
running the export again writes only what is new. The exchange is rebuilt from the
row: headers as received, the stored body as payload, and what the fetcher decoded
judged from the Content-Encoding and Transfer-Encoding it received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archiver.store.archive import Archive
from archiver.store.warcs import WarcPointer, set_pointers, unexported_fetches
from archiver.warc.writing import DEFAULT_MAX_SIZE, ArchiveCaptures, WarcWriter

__all__ = ["ExportSummary", "export_warcs"]


@dataclass(slots=True)
class ExportSummary:
    """How many fetch rows were written, as which records, into which files."""

    fetches: int = 0
    records: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def export_warcs(
    archive: Archive,
    directory: str | Path,
    *,
    site: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    info: Mapping[str, str] | None = None,
    batch: int = 200,
) -> ExportSummary:
    """Write WARC records for the fetch rows of ``archive`` that have none (of ``site``)."""
    summary = ExportSummary()
    writer = WarcWriter(
        directory,
        max_size=max_size,
        info={"description": f"exported from the archive {archive.path}", **(info or {})},
        captures=ArchiveCaptures(archive.database),
    )
    pending: list[tuple[int, WarcPointer]] = []

    def record() -> None:
        writer.flush()  # the bytes are in the file before a row points at them
        summary.fetches += set_pointers(archive.database, pending)
        pending.clear()

    try:
        for fetch_id, exchange in unexported_fetches(archive.database, site=site, batch=batch):
            pointer = writer.write_exchange(exchange)
            if pointer is not None:
                pending.append((fetch_id, pointer))
            if len(pending) >= batch:
                record()
    finally:
        record()
        writer.close()
    summary.records = {k: v for k, v in writer.counts.items() if k != "skipped"}
    summary.files = list(writer.files)
    return summary
