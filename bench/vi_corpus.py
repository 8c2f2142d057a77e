"""Synthetic Vietnamese-like news text for the store benchmark and near-duplicate study.

Deterministic for a given seed. Stories are built from a Zipf-weighted syllable
vocabulary, stock news phrases ("ủy ban nhân dân", "cho biết") and per-topic
named entities, so that different stories on one topic share words and some
phrases but not whole passages, as real coverage of the same event does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# Common syllables of Vietnamese news prose (written for this file, not taken from any page).
_SYLLABLES = """
và của có là không được những các một cho với người trong này đã để khi cũng như đến theo từ
tại năm ngày về sẽ đang nhiều hơn thì bị vào ra nhưng rằng đó lại sau trên dân nước việt nam
cho biết thành phố tỉnh huyện xã phường quận công ty doanh nghiệp kinh tế xã hội chính phủ
thủ tướng bộ trưởng ủy ban nhân dân hội đồng quốc hội đại biểu lãnh đạo cán bộ chiến lược phát
triển đầu tư dự án xây dựng giao thông đường cao tốc cầu cảng sân bay nhà máy sản xuất xuất khẩu
nhập khẩu thị trường giá cả lãi suất ngân hàng tín dụng chứng khoán cổ phiếu bất động sản đất
đai nhà ở chung cư học sinh sinh viên giáo dục đào tạo trường học giáo viên thi cử bệnh viện
bác sĩ y tế sức khỏe dịch bệnh vắc xin điều trị người bệnh môi trường thời tiết mưa bão lũ lụt
nắng nóng nhiệt độ biển đảo rừng nông nghiệp lúa gạo cà phê hồ tiêu thủy sản du lịch khách
quốc tế văn hóa thể thao bóng đá đội tuyển cầu thủ huấn luyện viên trận đấu giải vô địch công an
cảnh sát điều tra vụ án tai nạn khởi tố bắt giữ đối tượng tòa án xét xử bị cáo tội phạm hành
chính quản lý kiểm tra thanh tra vi phạm xử phạt quy định luật nghị định thông tư văn bản ký
kết hợp tác hội nghị hội thảo chương trình kế hoạch mục tiêu nhiệm vụ giải pháp hiệu quả chất
lượng tăng trưởng giảm tăng cao thấp lớn nhỏ mới cũ tốt khó khăn thuận lợi quan trọng cần thiết
tiếp tục thực hiện triển khai hoàn thành đảm bảo nâng cao tạo điều kiện hỗ trợ khuyến khích yêu
cầu đề nghị chỉ đạo báo cáo tổ chức tham gia hoạt động sự kiện lễ khai mạc bế mạc trao tặng
hài lòng vui mừng lo lắng bức xúc ý kiến phản ánh cử tri người lao động công nhân việc làm thu
nhập lương thưởng tết nguyên đán mùa xuân hè thu đông sáng chiều tối đêm hôm qua nay mai tuần
tháng quý đồng tỷ triệu nghìn phần trăm khoảng gần hơn trên dưới khu vực địa bàn vùng miền bắc
trung nam tây đông nguyên hòa bình thủy lợi hóa chất quý khách thúy hoa mai lan hùng dũng
""".split()

_PHRASES = [
    "ủy ban nhân dân tỉnh",
    "theo thông tấn xã việt nam",
    "cho biết thêm",
    "thủ tướng chính phủ",
    "trong thời gian tới",
    "người dân địa phương",
    "các cơ quan chức năng",
    "theo báo cáo của",
    "tính đến thời điểm hiện tại",
    "đại diện lãnh đạo",
    "phát biểu tại hội nghị",
    "trong năm nay",
    "so với cùng kỳ năm trước",
    "nhằm đảm bảo an toàn",
    "ban chỉ đạo",
    "sở giao thông vận tải",
    "bộ kế hoạch và đầu tư",
    "ngân hàng nhà nước",
    "tổng cục thống kê",
    "hội đồng nhân dân",
]

_PLACES = [
    "Hà Nội",
    "Đà Nẵng",
    "Huế",
    "Hải Phòng",
    "Cần Thơ",
    "Đồng Nai",
    "Bình Dương",
    "Nghệ An",
    "Quảng Nam",
    "Tam Kỳ",
    "Khánh Hòa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Thanh Hóa",
    "Quảng Ninh",
]
_PEOPLE = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Dũng",
    "Phạm Minh Chính",
    "Đỗ Thị Lập",
    "Võ Văn Thưởng",
    "Hoàng Đức Hải",
    "Bùi Thanh Sơn",
    "Đặng Quốc Khánh",
    "Ngô Thị Thủy",
]
_SITES = ["vnexpress", "dantri", "tuoitre", "thanhnien", "vietnamnet", "laodong", "tamky.gov.vn"]


@dataclass(frozen=True, slots=True)
class Story:
    """One synthetic article's text."""

    title: str
    lead: str
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n\n".join((self.lead, *self.paragraphs))


class Corpus:
    """A deterministic generator of Vietnamese-like stories, topics and near-copies."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(_SYLLABLES))]
        self._cum = list(_accumulate(weights))
        self.words = _SYLLABLES

    def _syllables(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self._cum, k=count)

    def sentence(self, topic: tuple[str, ...] = ()) -> str:
        rng = self.rng
        parts: list[str] = []
        length = rng.randint(12, 30)
        while len(parts) < length:
            roll = rng.random()
            if roll < 0.08:
                parts.extend(rng.choice(_PHRASES).split())
            elif roll < 0.14 and topic:
                parts.extend(rng.choice(topic).split())
            else:
                parts.extend(self._syllables(rng.randint(1, 4)))
        text = " ".join(parts)
        if rng.random() < 0.4:
            cut = rng.randint(3, len(parts) - 3)
            text = " ".join(parts[:cut]) + ", " + " ".join(parts[cut:])
        return text[0].upper() + text[1:] + "."

    def topic(self) -> tuple[str, ...]:
        """Named entities and phrases that every story on one topic keeps mentioning."""
        rng = self.rng
        return (rng.choice(_PLACES), rng.choice(_PEOPLE), " ".join(self._syllables(3)))

    def story(self, topic: tuple[str, ...] | None = None, paragraphs: int | None = None) -> Story:
        topic = topic or self.topic()
        rng = self.rng
        count = paragraphs if paragraphs is not None else rng.randint(4, 9)
        title = self.sentence(topic).rstrip(".")[:90]
        lead = " ".join(self.sentence(topic) for _ in range(2))
        body = tuple(
            " ".join(self.sentence(topic) for _ in range(rng.randint(2, 4))) for _ in range(count)
        )
        return Story(title=title, lead=lead, paragraphs=body)

    def edit(
        self,
        story: Story,
        words: int = 5,
        retitle: bool = False,
        add_paragraph: bool = False,
        drop_paragraph: bool = False,
    ) -> Story:
        """A near-copy: ``words`` single-word substitutions and optional paragraph changes."""
        rng = self.rng
        paras = [story.lead, *story.paragraphs]
        for _ in range(words):
            index = rng.randrange(len(paras))
            tokens = paras[index].split(" ")
            tokens[rng.randrange(len(tokens))] = self._syllables(1)[0]
            paras[index] = " ".join(tokens)
        if drop_paragraph and len(paras) > 3:
            del paras[rng.randrange(1, len(paras))]
        if add_paragraph:
            paras.insert(rng.randrange(1, len(paras) + 1), self.sentence())
        paras[-1] += " (Theo TTXVN)"
        title = self.sentence().rstrip(".")[:90] if retitle else story.title
        return Story(title=title, lead=paras[0], paragraphs=tuple(paras[1:]))

    def site(self) -> str:
        return self.rng.choice(_SITES)

    @property
    def site_names(self) -> list[str]:
        """Every site :meth:`site` picks from."""
        return list(_SITES)

    def stream(self, count: int, duplicate_rate: float = 0.05) -> Iterator[tuple[str, Story]]:
        """``count`` (site, story) pairs; a few are near-copies of an earlier story."""
        recent: list[Story] = []
        for _ in range(count):
            if recent and self.rng.random() < duplicate_rate:
                story = self.edit(self.rng.choice(recent))
            else:
                story = self.story()
                recent.append(story)
                if len(recent) > 200:
                    recent.pop(0)
            yield self.site(), story


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total
