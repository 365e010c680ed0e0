"""TCVN3 and VNI text read as Latin-1 comes back as NFC Unicode; other text is left alone."""

from __future__ import annotations

import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest

from parsers.legacy_charset import TCVN3, VNI_PAIRS, VNI_SINGLE, convert_legacy, font_encoding
from tests.parsers.mailparts import attachment, collapse, expected

SENTENCE = ("Trường THPT Yên Mô A: giáo viên Đặng Mạnh Dũng đạt giải nhất hội thi, "
            "xây dựng thư viện điện tử; Ưu tiên Ơn nghĩa, Ăn ở, Âm nhạc, Ông bà, Êm ả")


def to_tcvn3(text: str) -> str:
    """Encode Unicode as TCVN3 (the inverse of the library's table, aliases left out)."""
    inverse = {v: k for k, v in TCVN3.items() if "\u00a1" <= k <= "\u00ff"}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Encode Unicode as VNI (the inverse of the library's tables)."""
    inverse = {v: k for k, v in VNI_SINGLE.items()}
    inverse.update({v: k for k, v in VNI_PAIRS.items() if k[0].isupper() == k[1].isupper()})
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def test_tcvn3_round_trip() -> None:
    encoded = to_tcvn3(SENTENCE)
    assert encoded != SENTENCE and encoded.isascii() is False
    assert convert_legacy(encoded) == (SENTENCE, True)


def test_vni_round_trip() -> None:
    sentence = SENTENCE.upper() + " " + SENTENCE
    assert convert_legacy(to_vni(sentence)) == (sentence, True)


@pytest.mark.parametrize("text", [
    SENTENCE,
    unicodedata.normalize("NFD", SENTENCE),
    "Tôi là giáo viên, cô giáo dạy tôi",  # Unicode Vietnamese with Latin-1 letters only
    "Plain ASCII text, https://drive.google.com/drive/folders/1AbC",
    "Le café est très bon à Paris; l'élève a été reçu à l'école. Où est la forêt? Noël, «oui»",
    "Müller schön Straße für Größe über Ärger Köln",
    "El señor Núñez comió piña en la montaña, ¿verdad? ¡Sí! José María",
    "São Paulo, ação, informação, coração, não, pão, mãe",
    "Søren fødte i København, Århus, Ærø",
    "Copyright © 2024 Microsoft® — 25°C ±2 ½ ¼ · 5 µm",
    "",
])
def test_leaves_unicode_and_western_text_alone(text: str) -> None:
    assert convert_legacy(text) == (text, False)


def test_upper_case_font_gives_capitals() -> None:
    assert convert_legacy("tr\xadêng", ".VnTimeH") == ("TRƯỜNG", True)
    assert convert_legacy("b×nh", ".VnArialH") == ("BÌNH", True)


def test_hint_forces_encoding_on_short_text() -> None:
    assert convert_legacy("Minh chøng", ".VnTime") == ("Minh chứng", True)
    assert convert_legacy("Vieät", "VNI-Times") == ("Việt", True)
    assert convert_legacy("THPT", ".VnTime") == ("THPT", False)


def test_unicode_words_in_a_legacy_font_stay() -> None:
    assert convert_legacy("Đặng Mạnh Dũng", ".VnTime") == ("Đặng Mạnh Dũng", False)


@pytest.mark.parametrize(("font", "encoding"), [
    (".VnTime", "tcvn3"), (".VnTimeH", "tcvn3h"), (".VnArial", "tcvn3"),
    ("ABCDEF+.VnArialH", "tcvn3h"), ("VnTimeH Bold", "tcvn3h"), ("VNI-Times", "vni"),
    ("vni-helve", "vni"), ("Times New Roman", None), ("Vnexpress", None), (None, None),
])
def test_font_encoding(font: str | None, encoding: str | None) -> None:
    assert font_encoding(font) == encoding


def test_corpus_tcvn3_docx(corpus_dir: Path) -> None:
    """GIVEN the .VnTime form of case 009 WHEN each run is converted with its font as hint
    THEN the expected Unicode name and summary phrases appear."""
    doc = attachment(corpus_dir, "009", ".docx")
    text, converted = docx_text(doc.data)
    assert converted
    nominee = expected(corpus_dir, "009")["nominees"][0]
    assert nominee["name"] in text
    for phrase in nominee["summary_contains"]:
        assert phrase in text


def docx_text(data: bytes) -> tuple[str, bool]:
    """Paragraph texts of a .docx, each run converted with its font name as hint."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = ElementTree.fromstring(zipfile.ZipFile(BytesIO(data)).read("word/document.xml"))
    lines, any_converted = [], False
    for para in root.iter(f"{w}p"):
        parts = []
        for run in para.iter(f"{w}r"):
            fonts = run.find(f"{w}rPr/{w}rFonts")
            hint = fonts.get(f"{w}ascii") if fonts is not None else None
            text, converted = convert_legacy("".join(t.text or "" for t in run.iter(f"{w}t")), hint)
            parts.append(text)
            any_converted = any_converted or converted
        lines.append("".join(parts))
    return collapse("\n".join(lines)), any_converted
