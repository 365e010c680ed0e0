"""The label synonyms units write in forms, reports and list headers, mapped to draft fields."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from parsers.vntext import fold, short_cache

# Field name → the labels that mean it. "links" collects evidence links and "quarter" is a
# document-level value; every other key is a NominationDraft field.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ tên", "Họ và tên người được đề nghị", "Tên cá nhân",
             "Tên đơn vị", "Tên tập thể", "Tên tập thể, cá nhân", "Tên cá nhân, tập thể",
             "Tên tập thể/cá nhân", "Tên gương điển hình", "Họ tên/Tên tập thể",
             "Họ và tên (tên tập thể)", "Tên",
             "Họ và tên cá nhân", "Họ và tên cá nhân, tên tập thể", "Tên cá nhân/tập thể được đề nghị",
             "Họ và tên học sinh", "Họ tên cán bộ, giáo viên"),
    "position": ("Chức vụ", "Chức danh", "Chức vụ, đơn vị", "Chức vụ, đơn vị công tác",
                 "Chức vụ/lớp", "Chức vụ, lớp", "Chức vụ hoặc lớp", "Chức vụ/Đơn vị",
                 "Chức vụ - đơn vị", "Chức vụ, nơi công tác", "Chức vụ (Đảng, chính quyền, đoàn thể)",
                 "Nhiệm vụ", "Lớp", "Chức vụ/Nghề nghiệp", "Chức danh nghề nghiệp"),
    "workplace": ("Đơn vị công tác", "Đơn vị", "Trường", "Nơi công tác", "Đơn vị/Trường",
                  "Cơ quan, đơn vị", "Đơn vị công tác/học tập", "Trường/Đơn vị", "Nơi học tập",
                  "Đơn vị học tập", "Tên trường"),
    "school_level": ("Cấp học", "Bậc học", "Cấp"),
    "category": ("Đối tượng", "Thành phần", "Đối tượng đề nghị", "Nhóm đối tượng"),
    "kind": ("Cá nhân/Tập thể", "Cá nhân hay tập thể", "Loại", "Hình thức",
             "Tập thể/Cá nhân"),
    "birth_date": ("Ngày sinh", "Năm sinh", "Ngày tháng năm sinh", "Sinh ngày, tháng, năm",
                   "Sinh ngày", "Ngày, tháng, năm sinh"),
    "gender": ("Giới tính", "Nam/Nữ"),
    "summary": ("Tóm tắt thành tích", "Tóm tắt thành tích nổi bật", "Thành tích đạt được",
                "Thành tích", "Thành tích nổi bật", "Thành tích tiêu biểu", "Tóm tắt thành tích đạt được",
                "Nội dung thành tích", "Thành tích đã đạt được",
                "Tóm tắt thành tích tiêu biểu", "Kết quả thành tích",
                "Tóm tắt thành tích nổi bật của cá nhân/tập thể"),
    "innovations": ("Sáng kiến", "Sản phẩm đổi mới, sáng tạo", "Sản phẩm đổi mới sáng tạo",
                    "Đề tài/sáng kiến", "Sáng kiến, sản phẩm đổi mới sáng tạo",
                    "Sáng kiến kinh nghiệm", "Đề tài, sáng kiến", "Sáng kiến, đề tài",
                    "Sản phẩm sáng tạo", "Sáng kiến/Sản phẩm đổi mới sáng tạo",
                    "Sản phẩm đổi mới sáng tạo/Sáng kiến"),
    "awards": ("Các hình thức đã được khen thưởng", "Khen thưởng", "Khen thưởng đã đạt",
               "Hình thức khen thưởng", "Danh hiệu thi đua", "Khen thưởng đã nhận",
               "Các hình thức khen thưởng", "Danh hiệu, khen thưởng",
               "Danh hiệu thi đua đã đạt"),
    "links": ("Minh chứng", "Link minh chứng", "Minh chứng kèm theo", "Đường link minh chứng",
              "Link", "Đường link", "Minh chứng (link)", "Tài liệu minh chứng", "Hồ sơ minh chứng"),
    "quarter": ("Quý", "Quý đăng ký", "Quý đề nghị"),
}

# Labels that carry nothing we record but still end the value above them (report boilerplate).
IGNORED: tuple[str, ...] = (
    "Quê quán", "Trú quán", "Nơi ở", "Địa chỉ", "Trình độ chuyên môn, nghiệp vụ",
    "Trình độ chuyên môn", "Học hàm, học vị, danh hiệu, giải thưởng", "Dân tộc", "Điện thoại",
    "Email", "Số điện thoại", "Ghi chú", "Kính gửi", "Quyền hạn, nhiệm vụ được giao hoặc đảm nhận",
    "Đặc điểm, tình hình", "Tổ chức Đảng, đoàn thể", "Địa điểm trụ sở chính",
    "Quá trình thành lập và phát triển", "Những đặc điểm chính của đơn vị", "Năm vào ngành",
    "Đảng viên", "Trình độ", "Chức năng, nhiệm vụ được giao",
)

# Name labels that announce a collective; position labels that also carry the workplace.
COLLECTIVE_NAME_LABELS = frozenset(fold(s) for s in ("Tên đơn vị", "Tên tập thể"))
ROW_NUMBER_LABELS = frozenset(fold(s) for s in ("STT", "TT", "Số TT", "Số thứ tự"))

_LEAD = re.compile(r"^\s*(?:[-+*•·–—]+\s*|(?:\d{1,2}|[a-zđ]|[ivx]{1,4})[.)/]\s+)*", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Small typos only: labels are short, so anything looser starts matching values ("Nhà giáo").
# One swapped pair of letters costs 2 edits, which a 9-letter label can afford, a 6-letter not.
_FUZZY_CUTOFF = 90.0
_FUZZY_CUTOFF_LONG = 85.0
_LONG_LABEL = 9
_MAX_LABEL_WORDS = 12


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Folded synonym → field, for exact lookups and fuzzy choices."""
    table = {fold(s): "" for s in IGNORED}
    for field, synonyms in LABELS.items():
        table.update({fold(s): field for s in synonyms})
    return table


@short_cache
def clean_label(text: str) -> str:
    """Fold a label and drop what varies around it: bullets, numbering, notes in parentheses."""
    text = _LEAD.sub("", text.strip())
    text = text.rstrip().rstrip(":：").rstrip()
    folded = fold(text)
    unbracketed = fold(_PAREN.sub(" ", text))
    return unbracketed if unbracketed and unbracketed not in ("", folded) else folded


@short_cache
def _lookup(text: str) -> str | None:
    """Return the table entry for `text`: a field, "" for a known ignored label, or None.

    Cached: list headers and form labels repeat across rows and documents, and every table
    cell is tried as a label.
    """
    key = clean_label(text)
    if not key or len(key.split()) > _MAX_LABEL_WORDS:
        return None
    table = _table()
    for candidate in (key, fold(_LEAD.sub("", text).rstrip(": "))):
        if candidate in table:
            return table[candidate]
    return _fuzzy(key)


@lru_cache(maxsize=4096)
def _fuzzy(key: str) -> str | None:
    """The field of the synonym `key` is a small typo of, or None (rapidfuzz, cached by key)."""
    if len(key) < 6 or key.isdigit():
        return None  # too short to tell a typo from a different word
    table = _table()
    cutoff = _FUZZY_CUTOFF_LONG if len(key) >= _LONG_LABEL else _FUZZY_CUTOFF
    found = process.extractOne(key, table.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
    return table[found[0]] if found else None


def match_label(text: str) -> str | None:
    """Return the draft field a label means ("name", "summary", "links", "quarter" …), else None."""
    return _lookup(text) or None


def is_label(text: str) -> bool:
    """True when `text` is any known label, including boilerplate ones we do not record."""
    return _lookup(text) is not None


def is_collective_name_label(text: str) -> bool:
    """True for name labels that announce a collective ("Tên đơn vị", "Tên tập thể")."""
    return clean_label(text) in COLLECTIVE_NAME_LABELS


def is_row_number_label(text: str) -> bool:
    """True for the numbering column header of a list ("STT", "TT")."""
    return clean_label(text) in ROW_NUMBER_LABELS


def is_combined_position(text: str) -> bool:
    """True for a position label that also carries the workplace ("Chức vụ, đơn vị")."""
    key = clean_label(text)
    return match_label(text) == "position" and any(
        word in key for word in ("don vi", "noi cong tac", "truong"))


@lru_cache(maxsize=1)
def exact_labels() -> frozenset[str]:
    """Folded multi-word labels, for matching a label glued to its value without a colon."""
    return frozenset(key for key, field in _table().items() if field and " " in key)
