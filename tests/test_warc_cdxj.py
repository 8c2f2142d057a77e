"""The CDXJ index: SURT keys as pywb computes them, sorted merges, file names."""

from __future__ import annotations

import json

from archiver.warc.cdxj import INDEX_NAME, cdxj_line, indexed_files, merge_into_index, surt


def test_surt_reverses_the_host_and_drops_what_pywb_ignores():
    assert surt("http://www.Example.com:80/Path?b=2&a=1#top") == "com,example)/path?a=1&b=2"
    assert surt("https://vnexpress.net/") == "net,vnexpress)/"
    assert surt("http://tamky.gov.vn") == "vn,gov,tamky)/"
    assert surt("http://www2.baomoi.com/a") == "com,baomoi)/a"
    assert surt("http://tin.example:8080/x") == "example,tin:8080)/x"
    assert surt("http://127.0.0.1/x") == "1,0,0,127)/x"


def test_surt_resolves_dot_segments_and_sorts_queries_as_pywb_does():
    assert surt("http://tamky.gov.vn/a/../b") == "vn,gov,tamky)/b"
    assert surt("http://tamky.gov.vn/a/./b/") == "vn,gov,tamky)/a/b"
    assert surt("http://tin.example/a?utm_source=x&B=1") == "example,tin)/a?b=1&utm_source=x"
    assert surt("http://tin.example/?PHPSESSID=0123456789abcdef0123456789abcdef&a=1") == (
        "example,tin)/?a=1"
    )


def test_surt_keys_are_those_of_the_surt_library_pywb_uses():
    import surt as reference

    for url in (
        "http://www.Example.com:80/Path?b=2&a=1#top",
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=123&x=%2f",
        "http://[::1]:8080/a",
        "http://tin.example/tin-tức?q=Đà Nẵng",
    ):
        assert surt(url) == reference.surt(url)


def test_surt_percent_encodes_non_ascii_paths():
    assert surt("http://tin.example/tin-tức") == "example,tin)/tin-t%e1%bb%a9c"


def test_a_line_has_key_timestamp_and_the_cdxj_indexer_fields():
    line = cdxj_line(
        url="http://tin.example/a",
        warc_date="2024-03-05T02:15:00.25Z",
        mime="text/html",
        status=200,
        digest="sha1:ABC",
        length=10,
        offset=20,
        filename="f.warc.gz",
    )
    key, stamp, fields = line.split(" ", 2)
    assert (key, stamp) == ("example,tin)/a", "20240305021500")
    assert json.loads(fields) == {
        "url": "http://tin.example/a",
        "mime": "text/html",
        "status": "200",
        "digest": "ABC",
        "length": "10",
        "offset": "20",
        "filename": "f.warc.gz",
    }


def test_merging_keeps_the_index_sorted_and_without_duplicates(tmp_path):
    merge_into_index(tmp_path, ["b 2 {}", "d 4 {}"])
    merge_into_index(tmp_path, ["a 1 {}", "c 3 {}", "d 4 {}"])
    lines = (tmp_path / INDEX_NAME).read_text().splitlines()
    assert lines == ["a 1 {}", "b 2 {}", "c 3 {}", "d 4 {}"]
    assert merge_into_index(tmp_path, []) == 0


def test_indexed_files_are_read_from_the_lines(tmp_path):
    merge_into_index(
        tmp_path,
        [
            cdxj_line(
                url="http://a.vn/",
                warc_date="2024-01-01T00:00:00Z",
                mime=None,
                status=None,
                digest=None,
                length=1,
                offset=0,
                filename="one.warc.gz",
            ),
            "garbage line",
        ],
    )
    assert indexed_files(tmp_path) == {"one.warc.gz"}


def test_merging_leaves_no_lock_file_and_gives_the_umask_mode(tmp_path):
    import os
    import stat

    previous = os.umask(0o027)
    try:
        merge_into_index(tmp_path, ["a 1 {}"])
    finally:
        os.umask(previous)
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_NAME]
    assert stat.S_IMODE((tmp_path / INDEX_NAME).stat().st_mode) == 0o640


def test_merges_from_two_threads_lose_no_line(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    batches = [[f"k{t:02d}{n:03d} 1 {{}}" for n in range(50)] for t in range(8)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda lines: merge_into_index(tmp_path, lines), batches))
    lines = (tmp_path / INDEX_NAME).read_text().splitlines()
    assert lines == sorted(line for batch in batches for line in batch)
