import pytest

from domain.codes import Category, Kind, SchoolLevel
from parsers.fields import draft_from_pairs, quarter_from_text


@pytest.mark.parametrize(("text", "quarter"), [
    ("Quý II năm 2024", "2024-Q2"), ("quý 2/2024", "2024-Q2"), ("Quý IV-2024", "2024-Q4"),
    ("QUÝ III NĂM 2024", "2024-Q3"), ("DS GĐTT quý I.2025", "2025-Q1"), ("không có quý", None),
])
def test_quarter_from_text(text: str, quarter: str | None) -> None:
    assert quarter_from_text(text) == quarter


@pytest.mark.parametrize(("position", "category"), [
    ("Hiệu trưởng", Category.can_bo_quan_ly), ("Phó Hiệu trưởng", Category.can_bo_quan_ly),
    ("Phó Giám đốc", Category.can_bo_quan_ly), ("Trưởng phòng", Category.can_bo_quan_ly),
    ("Giáo viên Ngữ văn", Category.nha_giao), ("Tổ trưởng chuyên môn", Category.nha_giao),
    ("Giáo viên, Tổ trưởng", Category.nha_giao), ("Kế toán", Category.nguoi_lao_dong),
    ("Nhân viên cấp dưỡng", Category.nguoi_lao_dong), ("Bảo vệ", Category.nguoi_lao_dong),
    ("Học sinh lớp 9A", Category.hoc_sinh), ("Học viên lớp 12B", Category.hoc_sinh),
])
def test_category_from_position(position: str, category: Category) -> None:
    draft = draft_from_pairs([("Họ và tên", "Nguyễn Văn A"), ("Chức vụ", position)], "t")
    assert draft is not None and draft.category is category
    assert draft.kind is (Kind.collective if category is Category.tap_the else Kind.individual)


def test_stated_category_wins_over_position() -> None:
    draft = draft_from_pairs([("Họ tên", "Lê B"), ("Đối tượng", "Người lao động"),
                              ("Chức vụ", "Giáo viên")], "t")
    assert draft is not None and draft.category is Category.nguoi_lao_dong


@pytest.mark.parametrize(("name", "level"), [
    ("Tổ Toán - Tin, Trường THPT Nho Quan A", SchoolLevel.thpt),
    ("Lớp 5A, Trường Tiểu học Yên Phong", SchoolLevel.tieu_hoc),
    ("Câu lạc bộ STEM Trường THCS Yên Mô", SchoolLevel.thcs),
    ("Trường Mầm non Hoa Sen", SchoolLevel.mam_non),
])
def test_collective_from_name(name: str, level: SchoolLevel) -> None:
    draft = draft_from_pairs([("Tên", name), ("Thành tích", "Nhiều thành tích")], "t")
    assert draft is not None
    assert (draft.kind, draft.category, draft.school_level) == (Kind.collective, Category.tap_the,
                                                                 level)


@pytest.mark.parametrize(("workplace", "level"), [
    ("Trường Mầm non Ninh Hải", SchoolLevel.mam_non), ("Trường TH Kim Đông", SchoolLevel.tieu_hoc),
    ("Trường Trung học cơ sở Yên Mô", SchoolLevel.thcs), ("Trường TH&THCS Gia Lâm", SchoolLevel.thcs),
    ("Trường THCS&THPT Trương Hán Siêu", SchoolLevel.thpt),
    ("Trường PT Thực hành Sư phạm Tràng An", SchoolLevel.thpt),
    ("Trung tâm GDNN-GDTX huyện Gia Viễn", SchoolLevel.gdtx),
    ("Trung tâm GDTX tin học và ngoại ngữ tỉnh", SchoolLevel.gdtx),
])
def test_level_from_workplace(workplace: str, level: SchoolLevel) -> None:
    draft = draft_from_pairs([("Họ và tên", "Trần C"), ("Đơn vị công tác", workplace)], "t")
    assert draft is not None and draft.school_level is level


def test_explicit_level_abbreviation_wins() -> None:
    draft = draft_from_pairs([("Họ và tên", "Trần C"), ("Đơn vị", "Trường TH&THCS X"),
                              ("Cấp học", "TH")], "t")
    assert draft is not None and draft.school_level is SchoolLevel.tieu_hoc


@pytest.mark.parametrize(("value", "position", "workplace"), [
    ("Giáo viên Trường THCS X", "Giáo viên", "Trường THCS X"),
    ("Hiệu trưởng, Trường Mầm non Y", "Hiệu trưởng", "Trường Mầm non Y"),
    ("Giáo viên Toán, Tổ trưởng, Trường THPT Z", "Giáo viên Toán, Tổ trưởng", "Trường THPT Z"),
    ("Kế toán, Trung tâm GDTX tỉnh", "Kế toán", "Trung tâm GDTX tỉnh"),
])
def test_combined_position_is_split(value: str, position: str, workplace: str) -> None:
    draft = draft_from_pairs([("Họ và tên", "Đỗ D"), ("Chức vụ, đơn vị", value)], "t")
    assert draft is not None and (draft.position, draft.workplace) == (position, workplace)


def test_links_from_any_value_and_empty_placeholders() -> None:
    draft = draft_from_pairs([("Họ và tên", "Vũ E"), ("Tóm tắt thành tích", "……"),
                              ("Ghi chú", "xem https://youtu.be/abc."),
                              ("Minh chứng", "drive.google.com/drive/folders/x")], "f.docx", row=3)
    assert draft is not None
    assert draft.summary is None and draft.row == 3 and draft.source == "f.docx"
    assert draft.links == ["https://youtu.be/abc", "https://drive.google.com/drive/folders/x"]


def test_nothing_nomination_like_is_none() -> None:
    assert draft_from_pairs([("Đơn vị", "Trường THPT X"), ("Kính gửi", "Sở GDĐT")], "t") is None
    assert draft_from_pairs([], "t") is None
