"""Reading WARCs: any tool's records, payloads decoded, damage located once and quietly."""

from __future__ import annotations

import gzip

import pytest

from archiver.errors import InputError
from archiver.warc import WarcDamage, read_entry, read_records, warc_files
from warc_support import browsertrix_warc, heritrix_warc, page, wget_warc


def test_wget_chunked_payload_is_dechunked(tmp_path):
    path = wget_warc(tmp_path / "w.warc", [1])
    entries = list(read_records(path, load=lambda e: True))
    assert [e.kind for e in entries] == ["warcinfo", "request", "response", "resource"]
    response = entries[2]
    assert response.payload == page(1) and response.decoded == ("chunked",)
    assert response.status == 200 and response.warc("WARC-IP-Address") == "127.0.0.1"


def test_heritrix_gzip_content_coding_is_undone(tmp_path):
    path = heritrix_warc(tmp_path / "h.warc.gz", [2])
    response = next(e for e in read_records(path, load=lambda e: True) if e.kind == "response")
    assert response.payload == page(2) and response.decoded == ("gzip",)


def test_payloads_are_read_only_when_asked(tmp_path):
    path = browsertrix_warc(tmp_path / "b.warc.gz", [3])
    assert all(e.payload is None for e in read_records(path))
    chosen = [e for e in read_records(path, load=lambda e: e.mime == "text/html") if e.payload]
    assert [e.target_uri for e in chosen] == [chosen[0].target_uri] and chosen[0].payload == page(3)


def test_a_pointer_reads_back_its_record(tmp_path):
    path = heritrix_warc(tmp_path / "h.warc.gz", [1, 2])
    for entry in read_records(path):
        assert read_entry(entry.pointer).record_id == entry.record_id


def _damage(path) -> tuple[int, WarcDamage]:
    count = 0
    with pytest.raises(WarcDamage) as caught:
        for _ in read_records(path, load=lambda e: True):
            count += 1
    return count, caught.value


def test_an_uncompressed_file_cut_inside_a_record(tmp_path):
    path = wget_warc(tmp_path / "w.warc", [1, 2])
    entries = list(read_records(path))
    cut = entries[3].pointer.offset + 50  # inside the second request's headers
    path.write_bytes(path.read_bytes()[:cut])
    count, damage = _damage(path)
    assert count == 3 and damage.offset == entries[3].pointer.offset
    assert "truncated" in str(damage) and str(path) in str(damage)


def test_garbage_where_a_record_should_start(tmp_path, capsys):
    path = heritrix_warc(tmp_path / "h.warc.gz", [1, 2])
    entries = list(read_records(path))
    data = path.read_bytes()
    at = entries[4].pointer.offset
    path.write_bytes(data[:at] + gzip.compress(b"NOT A WARC\r\n\r\n") + data[at:])
    count, damage = _damage(path)
    assert count == 4 and damage.offset == at and "not a readable WARC record" in damage.reason
    assert capsys.readouterr().err == ""  # warcio's own complaints are kept quiet


def test_a_file_that_is_not_a_warc_is_damaged_at_offset_zero(tmp_path):
    path = tmp_path / "x.warc"
    path.write_text("<html>not a warc</html>")
    count, damage = _damage(path)
    assert count == 0 and damage.offset == 0 and "not a readable WARC record" in damage.reason


def test_warc_files_expands_directories_and_refuses_missing_files(tmp_path):
    (tmp_path / "b.warc.gz").write_bytes(b"")
    (tmp_path / "a.warc").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in warc_files([tmp_path])] == ["a.warc", "b.warc.gz"]
    with pytest.raises(InputError, match="no such file"):
        warc_files([tmp_path / "missing.warc"])
