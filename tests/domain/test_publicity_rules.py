"""The last gate before publishing: private data left in the text staff approve."""

from __future__ import annotations

import pytest

from domain.publicity import Trace, private_traces


@pytest.mark.parametrize(("text", "birth", "found"), [
    ("Cô Đào có sáng kiến dạy học được công nhận cấp tỉnh.", None, []),
    ("Quyết định số 1234/QĐ-UBND ngày 15/07/2025; năm 2024 tỉ lệ đạt 100%, mã số 012345678901234.", None, []),
    ("Liên hệ: dao.nguyen@ninhbinh.edu.vn", None, [Trace.email]),
    ("Điện thoại 0912 345 678.", None, [Trace.phone]),
    ("ĐT: 0912.345.678", None, [Trace.phone]),
    ("gọi +84 912345678", None, [Trace.phone]),
    ("Cô sinh ngày 12 tháng 3 năm 1985 tại Gia Viễn.", None, [Trace.birth_date]),
    ("Ngày sinh: 12/03/1985", None, [Trace.birth_date]),
    ("Cô (12/3/1985) công tác từ năm 2005.", "12/03/1985", [Trace.birth_date]),
    ("Cô sinh 12/03/1985.", "1985-03-12", [Trace.birth_date]),
    ("Văn bản số 112/03/19856 của đơn vị.", "1985-03-12", []),
    ("Cô công tác từ năm 1985.", "1985", []),  # a year alone is not taken for the birth date
    ("Thư a@b.vn, số 0987654321, sinh năm 1980", None, [Trace.email, Trace.phone, Trace.birth_date]),
])
def test_private_traces(text: str, birth: str | None, found: list[Trace]) -> None:
    assert private_traces(text, birth) == found
