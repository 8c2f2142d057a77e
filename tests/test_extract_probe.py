"""The profile checker tries every selector of a profile on a page and reads it as the extractor."""

from __future__ import annotations

from archiver.extract.probe import check_page
from archiver.sites import profile_from_dict

PROFILE = profile_from_dict(
    {
        "name": "probe-test",
        "hosts": ["probe.vn"],
        "outlets": ["Báo Thử"],
        "selectors": {
            "title": ["h1.old-title", "h1.title"],
            "body": ["div.content"],
            "date": ["span.when", "time"],
            "author": ["p.byline", "div.author"],
            "view_count": ["span.views"],
            "remove": ["div.box", "figure"],
        },
    }
)

PAGE = """<html><body>
<div class="box">Hộp quảng cáo ngoài bài</div>
<h1 class="title">Hà Giang mở lại đường lên cột cờ Lũng Cú sau sạt lở</h1>
<span class="when">Thời sự</span><time datetime="2026-03-07T08:15:00+07:00"></time>
<p class="byline">Báo Thử</p><div class="author">Minh Lâm và 1 tác giả khác</div>
<span class="views">1.204</span>
<div class="content"><p>Sau ba ngày khắc phục sạt lở, tuyến đường lên cột cờ Lũng Cú đã thông xe
trở lại từ sáng 7/3, các phương tiện đi qua an toàn.</p><div class="box">Tin liên quan</div>
<div class="author">Minh Lâm - Hà Vy</div></div>
</body></html>"""


def test_each_selector_reports_its_matches_and_the_first_usable_one_is_chosen():
    report = check_page(PAGE, "https://probe.vn/a-1.html", profile=PROFILE)
    fields = {field.name: field for field in report.fields}
    title = fields["title"]
    assert [(r.selector, r.matches) for r in title.results] == [
        ("h1.old-title", 0),
        ("h1.title", 1),
    ]
    assert title.chosen is not None and title.chosen.selector == "h1.title"
    assert title.fallback is None
    assert report.article.title == "Hà Giang mở lại đường lên cột cờ Lũng Cú sau sạt lở"


def test_a_date_selector_whose_text_is_no_date_is_passed_over_for_a_datetime_attribute():
    report = check_page(PAGE, "https://probe.vn/a-1.html", profile=PROFILE)
    date = next(f for f in report.fields if f.name == "date")
    assert date.results[0].value is None and date.results[0].text == "Thời sự"
    assert date.chosen is not None and date.chosen.value == "2026-03-07T08:15:00+07:00"


def test_an_outlet_is_no_author_and_a_full_byline_beats_an_abbreviated_one():
    report = check_page(PAGE, "https://probe.vn/a-1.html", profile=PROFILE)
    author = next(f for f in report.fields if f.name == "author")
    assert author.results[0].value is None  # "Báo Thử" is the outlet
    assert author.chosen is not None and author.chosen.value == "Minh Lâm - Hà Vy"
    assert report.article.author == "Minh Lâm - Hà Vy"


def test_view_counts_and_removals_are_read_like_the_extractor_reads_them():
    report = check_page(PAGE, "https://probe.vn/a-1.html", profile=PROFILE)
    fields = {field.name: field for field in report.fields}
    assert fields["view_count"].chosen.value == "1204"
    # Removal works inside the body: the box above the headline does not count.
    assert [(r.selector, r.matches) for r in fields["remove"].results] == [
        ("div.box", 1),
        ("figure", 0),
    ]


def test_a_field_whose_selectors_miss_carries_the_fallback_warning():
    missing = profile_from_dict(
        {"name": "probe-miss", "hosts": ["probe.vn"], "selectors": {"title": ["h1.gone"]}}
    )
    report = check_page(PAGE, "https://probe.vn/a-1.html", profile=missing)
    title = next(f for f in report.fields if f.name == "title")
    assert title.chosen is None
    assert title.fallback == (
        "profile probe-miss: title selector matched nothing; used generic extraction"
    )
    assert report.found_by == "forced"


def test_a_page_without_a_profile_has_no_field_checks():
    report = check_page(PAGE, "https://nobody-knows.vn/a-1.html")
    assert report.profile is None and report.found_by == "none" and report.fields == ()
    assert report.article.title == "Hà Giang mở lại đường lên cột cờ Lũng Cú sau sạt lở"
