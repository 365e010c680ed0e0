"""Vietnamese text helpers: NFC normalisation, label folding, whitespace and link extraction."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from itertools import filterfalse
from typing import TypeVar

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
_CACHE_SIZE = 8192
_CACHE_MAX_CHARS = 200
T = TypeVar("T")
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
    if s.isascii():
        return s
    # filterfalse calls the C predicate from C: no Python frame per character, which a
    # generator expression cost on every cell and label candidate of a backlog.
    bare = "".join(filterfalse(unicodedata.combining, unicodedata.normalize("NFD", s)))
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


def short_cache(func: Callable[[str], T]) -> Callable[[str], T]:
    """Memoise `func` for short strings only (labels, cell texts that repeat across documents);
    long values are computed each time so the cache never holds whole documents."""
    cached = lru_cache(maxsize=_CACHE_SIZE)(func)

    @wraps(func)
    def wrapper(s: str) -> T:
        return cached(s) if len(s) <= _CACHE_MAX_CHARS else func(s)

    return wrapper


@short_cache
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
