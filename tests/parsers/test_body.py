from domain.codes import Category, SchoolLevel
from parsers.body import cut_quoted, html_to_text, parse_body

PLAIN = """Kính gửi Sở GDĐT,
Họ và tên: Lý Minh
Chức vụ/lớp: Học sinh lớp 10A
Đơn vị: Trường THPT Nguyễn Huệ
Tóm tắt thành tích nổi bật: Giải Nhất HSG tỉnh.
Minh chứng: https://youtu.be/k1

Trân trọng.

Vào Th 3, 17 thg 9, 2024 lúc 09:31 Sở GDĐT <so@x.vn> đã viết:
> Họ và tên: Người Cũ
"""


def test_plain_body_nomination_and_quote_cut() -> None:
    parsed = parse_body(PLAIN, None)
    assert parsed is not None
    (draft,) = parsed.nominations
    assert (draft.name, draft.category, draft.school_level) == ("Lý Minh", Category.hoc_sinh,
                                                                SchoolLevel.thpt)
    assert draft.links == ["https://youtu.be/k1"] and draft.source == "body"


def test_html_only_table_with_links() -> None:
    html = ("<html><head><style>td{}</style><script>alert(1)</script></head><body>"
            "<p>Kính gửi Sở</p><table><tr><td><b>Họ và tên</b></td><td>Đoàn Mai</td></tr>"
            "<tr><td>Chức vụ</td><td>Giáo viên Hóa học</td></tr>"
            "<tr><td>Đơn vị</td><td>Trường THCS Ninh Giang</td></tr>"
            "<tr><td>Tóm tắt thành tích</td><td>Dạy giỏi &amp; tận tâm</td></tr>"
            "<tr><td>Minh chứng</td><td><a href=\"https://drive.google.com/d/1\">"
            "https://drive.google.com/d/1</a> <a href=\"https://youtu.be/v\">video</a></td></tr>"
            "</table><p>Trân trọng.</p></body></html>")
    parsed = parse_body(None, html)
    assert parsed is not None
    (draft,) = parsed.nominations
    assert draft.summary == "Dạy giỏi & tận tâm" and draft.school_level is SchoolLevel.thcs
    assert draft.links == ["https://drive.google.com/d/1", "https://youtu.be/v"]
    assert "alert" not in parsed.text


def test_cover_note_is_none_but_links_are_kept() -> None:
    assert parse_body("Kính gửi Sở,\nTrường gửi kèm phiếu đăng ký.\nTrân trọng.", None) is None
    parsed = parse_body("Minh chứng ở đây: https://drive.google.com/x", "<p>cover</p>")
    assert parsed is not None and parsed.nominations == []
    assert parsed.links == ["https://drive.google.com/x"]
    assert parse_body(None, None) is None


def test_quote_markers() -> None:
    assert cut_quoted("a\nOn Tue, Sep 17, 2024 at 9:31 AM X <x@y>\nwrote:\n> b") == "a"
    assert cut_quoted("a\n-----Original Message-----\nFrom: x") == "a"
    assert cut_quoted("a\nFrom: X\nSent: Monday\nb") == "a"
    assert cut_quoted("a\n> quoted\nc") == "a\nc"


def test_html_breaks_become_lines() -> None:
    assert html_to_text("Họ tên: A<br>Chức vụ: B<div>C</div>").split("\n")[:3] == [
        "Họ tên: A", "Chức vụ: B", "C"]
