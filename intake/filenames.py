"""Attachment names made safe to show and store: no paths, no control characters, NFC, bounded."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
MAX_NAME = 180


def clean_filename(name: str | None, content_type: str = "", position: int = 1) -> str:
    """A display name from whatever the mail declared; never a path, never empty.

    Written here rather than taken from the MIME library: mail-parser's own attachment writer has
    had path-traversal and non-Latin name bugs, and names here are only ever shown, not used as
    paths (files are stored under their SHA-256).
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]  # keep the last path segment only
    text = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else text[:MAX_NAME]
    if not text:
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        text = f"tep-dinh-kem-{position}{ext}"
    return text
