import unicodedata

import pytest

from parsers.labels import is_combined_position, match_label


@pytest.mark.parametrize(("text", "field"), [
    ("Họ và tên", "name"), ("HỌ VÀ TÊN:", "name"), ("Ho va ten", "name"), ("- Họ tên:", "name"),
    ("1. Họ và tên", "name"), ("Ho va tne", "name"), ("Tên tập thể", "name"),
    ("- Họ tên (Ghi đầy đủ bằng chữ in thường, không viết tắt)", "name"),
    ("Chức vụ, đơn vị", "position"), ("Đơn vi cong tac", "workplace"), ("Cấp học", "school_level"),
    ("Đối tượng", "category"), ("Năm sinh", "birth_date"), ("Giới tính", "gender"),
    ("Tóm tăt thành tich nổi bât", "summary"), ("Thành tích đạt được", "summary"),
    ("Sản phẩm đổi mới, sáng tạo", "innovations"), ("Đề tài/sáng kiến", "innovations"),
    ("Các hình thức đã được khen thưởng", "awards"), ("Link minh chứng", "links"),
    ("Quý", "quarter"),
])
def test_label_variants(text: str, field: str) -> None:
    assert match_label(text) == field
    assert match_label(unicodedata.normalize("NFD", text)) == field


@pytest.mark.parametrize("value", [
    "Nhà giáo", "Nam", "Nữ", "Giáo viên Toán", "Trường THPT Kim Sơn A", "26/12/1988",
    "Tiểu học", "Quê quán", "Giấy khen của Giám đốc Sở GDĐT", "Hiệu trưởng", "",
])
def test_values_are_not_labels(value: str) -> None:
    assert match_label(value) is None


def test_combined_position_label() -> None:
    assert is_combined_position("Chức vụ, đơn vị")
    assert not is_combined_position("Chức vụ")
