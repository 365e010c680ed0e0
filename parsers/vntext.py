"""Vietnamese text helpers: NFC normalisation, label folding, whitespace and link extraction."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[^\S\n]+")
_ANY_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
# Scheme links first, then the bare hosts units paste without a scheme. The look-behind keeps a
# bare host from matching again inside a scheme link already found.
_LINK = re.compile(
    r"https?://[^\s<>\"'\[\]{}|\\^`]+"
    r"|(?<![\w/.@-])(?:www\.|(?:drive|docs)\.google\.com/|youtu\.be/|(?:m\.)?youtube\.com/)"
    r"[^\s<>\"'\[\]{}|\\^`]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}>»”’'\"…"


def nfc(s: str) -> str:
    """Return `s` in Unicode NFC (mail clients and old Macs send NFD)."""
    return unicodedata.normalize("NFC", s)


def collapse_ws(s: str) -> str:
    """Return `s` with every run of whitespace (newlines included) turned into one space."""
    return _ANY_WS.sub(" ", s).strip()


def collapse_lines(s: str) -> str:
    """Collapse spaces inside each line and drop blank lines, keeping paragraph breaks."""
    lines = (_WS.sub(" ", line).strip() for line in s.splitlines())
    return "\n".join(line for line in lines if line)


def strip_marks(s: str) -> str:
    """Return `s` without Vietnamese diacritics (đ → d), case kept."""
    decomposed = unicodedata.normalize("NFD", s)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


def fold(s: str) -> str:
    """Fold a label for comparison: lowercase, no diacritics or punctuation, single spaces."""
    return collapse_ws(_NON_WORD.sub(" ", strip_marks(nfc(s)).lower()))


def find_links(text: str) -> list[str]:
    """Return the web links in `text`, in order, without trailing punctuation or duplicates."""
    found: list[str] = []
    for match in _LINK.finditer(nfc(text)):
        link = _trim(match.group(0))
        if "://" not in link:
            link = "https://" + link  # bare hosts: give them a scheme so they can be opened
        if len(link) > len("https://www.") and link not in found:
            found.append(link)
    return found


def _trim(link: str) -> str:
    """Strip sentence punctuation glued to a link, keeping a closing parenthesis it opened."""
    while link and link[-1] in _TRAILING:
        if link[-1] == ")" and link.count("(") >= link.count(")"):
            break
        link = link[:-1]
    return link
