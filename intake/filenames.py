"""Attachment names made safe to show and store: no paths, no control characters, NFC, bounded,
and nothing invisible that changes how the name reads."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
MAX_NAME = 180
# Invisible characters outside Unicode's "format" (Cf) category: the combining grapheme joiner,
# Hangul and Khmer fillers, Mongolian and standard variation selectors. They show nothing yet can
# pad a name or hide its end.
_INVISIBLE_EXTRA = frozenset([0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0,
                              *range(0x180B, 0x1810), *range(0xFE00, 0xFE10)])
# Format (Cf: bidi embeddings, overrides, isolates and marks U+202A–202E, U+2066–2069, U+200E/200F,
# U+061C, zero-width space and joiners, the BOM, soft hyphen …), C1 controls (Cc), lone surrogates
# (Cs, from undecodable bytes), line and paragraph separators (Zl, Zp).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Zl", "Zp"})


def _invisible(char: str) -> bool:
    if char < "\x80":
        return False  # ASCII controls are replaced by "_" in file names, and left alone in text
    return ord(char) in _INVISIBLE_EXTRA or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def visible_text(text: str) -> str:
    """`text` without the characters that change how it reads while showing nothing.

    "hoso\\u202excod.exe" shows as "hosoexe.docx" because of the right-to-left override: without it
    the name reads as it is, "hosoxcod.exe". Other spaces (no-break, ideographic …) become plain
    spaces. Used when a name is recorded and again when one is shown, for rows kept before.
    """
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in text if not _invisible(c))


def clean_filename(name: str | None, content_type: str = "", position: int = 1) -> str:
    """A display name from whatever the mail declared; never a path, never empty.

    Written here rather than taken from the MIME library: mail-parser's own attachment writer has
    had path-traversal and non-Latin name bugs, and names here are only ever shown, not used as
    paths (files are stored under their SHA-256).
    """
    text = unicodedata.normalize("NFC", visible_text(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]  # keep the last path segment only
    text = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else text[:MAX_NAME]
    if not text:
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        text = f"tep-dinh-kem-{position}{ext}"
    return text
