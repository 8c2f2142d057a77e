"""The public API is exactly what archiver.__all__ names (as httpx pins its own)."""

import archiver


def test_all_exported_members_exist():
    for name in archiver.__all__:
        assert hasattr(archiver, name), name


def test_public_api_is_pinned():
    assert set(archiver.__all__) == {
        "EXTRACTOR_VERSION",
        "FIELDS",
        "ArchiverError",
        "Article",
        "ConfigError",
        "CrawlError",
        "ExtractError",
        "FetchError",
        "InputError",
        "ParsedDate",
        "ProfileError",
        "QueryError",
        "SchemaTooNewError",
        "StoreError",
        "__version__",
        "extract",
        "fold",
        "normalize_url",
        "parse_date",
        "parse_iso",
    }


def test_extract_is_the_function_not_the_package():
    # archiver/extract/ is a package; importing its modules must not shadow the function.
    import archiver.extract.dom

    assert callable(archiver.extract)
    html = "<h1>Tin</h1><p>" + "Nội dung bài viết. " * 10 + "</p>"
    article = archiver.extract(html, "https://x.vn/a-1.html")
    assert isinstance(article, archiver.Article)
