"""Infer what a unit left unsaid: category from "Đối tượng" or the position, school level from
names, and the workplace hidden in a combined "Chức vụ, đơn vị" value."""

from __future__ import annotations

import re

from domain.codes import Category, SchoolLevel
from parsers.vntext import fold, nfc

# Category words, matched on folded text. The role mentioned first wins, because units list the
# main post first ("Hiệu trưởng, Bí thư Chi bộ"; "Giáo viên Toán, Tổ trưởng chuyên môn").
_ROLE_WORDS: tuple[tuple[Category, str], ...] = (
    (Category.tap_the, r"tap the"),
    (Category.can_bo_quan_ly, r"can bo quan ly|cbql|(?:pho )?hieu truong|hieu pho"
                              r"|(?:pho )?giam doc|(?:pho )?truong phong|(?:pho )?chanh van phong"
                              r"|quan ly"),
    (Category.nha_giao, r"nha giao|giao vien|gv|giang vien|to truong|to pho|tong phu trach"
                        r"|bao mau|co giao|thay giao"),
    (Category.nguoi_lao_dong, r"nguoi lao dong|nhan vien|ke toan|cap duong|bao ve|van thu"
                              r"|thu quy|y te|thu vien|phuc vu|lao cong|tap vu|lai xe|nau an"),
    (Category.hoc_sinh, r"hoc sinh|hoc vien|sinh vien"),
)
_ROLES = [(cat, re.compile(rf"\b(?:{words})\b")) for cat, words in _ROLE_WORDS]

# Collective names start with one of these words; diacritics are required on purpose, because
# folded "to"/"doi" are also surnames (Tô, Đới).
_COLLECTIVE_NAME = re.compile(
    r"^(?:tập thể|trường|tổ|lớp|đội|câu lạc bộ|clb|chi đoàn|liên đội|chi đội|khối|nhóm|"
    r"trung tâm|phòng|ban|công đoàn|đoàn trường|nhà trường)\b", re.IGNORECASE)

# Level words on folded text. "Trung tâm" alone means a GDTX centre in this sector.
_LEVELS: tuple[tuple[SchoolLevel, str], ...] = (
    (SchoolLevel.gdtx, r"gdtx|gdnn|giao duc thuong xuyen|giao duc nghe nghiep|trung tam"),
    (SchoolLevel.thpt, r"thpt|trung hoc pho thong|pho thong|ptdtnt|thuc hanh su pham|pt"),
    (SchoolLevel.thcs, r"thcs|trung hoc co so"),
    (SchoolLevel.tieu_hoc, r"tieu hoc|th"),
    (SchoolLevel.mam_non, r"mam non|mau giao|nha tre|mn"),
)
_LEVEL_RES = [(lvl, re.compile(rf"\b(?:{words})\b")) for lvl, words in _LEVELS]
# Bare abbreviations ("TH", "MN", "PT") are trusted in an explicit "Cấp học" value, elsewhere
# only right after "Trường" ("Trường TH Kim Đông"): "TH" also abbreviates "tin học".
_ABBREVIATIONS = re.compile(r"\b(truong )?(th|mn|pt)\b")
_ABBREVIATION_WORDS = {"th": "tieu hoc", "mn": "mam non", "pt": "pho thong"}
_PTDTNT_THCS = re.compile(r"\b(?:dan toc noi tru|ptdtnt)\b.*\bthcs\b|\bthcs\b.*\b(?:dan toc noi tru|ptdtnt)\b")

# Where the workplace starts inside a combined position value.
_WORKPLACE_START = re.compile(
    r"(?:^|(?<=[\s,;(–-]))(?:trường|trung tâm|phòng gd|phòng giáo dục|sở gd|sở giáo dục|"
    r"công đoàn|nhà trẻ|ubnd|đại học|cao đẳng)(?=\W)", re.IGNORECASE)


def category_from_text(text: str) -> Category | None:
    """Return the category named earliest in `text` ("Đối tượng" value or a position)."""
    folded = fold(text)
    hits = [(m.start(), cat) for cat, rx in _ROLES if (m := rx.search(folded))]
    return min(hits, key=lambda hit: hit[0])[1] if hits else None


def is_collective_name(name: str) -> bool:
    """True when a name reads as a school, team, class or club rather than a person."""
    return _COLLECTIVE_NAME.match(nfc(name).strip()) is not None


def level_from_text(text: str, explicit: bool = False) -> SchoolLevel | None:
    """Return the school level a unit or "Cấp học" text names; the highest level wins when a
    school spans two ("TH&THCS" → THCS, "THCS&THPT" → THPT), a GDTX centre over all."""
    folded = fold(text)
    if not explicit:
        folded = _ABBREVIATIONS.sub(_expand_abbreviation, folded)
    if _PTDTNT_THCS.search(folded):
        return SchoolLevel.thcs  # a lower-secondary ethnic boarding school
    for level, rx in _LEVEL_RES:
        if rx.search(folded):
            return level
    return None


def _expand_abbreviation(match: re.Match[str]) -> str:
    """Spell out an abbreviation that follows "Trường"; drop a bare one."""
    if match.group(1) is None:
        return " "
    return "truong " + _ABBREVIATION_WORDS[match.group(2)]


def split_position(value: str) -> tuple[str | None, str | None]:
    """Split "Giáo viên Toán, Trường THCS X" into ("Giáo viên Toán", "Trường THCS X")."""
    value = nfc(value).strip()
    match = _WORKPLACE_START.search(value)
    if match is None:
        return value or None, None
    position = value[:match.start()].strip(" ,;–-(")
    return position or None, value[match.start():].strip() or None


def split_combined(value: str) -> tuple[str | None, str | None]:
    """Split a "Chức vụ, đơn vị" value; without a workplace word, split at the first comma."""
    position, workplace = split_position(value)
    if workplace is None and position and "," in position:
        head, tail = position.split(",", 1)
        return head.strip() or None, tail.strip() or None
    return position, workplace


def workplace_of_collective(name: str) -> str:
    """Return the school part of a collective name ("Tổ Toán, Trường THPT X" → "Trường THPT X")."""
    match = _WORKPLACE_START.search(nfc(name))
    return name[match.start():].strip() if match and match.start() > 0 else name
