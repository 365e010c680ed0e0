from domain.codes import Category, Kind, SchoolLevel
from parsers.textform import parse_text

FORM = """Kính gửi: Sở GDĐT Ninh Bình
PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ III NĂM 2024
HO VA TEN: Lê Thị Hoa
Chuc vu: Giáo viên Tiếng Anh
Đơn vị công tác: Trường Trung học phổ thông Nguyễn
Huệ
Tóm tắt thành tích nổi bật:
- Đạt giải Nhất giáo viên dạy giỏi cấp tỉnh.
- Năm 2023: hướng dẫn học sinh đạt giải.
Minh chứng: https://drive.google.com/drive/folders/abc

Trân trọng.
"""

REPORT = """BÁO CÁO THÀNH TÍCH
ĐỀ NGHỊ TUYÊN DƯƠNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ 2/2025
I. SƠ LƯỢC LÝ LỊCH
- Họ tên (Ghi đầy đủ bằng chữ in thường, không viết tắt): Phạm Văn Bình
- Sinh ngày, tháng, năm: 01/02/1980     Giới tính: Nam
- Quê quán: xã A, huyện B
- Đơn vị công tác: Trường THCS Yên Mô
- Chức vụ (Đảng, chính quyền, đoàn thể): Phó Hiệu trưởng
II. THÀNH TÍCH ĐẠT ĐƯỢC
1. Quyền hạn, nhiệm vụ được giao: quản lý chuyên môn
2. Thành tích đạt được:
Chỉ đạo đổi mới phương pháp dạy học.

Nhà trường đạt chuẩn quốc gia mức độ 2.
3. Sáng kiến: "Quản lý hồ sơ số"
III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG
2023 | Giấy khen của Giám đốc Sở
THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN
"""

COLLECTIVE = """I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH
- Tên tập thể: Lớp 9A, Trường THCS Gia Lâm
1. Đặc điểm, tình hình: lớp có 40 học sinh
II. THÀNH TÍCH ĐẠT ĐƯỢC
- 100% học sinh đạt kết quả tốt.
"""


def test_text_form_with_run_on_values() -> None:
    doc = parse_text(FORM, "body", "body")
    (draft,) = doc.nominations
    assert draft.name == "Lê Thị Hoa"
    assert draft.workplace == "Trường Trung học phổ thông Nguyễn Huệ"
    assert draft.school_level is SchoolLevel.thpt and draft.category is Category.nha_giao
    assert draft.summary is not None and "Năm 2023: hướng dẫn" in draft.summary
    assert draft.links == ["https://drive.google.com/drive/folders/abc"]
    assert doc.quarter == "2024-Q3" and doc.shape == "body"


def test_nd98_individual_report() -> None:
    doc = parse_text(REPORT, "bc.txt")
    (draft,) = doc.nominations
    assert doc.shape == "report" and doc.quarter == "2025-Q2"
    assert (draft.name, draft.birth_date, draft.gender) == ("Phạm Văn Bình", "01/02/1980", "Nam")
    assert draft.category is Category.can_bo_quan_ly and draft.school_level is SchoolLevel.thcs
    assert draft.summary is not None
    assert "Chỉ đạo đổi mới" in draft.summary and "chuẩn quốc gia mức độ 2" in draft.summary
    assert draft.innovations == '"Quản lý hồ sơ số"'
    assert draft.awards is not None and "Giấy khen" in draft.awards
    assert "XÁC NHẬN" not in draft.awards


def test_nd98_collective_report() -> None:
    (draft,) = parse_text(COLLECTIVE, "bc.txt").nominations
    assert draft.name == "Lớp 9A, Trường THCS Gia Lâm"
    assert (draft.kind, draft.category) == (Kind.collective, Category.tap_the)
    assert draft.workplace == "Trường THCS Gia Lâm" and draft.school_level is SchoolLevel.thcs
    assert draft.summary == "- 100% học sinh đạt kết quả tốt."


def test_repeated_labels_make_several_nominations() -> None:
    text = ("Họ và tên: A An\nChức vụ: Giáo viên\nThành tích: x\n\n"
            "Họ và tên: B Bình\nChức vụ: Kế toán\nThành tích: y\n")
    names = [d.name for d in parse_text(text, "t").nominations]
    assert names == ["A An", "B Bình"]


def test_labels_without_colon_as_flattened_pdf_tables() -> None:
    text = "Họ và tên Phan Quang Thắng\nĐối tượng Nhà giáo\nĐơn vị công tác Trung tâm GDNN-GDTX X"
    (draft,) = parse_text(text, "p.pdf").nominations
    assert (draft.name, draft.category, draft.school_level) == (
        "Phan Quang Thắng", Category.nha_giao, SchoolLevel.gdtx)


def test_cover_note_has_no_nomination() -> None:
    doc = parse_text("Kính gửi: Sở GDĐT\nTrường gửi hồ sơ quý II năm 2024.\nTrân trọng.", "body")
    assert doc.nominations == [] and doc.quarter == "2024-Q2"


def test_report_records_values_not_the_forms_own_headings() -> None:
    """GIVEN an ND98 report whose sections keep the template's numbered headings
    THEN the summary and the awards hold what the unit wrote, not the template's labels."""
    text = """I. SƠ LƯỢC LÝ LỊCH
- Họ tên: Trần Thị Mai
- Chức vụ: Giáo viên
- Đơn vị công tác: Trường THCS Yên Mô
II. THÀNH TÍCH ĐẠT ĐƯỢC
1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận: Giáo viên Ngữ văn
- Đạt giải Nhất giáo viên dạy giỏi cấp tỉnh.
- Sáng kiến cấp tỉnh.
III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG
1. Danh hiệu thi đua; 2. Hình thức khen thưởng:
Năm | Hình thức khen thưởng | Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành quyết định
Danh hiệu thi đua: Chiến sĩ thi đua cơ sở năm 2023
Giấy khen của Giám đốc Sở năm 2024
"""
    (draft,) = parse_text(text, source="bao-cao.docx").nominations
    assert draft.summary == "- Đạt giải Nhất giáo viên dạy giỏi cấp tỉnh.\n- Sáng kiến cấp tỉnh."
    assert draft.awards == "Chiến sĩ thi đua cơ sở năm 2023\nGiấy khen của Giám đốc Sở năm 2024"
