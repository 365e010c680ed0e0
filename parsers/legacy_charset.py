"""Convert Vietnamese typed in the legacy TCVN3 (ABC) and VNI byte encodings, and later read as
Latin-1/cp1252 text, into NFC Unicode."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# The tables are written by hand: no maintained PyPI package converts TCVN3 or VNI, and both
# encodings are small, frozen byte tables (TCVN 5712:1993 "VN3" as used by the ABC .Vn fonts,
# and the VNI Windows layout), so data here is safer than a dependency.

_VIET_LOWER = "áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ"
# TCVN3 byte for each letter of _VIET_LOWER, in the same order, as its Latin-1 character.
_TCVN3_BYTES = "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉËÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ®"
# VN3 has only seven capitals; toned capitals come from the "H" fonts (.VnTimeH), which draw the
# lower-case codes as capitals. Bytes 0x80-0x9F (VN1 capitals) are left out on purpose: cp1252
# readers turn them into smart quotes and dashes that Unicode text uses too.
_TCVN3_CAPITALS = {"¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}
# What PDF text extraction or NFKC makes of two TCVN3 bytes (0xAD soft hyphen, 0xB5 micro sign).
_TCVN3_ALIASES = {"\u2212": "ư", "\u03bc": "à"}

TCVN3: dict[str, str] = {
    **dict(zip(_TCVN3_BYTES, _VIET_LOWER, strict=True)),
    **_TCVN3_CAPITALS,
    **_TCVN3_ALIASES,
}

# VNI: a base letter followed by one modifier byte that carries the vowel shape and/or the tone.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRC = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters VNI encodes in one byte: ơ, ư, đ and the toned i / ỵ.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
               "î": "ỵ"}


def _vni_pairs() -> dict[str, str]:
    """Every VNI base+modifier pair, in both cases, mapped to its NFC letter."""
    pairs: dict[str, str] = {}
    for base in "aeouy":
        for mod, tone in _VNI_TONES.items():
            pairs[base + mod] = base + tone
    for base in "aeo":
        for mod, tone in _VNI_CIRC.items():
            pairs[base + mod] = base + _CIRC + tone
    for mod, tone in _VNI_BREVE.items():
        pairs["a" + mod] = "a" + _BREVE + tone
    for byte, letter in (("ô", "ơ"), ("ö", "ư")):
        for mod, tone in _VNI_TONES.items():
            pairs[byte + mod] = letter + tone
    cased: dict[str, str] = {}
    for key, value in pairs.items():
        value = unicodedata.normalize("NFC", value)
        for b in {key[0], key[0].upper()}:
            for m in {key[1], key[1].upper()}:
                cased[b + m] = value.upper() if b.isupper() else value
    return cased


VNI_PAIRS = _vni_pairs()
VNI_SINGLE = {**_VNI_SINGLE, **{k.upper(): v.upper() for k, v in _VNI_SINGLE.items()}}
_TCVN3_KEYS = frozenset(TCVN3)
_VNI_KEYS = frozenset(VNI_SINGLE) | frozenset(k[1] for k in VNI_PAIRS)
_Decoder = Callable[[str], tuple[str, bool]]

_TCVN3_FONT = re.compile(r"^(?:[A-Z]{6}\+)?\.?Vn[A-Z0-9]")
_TCVN3_UPPER_FONT = re.compile(r"H(?:[ ,-]?(?:Bold|Italic|BoldItalic))*$")
_VNI_FONT = re.compile(r"^(?:[A-Z]{6}\+)?VNI[-_ ]", re.IGNORECASE)
# Letters only Unicode Vietnamese has (beyond Latin-1), and the combining tone marks of NFD text.
_NATIVE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")
_SYMBOL_INSIDE = re.compile("(?<=[^\\W\\d_])[\u00a1-\u00bf\u00d7\u00f7]")
_CASE_BREAK = re.compile(r"[a-z][\u00c0-\u00de]")
_TOKEN = re.compile(r"[\w\u00a1-\u00ff\u2212\u03bc]+")


def font_encoding(font: str | None) -> str | None:
    """Return "tcvn3", "tcvn3h" (upper-case .Vn…H font), "vni", or None for a font name."""
    if not font:
        return None
    font = font.strip()
    if _TCVN3_FONT.match(font):
        return "tcvn3h" if _TCVN3_UPPER_FONT.search(font) else "tcvn3"
    if _VNI_FONT.match(font):
        return "vni"
    return None


def decode_tcvn3(text: str) -> tuple[str, bool]:
    """Map every TCVN3 character of `text`; the flag says whether all of them were known."""
    out = [TCVN3.get(ch, ch) for ch in text]
    complete = all(ch in TCVN3 or not "\u00a1" <= ch <= "\u00ff" for ch in text)
    return unicodedata.normalize("NFC", "".join(out)), complete


def decode_vni(text: str) -> tuple[str, bool]:
    """Map VNI base+modifier pairs and single bytes; the flag says whether all were known."""
    out: list[str] = []
    complete, i = True, 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in VNI_PAIRS:
            out.append(VNI_PAIRS[pair])
            i += 2
            continue
        ch = text[i]
        out.append(VNI_SINGLE.get(ch, ch))
        complete = complete and (ch in VNI_SINGLE or not "\u00a1" <= ch <= "\u00ff")
        i += 1
    return unicodedata.normalize("NFC", "".join(out)), complete


_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEI = sorted(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ưu ươ yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu".split(),
    key=len, reverse=True)
_SYLLABLE = re.compile(f"^(?:{_INITIALS})?(?:{'|'.join(_NUCLEI)})(?:ng|nh|ch|[cmnpt])?$")
_TONE_MARKS = frozenset((_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT))


def is_syllable(word: str) -> bool:
    """True when `word` is shaped like one Vietnamese syllable (initial, vowels, final, ≤1 tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(ch in _TONE_MARKS for ch in decomposed)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return tones <= 1 and _SYLLABLE.match(bare) is not None


def _is_candidate(token: str, keys: frozenset[str]) -> bool:
    """A word (has a letter, no digit) with at least one legacy code: ©, ½ or 25° are not."""
    has_key = any(ch in keys for ch in token)
    # ASCII digits only: TCVN3 uses ¹ (ạ), which str.isdigit() counts as a digit.
    has_digit = any("0" <= ch <= "9" for ch in token)
    return has_key and any(ch.isalpha() for ch in token) and not has_digit


def _is_ambiguous(token: str) -> bool:
    """A token that is already a plain Unicode syllable ("Tôi", "giáo") proves nothing, unless
    its case breaks inside the word ("viÖt", "CÊp"), which only legacy codes produce."""
    return is_syllable(token) and _CASE_BREAK.search(token) is None


def _tally(text: str, decode: _Decoder, keys: frozenset[str]) -> tuple[int, int, int, bool]:
    """Count tokens that decode to Vietnamese, tokens that do not, native Unicode tokens, and
    whether a good token has a Latin-1 symbol inside a word (a sign no Western text gives)."""
    counts = {"good": 0, "bad": 0, "native": 0, "strong": 0, "": 0}
    for token in _TOKEN.findall(text):
        counts[_verdict(token, decode, keys)] += 1
    good = counts["good"] + counts["strong"]
    return good, counts["bad"], counts["native"], counts["strong"] > 0


@lru_cache(maxsize=16384)
def _verdict(token: str, decode: _Decoder, keys: frozenset[str]) -> str:
    """What one token says about the encoding: "native", "good", "strong" (good, with a symbol
    inside the word), "bad" or "" (no evidence). Cached: words repeat across a document, and
    detection runs on every document and spreadsheet cell."""
    if _NATIVE.search(token):
        return "native"
    if not _is_candidate(token, keys) or _is_ambiguous(token):
        return ""
    converted, complete = decode(token)
    if complete and is_syllable(converted):
        return "strong" if _SYMBOL_INSIDE.search(token) is not None else "good"
    if complete and converted.isupper():
        return ""  # acronyms such as GDĐT are neutral
    return "bad"


def _convert_tokens(text: str, decode: _Decoder) -> str:
    """Decode every token except those already in Unicode Vietnamese (mixed documents)."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if _NATIVE.search(token) else decode(token)[0]
    return unicodedata.normalize("NFC", _TOKEN.sub(one, text))


def _looks_legacy(good: int, bad: int, native: int, strong: bool) -> bool:
    """Decide from token counts: a clear majority of Vietnamese-shaped legacy tokens."""
    if good == 1:
        return strong and bad == 0 and native == 0
    return good >= 2 and good >= 4 * bad and good > native


def convert_legacy(text: str, hint: str | None = None) -> tuple[str, bool]:
    """Return (NFC text, True) when `text` was TCVN3/VNI read as Latin-1, else (text, False).

    `hint` is the font name when known: ".Vn…" forces TCVN3 (".Vn…H" also upper-cases), "VNI-…"
    forces VNI. Without it, the text is converted only when its words decode to Vietnamese.
    """
    encoding = font_encoding(hint)
    if encoding is not None:
        return _convert_hinted(text, encoding)
    candidates = [(_tally(text, decode_tcvn3, _TCVN3_KEYS), decode_tcvn3),
                  (_tally(text, decode_vni, _VNI_KEYS), decode_vni)]
    counts, decode = max(candidates, key=lambda c: c[0][0] - c[0][1])
    if not _looks_legacy(*counts):
        return text, False
    return _convert_tokens(text, decode), True


def _convert_hinted(text: str, encoding: str) -> tuple[str, bool]:
    """Convert text whose font names its encoding; Unicode Vietnamese tokens stay as they are."""
    decode = decode_vni if encoding == "vni" else decode_tcvn3
    converted = _convert_tokens(text, decode)
    if encoding == "tcvn3h":
        converted = converted.upper()
    return converted, converted != text


def detected_hint(text: str) -> str | None:
    """The legacy font family a whole document was typed in (".VnTime" for TCVN3, "VNI-Times" for
    VNI), decided once over all its text so that every piece is then converted alike; None when the
    text is not legacy-encoded."""
    converted, changed = convert_legacy(text)
    if not changed:
        return None
    return ".VnTime" if convert_legacy(text, ".VnTime")[0] == converted else "VNI-Times"
