"""Turn label/value pairs (a form, a report, a list row, a mail body) into a NominationDraft."""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.codes import Category, Kind, SchoolLevel
from parsers import infer, labels
from parsers.models import NominationDraft
from parsers.vntext import collapse_lines, find_links, fold, nfc

# Fields whose values are prose: repeated labels add to them instead of being dropped.
TEXT_FIELDS = ("summary", "innovations", "awards")
SCALAR_FIELDS = ("name", "position", "workplace", "school_level", "category", "kind",
                 "birth_date", "gender")
# Placeholders left in templates ("……", "---", "Không") are no value.
_PLACEHOLDER = re.compile(r"^[\s.…_\-–—:/]*$")
_NONE_WORDS = frozenset({"khong", "khong co", "chua co", "n a", "na", "none"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"\bquy (iv|i{1,3}|[1-4]) (?:nam |nam hoc )?(20\d\d)\b|\bq([1-4]) (20\d\d)\b")


def quarter_from_text(text: str) -> str | None:
    """Return "2024-Q2" for the first quarter `text` states ("Quý II năm 2024", "quý 2/2024")."""
    match = _QUARTER.search(fold(text))
    if match is None:
        return None
    number, year = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    quarter = _ROMAN.get(number) or int(number)
    return f"{year}-Q{quarter}"


def clean_value(value: str) -> str:
    """NFC, tidy whitespace (paragraph breaks kept) and empty template placeholders."""
    value = collapse_lines(nfc(value))
    return "" if _PLACEHOLDER.match(value) else value


def draft_from_pairs(pairs: Iterable[tuple[str, str]], source: str,
                     row: int | None = None) -> NominationDraft | None:
    """Return the draft the pairs describe, or None when they hold no name, summary or initiative."""
    values: dict[str, list[str]] = {}
    links: list[str] = []
    collective_label = False
    for label, raw in pairs:
        value = clean_value(raw)
        links.extend(link for link in find_links(value) if link not in links)
        field = labels.match_label(label)
        if field is None or not value or field in ("links", "quarter"):
            continue
        collective_label = collective_label or (field == "name"
                                                and labels.is_collective_name_label(label))
        if field == "position" and labels.is_combined_position(label):
            _add_combined(values, value)
        else:
            values.setdefault(field, []).append(value)
    if not any(values.get(f) for f in ("name", "summary", "innovations")):
        return None
    draft = _assemble(values, links, source, row)
    return _infer(draft, values, collective_label)


def _add_combined(values: dict[str, list[str]], value: str) -> None:
    """Record a "Chức vụ, đơn vị" value as its position and workplace parts."""
    position, workplace = infer.split_combined(value)
    if position:
        values.setdefault("position", []).append(position)
    if workplace:
        values.setdefault("workplace", []).append(workplace)


def _assemble(values: dict[str, list[str]], links: list[str], source: str,
              row: int | None) -> NominationDraft:
    """Build the draft from collected values: first scalar wins, prose values are joined."""
    def first(field: str) -> str | None:
        found = [v for v in values.get(field, []) if fold(v) not in _NONE_WORDS or field == "name"]
        return found[0] if found else None

    def joined(field: str) -> str | None:
        found = [v for v in values.get(field, []) if fold(v) not in _NONE_WORDS]
        return "\n".join(found) or None

    return NominationDraft(
        name=first("name"), position=first("position"), workplace=first("workplace"),
        birth_date=first("birth_date"), gender=first("gender"), summary=joined("summary"),
        innovations=joined("innovations"), awards=joined("awards"), links=links,
        source=source, row=row)


def _infer(draft: NominationDraft, values: dict[str, list[str]],
           collective_label: bool) -> NominationDraft:
    """Fill kind, category, school level and a missing workplace from what was stated."""
    if draft.position and not draft.workplace:
        position, workplace = infer.split_position(draft.position)
        if workplace and position:
            draft.position, draft.workplace = position, workplace
    draft.category = _category(draft, values, collective_label)
    draft.kind = _kind(draft.category, values)
    if draft.kind is Kind.collective and draft.category is None:
        draft.category = Category.tap_the
    if draft.kind is Kind.collective and not draft.workplace and draft.name:
        draft.workplace = infer.workplace_of_collective(draft.name)
    draft.school_level = _level(draft, values)
    return draft


def _category(draft: NominationDraft, values: dict[str, list[str]],
              collective_label: bool) -> Category | None:
    """Category from "Đối tượng", else the position, else a collective-looking name."""
    for stated in values.get("category", []) + values.get("kind", []):
        if (found := infer.category_from_text(stated)) is not None:
            return found
    if draft.position and (found := infer.category_from_text(draft.position)) is not None:
        return found
    if collective_label or (draft.name and infer.is_collective_name(draft.name)):
        return Category.tap_the
    return None


def _kind(category: Category | None, values: dict[str, list[str]]) -> Kind | None:
    """Kind from the category, else from a stated "Cá nhân"/"Tập thể"."""
    if category is not None:
        return Kind.collective if category is Category.tap_the else Kind.individual
    stated = fold(" ".join(values.get("kind", []) + values.get("category", [])))
    if "tap the" in stated:
        return Kind.collective
    return Kind.individual if "ca nhan" in stated else None


def _level(draft: NominationDraft, values: dict[str, list[str]]) -> SchoolLevel | None:
    """School level from "Cấp học", else the workplace, position, then a collective's name."""
    for stated in values.get("school_level", []):
        if (level := infer.level_from_text(stated, explicit=True)) is not None:
            return level
    candidates = [draft.workplace, draft.position]
    if draft.kind is Kind.collective:
        candidates.append(draft.name)
    for text in candidates:
        if text and (level := infer.level_from_text(text)) is not None:
            return level
    return None
