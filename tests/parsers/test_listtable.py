from domain.codes import Category, Kind, SchoolLevel
from parsers.listtable import parse_rows


def test_list_with_title_rows_numbering_row_and_any_column_order() -> None:
    rows = [
        ["PHÒNG GDĐT HUYỆN X", "", "", "", ""],
        ["DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024"] * 5,
        ["", "", "", "", ""],
        ["Tóm tắt thành tích", "Họ và tên", "TT", "Chức vụ, đơn vị", "Link minh chứng"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["Đạt giải Nhất", "Nguyễn An", "1", "Giáo viên Trường THCS Yên Mô", "https://youtu.be/a"],
        ["", "", "", "", ""],
        ["Nấu ăn ngon", "Trần Bình", "2.", "Nhân viên cấp dưỡng, Trường Mầm non Khánh Hồng", ""],
        ["Tập thể đoàn kết", "Tổ chuyên môn khối 5", "3", "Tập thể, Trường Tiểu học Yên Phong",
         "Xem drive.google.com/drive/folders/z"],
    ]
    drafts = parse_rows(rows, "ds.docx")
    assert [d.row for d in drafts] == [1, 2, 3]
    a, b, c = drafts
    assert (a.position, a.workplace, a.school_level) == ("Giáo viên", "Trường THCS Yên Mô",
                                                          SchoolLevel.thcs)
    assert a.links == ["https://youtu.be/a"] and b.links == []
    assert b.category is Category.nguoi_lao_dong and b.school_level is SchoolLevel.mam_non
    assert (c.kind, c.category, c.school_level) == (Kind.collective, Category.tap_the,
                                                     SchoolLevel.tieu_hoc)
    assert c.links == ["https://drive.google.com/drive/folders/z"]


def test_two_row_header_and_group_rows() -> None:
    rows = [
        ["STT", "Họ và tên", "Thông tin", "Thông tin", "Thành tích"],
        ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành tích"],
        ["I. CẤP MẦM NON"] * 5,
        ["1", "Lê Hoa", "Giáo viên", "Trường Hoa Sen", "Giỏi"],
        ["II. CẤP THCS", "", "", "", ""],
        ["2", "Vũ Nam", "Hiệu trưởng", "Trường Yên Mạc", "Tốt"],
    ]
    first, second = parse_rows(rows, "ds.xlsx")
    assert (first.workplace, first.school_level) == ("Trường Hoa Sen", SchoolLevel.mam_non)
    assert (second.category, second.school_level) == (Category.can_bo_quan_ly, SchoolLevel.thcs)


def test_not_a_list() -> None:
    assert parse_rows([["Năm", "Hình thức khen thưởng"], ["2023", "Giấy khen"]], "x") == []
    assert parse_rows([], "x") == []
