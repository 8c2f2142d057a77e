"""Bylines, credit lines and view counts: persons, outlets and agencies told apart."""

from __future__ import annotations

import pytest

from archiver.extract import extract
from archiver.extract.byline import (
    name_in_meta_line,
    parse_byline,
    parse_credit,
    parse_view_count,
    split_signature,
)
from archiver.extract.outlets import is_outlet


@pytest.mark.parametrize("name", ["Bảo Anh", "Bảo Trâm", "Bảo Ngọc", "BẢO ANH", "Bảo Bảo"])
def test_names_beginning_with_bao_are_persons(name: str):
    assert parse_byline(name) == name
    assert not is_outlet(name)


@pytest.mark.parametrize(
    "name",
    [
        "Báo Quảng Nam",
        "BÁO QUẢNG NAM",
        "TTXVN",
        "Tạp chí Cộng sản",
        "Forbes",
        "VnEconomy",
        "Dân Việt",
        "VietnamPlus",
        "Trung tâm Truyền thông tỉnh Quảng Ninh",
    ],
)
def test_outlets_and_agencies_are_no_persons(name: str):
    assert is_outlet(name)
    assert parse_byline(name) is None


def test_outlets_compare_with_accents_unless_typed_without_them():
    assert not is_outlet("Bảo An", ["Báo An Giang"])
    assert is_outlet("TUOI TRE ONLINE", ["Tuổi Trẻ Online"])
    assert is_outlet("admin admin")  # a CMS account is no person either


def test_email_addresses_separate_co_authors():
    assert parse_byline("Thành Luân thanhluan34@gmail.com Hữu Thắng") == "Thành Luân - Hữu Thắng"
    assert parse_byline("Ngọc An (ngocan@vnexpress.net)") == "Ngọc An"


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Theo TTXVN", "TTXVN"),
        ("(Theo Forbes)", "Forbes"),
        ("Theo Báo Quảng Nam", "Báo Quảng Nam"),
        ("Nguồn: Báo Quảng Nam", "Báo Quảng Nam"),
        ("Báo Quảng Nam", "Báo Quảng Nam"),
        ("Theo https://mic.gov.vn/", "https://mic.gov.vn/"),
        ("Theo Doanh nghiệp và Tiếp thị", "Doanh nghiệp và Tiếp thị"),
        ("TTXVN", "TTXVN"),
        ("Theo Forbes, Newsweek", "Forbes, Newsweek"),  # two outlets in one credit
        ("Nguồn: Reuters, AFP, AP", "Reuters, AFP, AP"),
    ],
)
def test_credit_lines_name_the_outlet(line: str, source: str):
    assert parse_credit(line) == source


@pytest.mark.parametrize(
    "line",
    [
        "Theo Hồ Hương",  # a person's byline
        "Theo báo cáo, năm 2017 thành phố dẫn đầu",  # running text
        "Theo Bộ trưởng, cần đẩy mạnh chuyển đổi số",
        "Theo Hồ Hương, Lê Minh Tâm",  # two persons' bylines
        "Forbes, Newsweek",  # names listed without a label may be anything
        "Ảnh: Thùy Dung",  # who took the pictures
        "Thùy Dung",
    ],
)
def test_bylines_sentences_and_photo_credits_are_no_credit_lines(line: str):
    assert parse_credit(line) is None


def test_the_pages_own_outlet_is_no_outside_source():
    assert parse_credit("Theo Dân trí", outlets=["Báo Dân trí", "Dân trí"]) is None


def test_an_element_marked_as_source_may_name_an_outlet_without_a_label():
    assert parse_credit("Tài chính Plus", labelled=True) == "Tài chính Plus"
    assert parse_credit("Hiệp hội Cà phê - Ca cao Việt Nam", labelled=True) is not None
    assert parse_credit("Hiệp hội Cà phê - Ca cao Việt Nam") is None


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("Ngày đăng 02/08/2022 | 5:00 PM | View count: 74", 74),
        ("Lượt xem:  136", 136),
        ("Số lần xem: 1.234", 1234),
        ("Hits: 55", 55),
    ],
)
def test_view_counts_in_their_many_labels(line: str, count: int):
    assert parse_view_count(line) == count


@pytest.mark.parametrize(
    ("line", "person", "outlet"),
    [
        ("Theo Minh Anh (Pháp luật TP.HCM)", "Minh Anh", "Pháp luật TP.HCM"),
        ("Minh Anh (theo Reuters)", "Minh Anh", "Reuters"),
        ("Minh Anh (TTXVN/Vietnam+)", "Minh Anh", "TTXVN/Vietnam+"),
        ("Minh Anh (Báo Lao Động)", "Minh Anh", "Báo Lao Động"),
        ("Minh Anh/VOV.VN", "Minh Anh", "VOV.VN"),
        ("Thu Hằng/VOV-Đông Bắc", "Thu Hằng", "VOV-Đông Bắc"),
        ("Thu Hằng/VOV1", "Thu Hằng", "VOV1"),
        ("Hồng Nhung - Báo Quảng Ninh", "Hồng Nhung", "Báo Quảng Ninh"),
        ("MINH ANH - THU HÀ (theo AFP)", "MINH ANH - THU HÀ", "AFP"),
        # Outlets whose names carry no "Báo" and are no persons' names.
        ("Theo Thu Hà (Dân Việt)", "Thu Hà", "Dân Việt"),
        ("Minh Anh (VietnamPlus)", "Minh Anh", "VietnamPlus"),
        ("Minh Anh (Tri thức trẻ)", "Minh Anh", "Tri thức trẻ"),
        # A province's or district's media centre signs a portal's articles.
        ("Thu Hà - Trung tâm Truyền thông tỉnh", "Thu Hà", "Trung tâm Truyền thông tỉnh"),
        (
            "Minh Anh (Trung tâm VH-TT&TT huyện Tiên Yên)",
            "Minh Anh",
            "Trung tâm VH-TT&TT huyện Tiên Yên",
        ),
    ],
)
def test_a_signature_names_the_writer_and_credits_the_outlet(line: str, person: str, outlet: str):
    assert split_signature(line) == (person, outlet)
    assert parse_byline(line) == person
    assert parse_credit(line) == outlet


def test_a_signature_naming_the_pages_own_outlet_credits_no_source():
    assert split_signature("Minh Anh/VOV.VN", outlets=["VOV.VN", "Báo điện tử VOV"]) == (
        "Minh Anh",
        None,
    )
    assert parse_credit("Minh Anh/VOV.VN", outlets=["VOV.VN"]) is None


def test_a_signature_naming_the_sites_own_address_credits_no_source():
    # No og:site_name on the page: the host itself names the outlet the writer signs for.
    article = extract(
        _page(_WHEN, "<p style='text-align: right'><strong>Thu Hà/VOV.VN</strong></p>"),
        "https://vov.vn/xa-hoi/hoi-nghi-so-ket-post1160000.vov",
    )
    assert (article.author, article.source) == ("Thu Hà", None)
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize(
    ("line", "person", "outlet"),
    [
        ("Minh Anh Báo Quảng Nam", "Minh Anh", "Báo Quảng Nam"),
        ("Bảo Trâm Báo Quảng Nam", "Bảo Trâm", "Báo Quảng Nam"),
        ("Thu Hà TTXVN", "Thu Hà", "TTXVN"),
        ("Tác giả: Lê Minh Tạp chí Cộng sản", "Lê Minh", "Tạp chí Cộng sản"),
        ("Thu Hà Theo Tiền Phong", "Thu Hà", "Tiền Phong"),  # "Thu Hà<br>Theo Tiền Phong"
        ("Thu Hà Nguồn: VTV", "Thu Hà", "VTV"),
    ],
)
def test_a_signature_whose_line_break_is_gone_still_ends_the_name_at_the_outlet(
    line: str, person: str, outlet: str
):
    # "Minh Anh<br>Báo Quảng Nam" reaches the parser as one line: the outlet's own word
    # ("Báo", "Tạp chí", "TTXVN", in no person's name) is where the name ends.
    assert split_signature(line) == (person, outlet)
    assert parse_byline(line) == person
    assert parse_credit(line) == outlet


@pytest.mark.parametrize("line", ["Theo Báo Quảng Nam", "Nguồn: Báo Quảng Nam", "Theo (Reuters)"])
def test_a_label_before_the_outlet_signs_for_no_one(line: str):
    assert split_signature(line) is None
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    "signature",
    [
        "<p><strong>Minh Anh<br>Báo Quảng Nam</strong></p>",
        "<p style='text-align:right'><b>Minh Anh</b><br>Báo Quảng Nam</p>",
    ],
)
def test_a_closing_signature_broken_over_two_lines_names_the_writer_and_the_outlet(
    signature: str,
):
    text = [
        f"Đoạn văn thứ {i} nói về công tác cải cách hành chính của thành phố Tam Kỳ trong năm "
        "nay, với nhiều kết quả đáng ghi nhận và những hạn chế cần khắc phục."
        for i in range(1, 6)
    ]
    body = "".join(f"<p>{p}</p>" for p in text) + signature
    html = (
        "<html><head><title>Hội nghị tổng kết</title></head><body>"
        "<h1>Hội nghị tổng kết cải cách hành chính</h1><div class='date'>04/07/2018 08:30</div>"
        f"<div class='content'>{body}</div></body></html>"
    )
    article = extract(html.encode(), "https://tamky.gov.vn/tin-tuc/hoi-nghi-tong-ket-123.aspx")
    assert (article.author, article.source) == ("Minh Anh", "Báo Quảng Nam")
    assert article.paragraphs == text


@pytest.mark.parametrize(
    ("signature", "outlet"),
    [
        ("<div class='nguontin'>Theo Thu Hà (Dân Việt)</div>", "Dân Việt"),
        (
            "<p style='text-align: right'>"
            "<strong>Thu Hà - Trung tâm Truyền thông tỉnh</strong></p>",
            "Trung tâm Truyền thông tỉnh",
        ),
    ],
)
def test_a_closing_signature_naming_an_outlet_without_its_kind_leaves_the_text(
    signature: str, outlet: str
):
    article = extract(_page(_WHEN, signature), "https://tin.example.vn/bai-viet-1.html")
    assert (article.author, article.source) == ("Thu Hà", outlet)
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize(
    "line", ["Minh Anh - Thu Hà", "Bảo Anh - Bảo Trâm", "Lê Minh/Thu Hà", "Minh Anh (tổng hợp)"]
)
def test_co_authors_are_no_signature(line: str):
    assert split_signature(line) is None


@pytest.mark.parametrize(
    ("line", "person"),
    [("Hoàng Hà (thực hiện)", "Hoàng Hà"), ("Bài: Minh Anh - Ảnh: Thu Hà", "Minh Anh")],
)
def test_an_interviewers_credit_and_a_photographers_are_not_part_of_the_name(
    line: str, person: str
):
    assert parse_byline(line) == person


_TEXT = [
    f"Đoạn {n}: thành phố tiếp tục triển khai các giải pháp, tăng cường kiểm tra, giám sát, "
    "bảo đảm tiến độ và chất lượng công trình theo đúng kế hoạch đã đề ra."
    for n in range(1, 5)
]


def _page(meta: str, tail: str = "") -> bytes:
    paragraphs = "".join(f"<p>{t}</p>" for t in _TEXT)
    return (
        "<html><head><title>Hội nghị sơ kết</title></head><body>"
        "<div class='menu'><a href='/'>Trang chủ</a> <a href='/xa-hoi'>Xã hội</a></div>"
        f"<div class='detail'><h1>Hội nghị sơ kết</h1>{meta}"
        f"<div class='content'>{paragraphs}{tail}</div></div></body></html>"
    ).encode()


_WHEN = "<span class='time'>14/09/2026 08:15</span>"


@pytest.mark.parametrize(
    "meta",
    [
        f"<div class='article__meta'><a class='name' href='/tac-gia/minh-anh.html'>Minh Anh</a>"
        f" {_WHEN}</div>",
        f"<div class='info'>Bởi <a href='/author/minh-anh'>Minh Anh</a> - {_WHEN}</div>",
    ],
)
def test_a_link_to_the_writers_page_names_the_author(meta: str):
    article = extract(_page(meta), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh"
    assert article.paragraphs == _TEXT


def test_a_name_line_set_flush_right_by_its_class_closes_the_text_as_its_byline():
    article = extract(
        _page(_WHEN, "<p class='text-right'>Minh Anh</p>"), "https://tin.example.vn/bai-viet-1.html"
    )
    assert article.author == "Minh Anh"
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize(
    "line",
    [
        "Thiếu tá Nguyễn Văn An",
        "Đại tá, TS NGUYỄN VĂN HẢI",
        "Luật sư Trần Minh",
        "Bác sĩ Lê Hoa",
    ],
)
def test_a_rank_or_profession_written_out_before_the_name_is_part_of_the_byline(line: str):
    assert parse_byline(line) == line
    # Not a sentence about someone, nor the word alone.
    assert parse_byline(f"{line} cho biết") is None
    assert parse_byline(line.split()[0] + " " + line.split()[1].rstrip(",")) is None


@pytest.mark.parametrize(
    ("line", "person"),
    [
        ("BTV Phương Linh", "Phương Linh"),
        ("PV Minh Anh", "Minh Anh"),
        ("CTV Thu Hà", "Thu Hà"),
        ("Phóng viên Minh Anh", "Minh Anh"),
        ("Biên tập viên Phương Linh", "Phương Linh"),
        ("Nhà báo Thu Hà", "Thu Hà"),
        ("BTV: Phương Linh", "Phương Linh"),
        ("Minh Anh - PV", "Minh Anh"),
        ("Minh Anh (CTV)", "Minh Anh"),
    ],
)
def test_a_newsrooms_title_beside_the_name_is_no_part_of_the_byline(line: str, person: str):
    # The writer's job in the newsroom (editor, reporter, contributor), unlike a rank, is
    # not shown as part of the name.
    assert parse_byline(line) == person
    # Not a sentence about a reporter, nor the title alone; a group of reporters stays one.
    assert parse_byline(f"{line} cho biết") is None
    assert parse_byline("Nhóm PV") == "Nhóm PV"


@pytest.mark.parametrize(
    ("line", "person"),
    [("Hà An (tổng hợp từ Reuters, AFP)", "Hà An"), ("Hà An (tổng hợp theo BBC)", "Hà An")],
)
def test_a_compilers_note_after_the_name_is_no_part_of_it(line: str, person: str):
    assert parse_byline(line) == person


@pytest.mark.parametrize("line", ["Nhóm phóng viên", "NHÓM PHÓNG VIÊN", "Nhóm PV"])
def test_a_byline_naming_the_reporters_as_a_group_is_kept_whole(line: str):
    # "phóng viên" after a name is the writer's position; after "Nhóm" it is the name itself.
    assert parse_byline(line) == line
    assert parse_byline("Minh Anh - Phóng viên") == "Minh Anh"


def test_an_author_box_giving_the_writers_position_names_the_writer():
    box = (
        "<div class='author'><img src='a.jpg' alt=''><span>Minh Anh</span>"
        f"<span>Phóng viên</span></div>{_WHEN}"
    )
    article = extract(_page(box), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh"


@pytest.mark.parametrize("between", [", ", " - "])
def test_links_to_several_writers_pages_name_every_writer(between: str):
    meta = (
        "<div class='article__meta'><a href='/tac-gia/minh-anh.html'>Minh Anh</a>"
        f"{between}<a href='/tac-gia/thu-ha.html'>Thu Hà</a> {_WHEN}</div>"
    )
    article = extract(_page(meta), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh - Thu Hà"


def test_writers_listed_with_commas_are_all_named_a_sentence_is_no_byline():
    assert parse_byline("Minh Anh, Thu Hà") == "Minh Anh, Thu Hà"
    assert parse_byline("Theo báo cáo, doanh thu tăng") is None
    assert parse_credit("Theo Hồ Hương, Lê Minh") is None


def test_every_writer_the_json_ld_names_for_the_one_article_is_the_author():
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": ['
        '{"@type": "Person", "name": "Minh Anh"}, {"@type": "Person", "name": "Thu Hà"}]}'
        "</script>"
    )
    html = _page(_WHEN).replace(b"</title>", b"</title>" + ld.encode())
    assert extract(html, "https://tin.example.vn/bai-viet-1.html").author == "Minh Anh - Thu Hà"


@pytest.mark.parametrize(
    "info",
    [
        "<div class='info'>Ngày đăng: 14/09/2026 08:15 | Tác giả: Thu Hà | Lượt xem: 1.234</div>",
        "<div class='info'>Tác giả: Thu Hà - Ngày đăng: 14/09/2026 08:15 - Lượt xem: 1234</div>",
        "<div class='info'>\n<span>Ngày đăng: 14/09/2026 08:15</span>\n"
        "<span>Tác giả: Thu Hà</span>\n<span>Lượt xem: 1234</span>\n</div>",
    ],
)
def test_a_portals_line_of_date_writer_and_views_gives_all_three(info: str):
    # One line under the headline, its parts set apart by "|", dashes or elements.
    article = extract(_page(info), "https://tinh.example.gov.vn/tin-tuc/hoi-nghi-so-ket-12.html")
    assert article.published_at == "2026-09-14T08:15:00+07:00"
    assert (article.author, article.view_count) == ("Thu Hà", 1234)
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize(
    "meta",
    [
        "<div class='author'>Thu Hà | 14/09/2026 08:15</div>",
        "<div class='author-time'>Thu Hà - 14/09/2026 08:15</div>",
        "<p class='meta'>Bài và ảnh: Thu Hà - 14/09/2026 08:15</p>",
        "<div class='post-meta'>Đăng bởi: Thu Hà • 14/09/2026 08:15</div>",
    ],
)
def test_a_writers_line_that_gives_the_date_too_names_the_writer(meta: str):
    article = extract(_page(meta), "https://tin.example.vn/bai-viet-1.html")
    assert article.published_at == "2026-09-14T08:15:00+07:00"
    assert article.author == "Thu Hà"


def test_a_labelled_writers_line_after_the_text_names_the_writer():
    html = _page(_WHEN).replace(
        b"</div></div></body>", "</div><div>Tác giả: Thu Hà</div></div></body>".encode()
    )
    article = extract(html, "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Thu Hà"
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize(
    ("line", "labelled", "name"),
    [
        ("Ngày đăng: 12/05/2025 | Tác giả: Thu Hà | Lượt xem: 1.234", True, "Thu Hà"),
        ("15:20 | 12/05/2025 | Thu Hà", False, "Thu Hà"),
        ("15:20 | 12/05/2025 | Thu Hà", True, None),  # no label: not taken from any line
        ("Thời sự | 12/05/2025 15:20", False, None),  # a section, not a name
        ("Thu Hà | Minh Anh", False, None),  # two names: co-authors, not a meta line
        ("Thu Hà | Giáo dục | 12/05/2025", False, None),  # a part with no number beside
    ],
)
def test_the_writer_in_a_line_of_parts(line: str, labelled: bool, name: str | None):
    assert name_in_meta_line(line, labelled=labelled) == name


def test_an_author_box_of_name_job_and_date_lines_names_the_writer_without_the_post_count():
    # A blog-like news site's header: the writer's avatar, then a box whose first line is
    # the name with the number of posts (a badge), then the writer's job, then the date.
    box = (
        "<div class='entry-meta'><div class='author-avatar'><a href='/user/minhanh'>"
        "<img src='a.jpg' alt='Minh Anh'></a></div><div class='author-name'>"
        "<div class='name'><a href='/user/minhanh'>Minh Anh <span class='count'>(37)</span>"
        "</a></div><div class='job'><span>Chuyên gia truyền thông/ Giảng viên</span></div>"
        f"<div>{_WHEN}</div></div></div>"
    )
    article = extract(_page(box), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh"
    assert article.paragraphs == _TEXT


@pytest.mark.parametrize("line", ["Minh Anh (37)", "Minh Anh (1.204)"])
def test_a_writers_post_count_after_the_name_is_no_part_of_it(line: str):
    assert parse_byline(line) == "Minh Anh"
    # A year or an age in brackets is no count of posts: no byline reads so.
    assert parse_byline("Minh Anh (1990)") is None


@pytest.mark.parametrize(
    ("site_name", "shown"),
    [("Báo Thanh Niên", "Thanh Niên Online"), ("Báo điện tử Tiền Phong", "Tiền Phong Online")],
)
def test_the_pages_own_outlet_named_another_way_in_the_meta_line_is_no_source(
    site_name: str, shown: str
):
    # The date line ends with the publication's own name ("Thanh Niên Online") while its
    # metadata calls it "Báo Thanh Niên": one outlet, no outside source.
    paragraphs = "".join(f"<p>{t}</p>" for t in _TEXT)
    html = (
        f"<html><head><title>Hội nghị sơ kết</title><meta property='og:site_name' "
        f"content='{site_name}'></head><body><div class='detail'><h1>Hội nghị sơ kết</h1>"
        f"<div class='meta'><time>09:37 - 15/12/2019</time> <span class='source'>{shown}</span>"
        f"</div><div class='content'>{paragraphs}</div></div></body></html>"
    )
    article = extract(html.encode(), "https://tin.example.vn/bai-viet-1.html")
    assert article.source is None
    assert article.paragraphs == _TEXT
    assert parse_credit("Theo Thanh Niên Online", outlets=["Báo Thanh Niên"]) is None
    assert parse_credit("Theo Thanh Niên Online", outlets=["Báo Tuổi Trẻ"]) == "Thanh Niên Online"


def test_the_author_boxs_menu_after_the_name_is_no_part_of_the_byline():
    # (Jezebel, 2012: the byline box holds the name and a drop-down menu of the writer's
    # links, "View Profile", "Email", "RSS", all read as one line.)
    box = (
        "<div class='nodebyline'><img src='a.jpg' class='avatar' alt=''><strong>"
        "<a class='plus-icon'>Minh Anh</a></strong><div class='ui-dropdown' id='author-menu'>"
        "<ul><li><a href='/people/minhanh/' rel='author'><span>View Profile</span></a></li>"
        "<li><a href='mailto:minhanh@example.vn'><span>Email</span></a></li>"
        "<li><a href='/author/1.xml'><span>RSS</span></a></li></ul></div></div>"
        f"{_WHEN}"
    )
    article = extract(_page(box), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh"


@pytest.mark.parametrize(
    "line",
    [
        "Minh Anh View Profile Email RSS",
        "Minh Anh Theo dõi",
        "Minh Anh Xem thêm bài viết",
        "Minh Anh Follow",
        "Minh Anh - Phóng viên Theo dõi",
        "Minh Anh View Profile Email Facebook Twitter RSS",
    ],
)
def test_an_author_boxs_buttons_after_the_name_are_no_part_of_it(line: str):
    assert parse_byline(line) == "Minh Anh"


@pytest.mark.parametrize("line", ["View Profile", "Email"])
def test_an_author_boxs_buttons_alone_name_no_one(line: str):
    assert parse_byline(line) is None
    assert parse_byline("Tác giả:") is None  # (a label alone leaves nothing to look at)


@pytest.mark.parametrize(
    "writers",
    [
        "<a class='name cms-author' href='/tac-gia/minh-anh'>Minh Anh</a>"
        "<a class='name cms-author' href='/tac-gia/thu-ha'>Thu Hà</a>",
        "<p>Minh Anh</p><p>Thu Hà</p>",
        "<span>Minh Anh</span><span>Thu Hà</span>",
    ],
)
def test_writers_each_in_an_element_with_nothing_between_are_all_named(writers: str):
    # A minified page sets the writers' elements side by side, without a space or a comma:
    # their text runs together ("Minh AnhThu Hà").
    meta = f"<div class='article__author'>{writers}</div>{_WHEN}"
    article = extract(_page(meta), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh - Thu Hà"


def test_a_name_set_in_two_elements_is_one_writer():
    meta = f"<div class='article__author'><span>Minh</span><span> Anh</span></div>{_WHEN}"
    assert extract(_page(meta), "https://tin.example.vn/bai-viet-1.html").author == "Minh Anh"


@pytest.mark.parametrize(
    "box",
    [
        # The name's line, then the writer's bio on a line of its own, minified, no date.
        "<div class='author'><div class='name'>Nguyễn Văn An</div><div class='bio'>Phóng "
        "viên mảng kinh tế, theo dõi thị trường tài chính và ngân hàng.</div></div>",
        # The avatar (its alt text is no text), then the name's and the job's paragraphs.
        "<div class='author'><img src='a.jpg' alt='Nguyễn Văn An'><p>Nguyễn Văn An</p><p>"
        "Biên tập viên ban Kinh tế</p></div>",
    ],
)
def test_an_author_box_of_the_name_and_the_writers_bio_names_the_writer(box: str):
    # Read as one line, the box ran the name into the bio: "Nguyễn Văn AnPhóng viên mảng …".
    # (No date anywhere: the bio alone says the box is the writer's.)
    article = extract(_page(box), "https://tin.example.vn/bai-viet-1.html")
    assert (article.author, article.paragraphs) == ("Nguyễn Văn An", _TEXT)


@pytest.mark.parametrize(
    "box",
    [
        # The name, then the writer's links side by side with nothing between them.
        "<div class='author-info'><img src='a.jpg' alt='Minh Anh'><div class='author-name'>"
        "Minh Anh</div><div class='social'><a href='https://facebook.com/minhanh'>Facebook</a>"
        "<a href='mailto:minhanh@tin.example.vn'>Email</a></div></div>",
        # The name's line, then the e-mail address's.
        "<div class='author'><div class='name'>Minh Anh</div><div class='email'>"
        "minhanh@tin.example.vn</div></div>",
        # The name, then a link to write to the writer, inline (as Thanh Niên sets them).
        "<div class='author'><span class='name'>Minh Anh</span><a class='email' "
        "href='mailto:minhanh@tin.example.vn'>minhanh@tin.example.vn</a></div>",
    ],
)
def test_the_writers_links_and_e_mail_address_beside_the_name_are_no_part_of_it(box: str):
    # ("Minh AnhFacebookEmail"; "Minh Anhminhanh@…" lost "Anh" with the address.)
    article = extract(_page(box + _WHEN), "https://tin.example.vn/bai-viet-1.html")
    assert article.author == "Minh Anh"
    assert article.source is None


def test_an_author_boxs_links_run_together_after_the_name_are_no_part_of_it():
    assert parse_byline("Minh Anh FacebookEmail") == "Minh Anh"
    assert parse_byline("Minh Anh Facebook Zalo") == "Minh Anh"


def test_a_writers_box_with_an_e_mail_address_credits_no_outlet():
    # (An author box read whole, "Dr. Niklas Röber NVIDIA E-Mail: nroeber@nvidia.com", was
    # taken for an outlet by its address's domain.)
    assert parse_credit("Minh Anh minhanh@gmail.com") is None
    assert parse_credit("Dr. Niklas Röber NVIDIA E-Mail: nroeber@nvidia.com") is None
    assert parse_credit("Theo VnExpress") == "VnExpress"
