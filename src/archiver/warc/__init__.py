"""WARC (ISO 28500) in and out, so the archive lives on in the tools web archivists use.

Writing (``archiver crawl --warc DIR``, ``archiver export-warc DIR``)::

    with WarcWriter("warcs", info={"operator": "Thư viện tỉnh Quảng Nam"}) as warc:
        pointers = warc.write(exchanges)

Reading (``archiver import-warc FILE...``, ``archiver replay FILE.warc.gz``)::

    summary = import_warcs(archive, ["heritrix-00001.warc.gz"])
    site = warc_site(["warcs/"])

The modules: ``records`` (exchange → WARC/1.1 records, digests, headers that agree
with the stored payload), ``writer`` (rotating gzip-per-record files, revisits,
pointers), ``cdxj`` (the sorted SURT index pywb reads), ``reader`` (records of any
tool's WARC, damage located), ``importer`` (WARC → articles), ``export`` (archive →
WARC), ``replay`` (WARC → replay site).
"""

from archiver.store.warcs import WarcPointer
from archiver.warc.exporter import ExportSummary, export_warcs
from archiver.warc.importer import ImportSummary, import_warcs
from archiver.warc.reader import WarcDamage, WarcEntry, read_entry, read_records, warc_files
from archiver.warc.replay import warc_entries, warc_site
from archiver.warc.writing import (
    DEFAULT_MAX_SIZE,
    ArchiveCaptures,
    CaptureLookup,
    WarcWriter,
    crawl_info,
)

__all__ = [
    "DEFAULT_MAX_SIZE",
    "ArchiveCaptures",
    "CaptureLookup",
    "ExportSummary",
    "ImportSummary",
    "WarcDamage",
    "WarcEntry",
    "WarcPointer",
    "WarcWriter",
    "crawl_info",
    "export_warcs",
    "import_warcs",
    "read_entry",
    "read_records",
    "warc_entries",
    "warc_files",
    "warc_site",
]
