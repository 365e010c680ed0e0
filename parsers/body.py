"""A nomination typed in the mail body, plain text or HTML-only, with quoted replies cut."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from parsers.models import ParsedDocument
from parsers.textform import parse_text, rows_to_lines
from parsers.vntext import find_links, nfc

SOURCE = "body"
# Where a quoted earlier message begins (Gmail en/vi, Outlook, Apple Mail, Thunderbird). The
# attribution line may wrap, so it is tried on a line and on a line joined with the next.
_ATTRIBUTION = re.compile(r"^\s*(?:On\b.{0,200}\bwrote|Vào\b.{0,200}\bđã viết):\s*$",
                          re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*(?:-{2,}\s*(?:Original Message|Thư gốc|Tin nhắn gốc)\s*-{2,}|_{10,})\s*$",
                        re.IGNORECASE)
_FROM = re.compile(r"^\s*(?:From|Từ):\s", re.IGNORECASE)
_HEADER = re.compile(r"^\s*(?:Sent|Date|Gửi|Ngày|To|Đến):", re.IGNORECASE)
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "pre", "hr", "section", "article", "header", "footer"})
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "template"})


def cut_quoted(text: str) -> str:
    """Return the text before any quoted earlier message, without "> " lines."""
    lines = nfc(text).replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _quote_starts(lines, i):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def _quote_starts(lines: list[str], i: int) -> bool:
    """True when line `i` opens a quoted message: an attribution, a separator, or an Outlook
    "From:" header followed closely by "Sent:"/"Date:"."""
    line = lines[i]
    joined = f"{line} {lines[i + 1]}" if i + 1 < len(lines) else line
    if _ATTRIBUTION.match(line) or _ATTRIBUTION.match(joined) or _SEPARATOR.match(line):
        return True
    return bool(_FROM.match(line)) and any(_HEADER.match(x) for x in lines[i + 1:i + 4])


class _HtmlText(HTMLParser):
    """Collects the visible text of an HTML body: block elements and table rows become lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip += 1
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in _BLOCK_TAGS:
            self._break()
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.lower().startswith(("http://", "https://")):
            self._write(f" {href} ")  # the target counts even when the text says "bấm vào đây"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._break()
            self.lines.extend(rows_to_lines([self.row]))
            self.row = None
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._write(data)

    def _write(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.lines[-1] += data.replace("\n", " ")

    def _break(self) -> None:
        self.lines.append("")


def html_to_text(html: str) -> str:
    """Return the text of an HTML body, one line per block and "label: value" per table row."""
    reader = _HtmlText()
    reader.feed(html)
    reader.close()
    # A link written as its own text appears twice (text and href): find_links dedupes later.
    return "\n".join(" ".join(line.split()) for line in reader.lines)


def _dedupe_links(text: str) -> str:
    """Drop a link repeated right after itself (anchor text equal to its href)."""
    return re.sub(r"(https?://\S+)\s+\1(?=\s|$)", r"\1", text)


def parse_body(text: str | None, html: str | None) -> ParsedDocument | None:
    """Return the nomination(s) typed in the body, or the body's links alone; None for a
    cover note with neither."""
    candidates = []
    if text and text.strip():
        candidates.append(cut_quoted(text))
    if html and html.strip():
        candidates.append(cut_quoted(_dedupe_links(html_to_text(html))))
    parsed = [parse_text(body, SOURCE, "body") for body in candidates]
    if not parsed:
        return None
    best = max(parsed, key=lambda p: (len(p.nominations), _filled(p)))
    attached = {link for n in best.nominations for link in n.links}
    every = [link for body in candidates for link in find_links(body)]
    best.links = [link for i, link in enumerate(every)
                  if link not in attached and link not in every[:i]]
    if not best.nominations and not best.links:
        return None
    return best


def _filled(parsed: ParsedDocument) -> int:
    """How many fields the nominations fill: the richer reading of two alternatives wins."""
    return sum(sum(1 for v in n.model_dump().values() if v) for n in parsed.nominations)
