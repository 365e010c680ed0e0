"""Bytes in a declared charset → text: the declared charset's superset first, as mail clients mean it.

Mail clients label text with the name of a standard charset but write the vendor's larger one:
Outlook's "gb2312" is GBK (and GB 18030 holds both), "ks_c_5601-1987" is cp949, "iso-8859-1" is
windows-1252, "iso-2022-jp" carries half-width katakana or JIS X 0213. Python's codecs are strict
about the standard ones, so the superset is tried first; the standard library's email package
offers no such table (its `email.charset` aliases only map names), hence this one.
"""

from __future__ import annotations

import codecs

# Declared name (lower case) → the codecs tried strictly, in order, before the declared one itself.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "x-gbk": ("gb18030",), "cp936": ("gb18030",),
    "euc-cn": ("gb18030",), "x-euc-cn": ("gb18030",), "chinese": ("gb18030",),
    "iso-2022-jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004"),
    "ks_c_5601-1987": ("cp949",), "ks_c_5601": ("cp949",), "euc-kr": ("cp949",), "ksc5601": ("cp949",),
    "iso-8859-1": ("windows-1252",), "latin1": ("windows-1252",), "latin-1": ("windows-1252",),
    "iso_8859-1": ("windows-1252",), "us-ascii": ("windows-1252",), "ascii": ("windows-1252",),
    "tis-620": ("cp874",), "tis620": ("cp874",), "iso-8859-11": ("cp874",), "windows-874": ("cp874",),
    "iso-8859-8-i": ("iso-8859-8",), "iso-8859-6-i": ("iso-8859-6",),
    "shift_jis": ("cp932",), "shift-jis": ("cp932",), "sjis": ("cp932",), "x-sjis": ("cp932",),
    "big5": ("big5hkscs",),
}
# Undeclared (or unknown) text: what our units' clients write, UTF-8 first (it almost never
# decodes by accident), then the Vietnamese Windows code page.
_GUESSES = ("utf-8", "cp1258")


def _known(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def candidates(declared: str | None) -> list[str]:
    """The codecs to try strictly for a declared charset, superset first; empty when unknown."""
    label = (declared or "").strip().strip('"').lower()
    names = [*_SUPERSETS.get(label, ()), label]
    found: list[str] = []
    for name in names:
        codec = _known(name) if name else None
        if codec and codec not in found:
            found.append(codec)
    return found


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Text of `data`: strictly in the declared charset's superset, then the declared one, then
    leniently (U+FFFD for what neither knows) in it; only an undeclared or unknown charset is guessed."""
    tried = candidates(declared)
    if tried and tried[0] in ("cp1252", "ascii") and not data.isascii():
        # "us-ascii"/"iso-8859-1" on 8-bit text is mostly a client that wrote UTF-8 without saying so;
        # valid UTF-8 is almost never windows-1252 text by accident.
        tried = ["utf-8", *tried]
    for codec in tried or _GUESSES:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(tried[0] if tried else "utf-8", "replace")
