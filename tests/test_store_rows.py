"""What fetch and article rows hold besides plain text: JSON lists, compressed bodies."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from archiver.store.rows import compress, decompress, headers_json, json_list

_TEXT = st.text(max_size=20)


@given(st.lists(st.one_of(_TEXT, st.lists(_TEXT, max_size=2), st.none()), max_size=5))
def test_a_json_list_is_what_json_dumps_writes_without_ascii_escapes(items):
    assert json_list(items) == json.dumps(items, ensure_ascii=False)
    assert json_list(tuple(items)) == json_list(iter(items))


def test_headers_are_a_json_list_of_name_value_pairs():
    pairs = (("Content-Type", "text/html"), ("X-Tiêu-Đề", "Đà Nẵng"))
    assert json.loads(headers_json(pairs)) == [list(pair) for pair in pairs]
    assert "Đà Nẵng" in headers_json(pairs)


def test_a_compressed_body_reads_back_and_an_incompressible_one_is_kept_as_is():
    page = "<p>Thủ tướng đến Đà Nẵng.</p>".encode() * 50
    blob, how = compress(page, 3)
    assert (how, decompress(how, blob)) == ("zstd", page)
    assert compress(b"\x00", 3) == (b"\x00", "none")
