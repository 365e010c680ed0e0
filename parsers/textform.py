"""Read nominations from plain text: "Label: value" forms and Nghị định 98/2023 achievement
reports (sections I/II/III), with values that run on over several lines."""

from __future__ import annotations

import re

from parsers import labels
from parsers.fields import TEXT_FIELDS, draft_from_pairs, quarter_from_text
from parsers.models import NominationDraft, ParsedDocument
from parsers.vntext import find_links, fold, nfc

_HEADING = re.compile(r"^\s*([IVX]{1,4})\s*[.)]\s*(\S.*)$")
_BULLET = re.compile(r"^\s*(?:[-+*•·–—]|\(?\d{1,2}[.)]|[a-zđ]\))\s*")
# Several pairs on one line are separated by a wide gap: "Sinh ngày: 16/08/1991    Giới tính: Nam".
_GAP = re.compile(r"\s{3,}|\t+")
_ROW_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[a-zđ]|[IVX]{1,4})\s*[.):]?\s*$", re.IGNORECASE)
_MAX_LABEL_CHARS = 110
_MAX_RUN_ON = 90  # a scalar value wrapped onto the next line is short; longer lines are prose
_SECTION_WORDS = (("so luoc", "bio"), ("khen thuong", "awards"), ("thanh tich", "summary"))
_SUMMARY_LABEL = "Thành tích đạt được"
_AWARDS_LABEL = "Các hình thức đã được khen thưởng"

Pair = list[str]  # [label, value], mutable so run-on lines can be appended


def split_label(line: str) -> tuple[str, str] | None:
    """Split "label: value" at the first colon outside brackets when the left side is a label."""
    depth = 0
    for i, ch in enumerate(line):
        depth += ch in "([" and 1 or (-1 if ch in ")]" else 0)
        if ch in ":：" and depth <= 0:
            left = line[:i]
            if len(left) <= _MAX_LABEL_CHARS and labels.is_label(left):
                return left.strip(), line[i + 1:].strip()
            return None
    return None


def split_prefix_label(line: str) -> tuple[str, str] | None:
    """Split "Họ và tên Phan Quang Thắng" (no colon, as PDF tables flatten) at a known label."""
    words = line.split()
    for k in range(min(8, len(words)), 1, -1):
        head = " ".join(words[:k])
        if labels.clean_label(head) in labels.exact_labels():
            return head, " ".join(words[k:])
    return None


def split_pairs(line: str, loose: bool = False) -> list[tuple[str, str]]:
    """Return the label/value pairs on one line (usually one, sometimes several side by side)."""
    first = split_label(line) or (split_prefix_label(line) if loose else None)
    if first is None:
        return []
    pairs = [first]
    pieces = _GAP.split(first[1])
    value = [pieces[0]]
    for piece in pieces[1:]:
        more = split_label(piece)
        if more is None:
            value.append(piece)
            continue
        pairs[-1] = (pairs[-1][0], " ".join(value))
        pairs.append(more)
        value = [more[1]]
    pairs[-1] = (pairs[-1][0], " ".join(value))
    return pairs


def section_of(line: str) -> str | None:
    """Return "bio", "summary", "awards" or "other" for a report heading ("II. THÀNH TÍCH …")."""
    match = _HEADING.match(line)
    if match is None:
        return None
    title = fold(match.group(2))
    return next((name for words, name in _SECTION_WORDS if words in title), "other")


def _only_headings(line: str) -> bool:
    """True for a line of template labels with no value: "1. Danh hiệu thi đua; 2. Hình thức khen thưởng:",
    or a table's head row within a section ("Năm | Hình thức khen thưởng | Số, ngày … quyết định")."""
    text = line.strip()
    if "|" in text:
        cells = [cell.strip() for cell in text.split("|") if cell.strip()]
        return not any(ch.isdigit() for ch in text) and any(labels.is_label(cell) for cell in cells)
    if not text.endswith(":"):
        return False
    parts = [part for part in text[:-1].split(";") if part.strip()]
    return bool(parts) and all(labels.is_label(part) for part in parts)


def _is_shouting(line: str) -> bool:
    """True for an all-capitals line: signature blocks close a report's last section."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) > 8 and all(ch.isupper() for ch in letters)


class _Reader:
    """Walks the lines once, grouping pairs into one record per nomination."""

    def __init__(self, loose: bool) -> None:
        self.loose = loose
        self.records: list[list[Pair]] = [[]]
        self.open: Pair | None = None  # the pair run-on lines extend
        self.section: str | None = None
        self.sections_seen = False

    def feed(self, line: str) -> None:
        """Consume one line of text."""
        section = section_of(line)
        if section is not None:
            self._enter(section)
        elif self.section in ("summary", "awards"):
            self._section_line(line)
        else:
            self._form_line(line)

    def _enter(self, section: str) -> None:
        """Start a report section; a new "I." section after a name starts a new nomination."""
        self.sections_seen = True
        if section == "bio" and self._has("name"):
            self.records.append([])
        self.section, self.open = section, None
        if section in ("summary", "awards"):
            label = _SUMMARY_LABEL if section == "summary" else _AWARDS_LABEL
            self.open = [label, ""]
            self.records[-1].append(self.open)

    def _section_line(self, line: str) -> None:
        """Inside II/III the whole text is the value, except other fields labelled there."""
        if self.section == "awards" and _is_shouting(line):
            self.section, self.open = "other", None
            return
        pairs = split_pairs(line)
        field = labels.match_label(pairs[0][0]) if pairs else None
        if _only_headings(line) or (pairs and field is None and labels.is_label(pairs[0][0])):
            return  # the form's own wording ("1. Quyền hạn, nhiệm vụ được giao…: …"), not an achievement
        if field is not None and field != "summary" and self.section == "summary":
            self._add_pairs(pairs)
            self.open = self._section_pair()
            return
        if field == self.section and pairs:
            line = pairs[0][1]  # "Danh hiệu thi đua: Chiến sĩ thi đua cơ sở" keeps the value only
        if line.strip():
            target = self._section_pair()
            target[1] = f"{target[1]}\n{line}" if target[1] else line

    def _section_pair(self) -> Pair:
        """The synthetic pair that holds the current section's text."""
        label = _SUMMARY_LABEL if self.section == "summary" else _AWARDS_LABEL
        for pair in reversed(self.records[-1]):
            if pair[0] == label:
                return pair
        pair = [label, ""]
        self.records[-1].append(pair)
        return pair

    def _form_line(self, line: str) -> None:
        """A line outside II/III: a new pair, a run-on of the open value, or noise."""
        if not line.strip():
            self.open = None
            return
        pairs = split_pairs(line, self.loose)
        if pairs:
            self._add_pairs(pairs)
        elif self.open is not None and self._runs_on(line):
            joiner = "\n" if labels.match_label(self.open[0]) in TEXT_FIELDS else " "
            self.open[1] = f"{self.open[1]}{joiner}{line.strip()}" if self.open[1] else line.strip()
        else:
            self.open = None

    def _runs_on(self, line: str) -> bool:
        """Prose values take any line; short values take a short unbulleted wrap only."""
        field = labels.match_label(self.open[0]) if self.open else None
        if field in TEXT_FIELDS or field == "links":
            return True
        if field is None or (self.open and self.open[1] and _BULLET.match(line)):
            return False
        return len(line.strip()) <= _MAX_RUN_ON

    def _add_pairs(self, pairs: list[tuple[str, str]]) -> None:
        """Append pairs; a second name means the next nomination has begun."""
        for label, value in pairs:
            if labels.match_label(label) == "name" and self._has("name"):
                self.records.append([])
            self.open = [label, value]
            self.records[-1].append(self.open)

    def _has(self, field: str) -> bool:
        """True when the current record already holds a value for `field`."""
        return any(labels.match_label(p[0]) == field and p[1].strip() for p in self.records[-1])


def _read(lines: list[str], source: str, loose: bool) -> tuple[list[NominationDraft], bool]:
    """Return the drafts found and whether report sections were seen."""
    reader = _Reader(loose)
    for line in lines:
        reader.feed(line)
    drafts = [draft_from_pairs(((p[0], p[1]) for p in record), source)
              for record in reader.records]
    return [d for d in drafts if d is not None], reader.sections_seen


def parse_text(text: str, source: str, shape: str = "text") -> ParsedDocument:
    """Return the nominations, quarter and links of a plain-text form or ND98 report."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    drafts, sections = _read(lines, source, loose=False)
    if not drafts:
        drafts, sections = _read(lines, source, loose=True)
    if shape == "text":
        shape = "report" if sections else "form"
    attached = {link for d in drafts for link in d.links}
    return ParsedDocument(
        source=source, shape=shape, nominations=drafts, text=text,
        links=[link for link in find_links(text) if link not in attached],
        quarter=quarter_from_text(text))


def drop_numbering(cells: list[str]) -> list[str]:
    """The row without a leading "STT" cell ("1", "2.", "a)", "IV") when a label follows it,
    so an STT | label | value form reads like a two-column one."""
    if len(cells) >= 3 and _ROW_NUMBER.match(cells[0]) and labels.is_label(cells[1]):
        return cells[1:]
    return cells


def rows_to_lines(rows: list[list[str]]) -> list[str]:
    """Render table rows as text lines: label|value cells become "label: value" lines so forms
    read like typed text; other rows become one line with their cells separated by " | "."""
    lines: list[str] = []
    for cells in rows:
        cells = drop_numbering([c.strip() for c in cells])
        if len(cells) >= 2 and len(cells) % 2 == 0 and all(
                labels.is_label(c) for c in cells[0::2] if c):
            for label, value in zip(cells[0::2], cells[1::2], strict=True):
                if label:
                    lines.append(f"{label.rstrip(':： ')}: {value}")
                    lines.append("")  # a cell ends its value: no run-on into the next row
        elif len(cells) == 1 or (cells and all(c == cells[0] for c in cells)):
            lines.extend(cells[0].split("\n"))
        elif any(cells):
            lines.append(" | ".join(c.replace("\n", " ") for c in cells if c))
    return lines
