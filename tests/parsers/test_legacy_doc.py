"""Word 97-2003 .doc through antiword (LibreOffice only as a fallback), and its failures."""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import olefile
import pytest

from parsers.errors import EncryptedDocument, UnreadableDocument
from parsers.legacy_doc import LegacyDocParser
from parsers.models import DocumentInput
from parsers.office import OLE_MAGIC
from tests.parsers.mailparts import attachment, collapse, expected



def test_corpus_nd98_report_doc(corpus_dir: Path) -> None:
    """GIVEN case 008's .doc report THEN the nominee and the quarter are read from it."""
    result = LegacyDocParser().parse(attachment(corpus_dir, "008", ".doc"))
    want = expected(corpus_dir, "008")
    (nominee,) = want["nominees"]
    (draft,) = result.nominations
    assert result.shape == "doc"
    assert draft.name == nominee["name"]
    assert nominee["workplace_contains"] in collapse(draft.workplace)
    for phrase in nominee["summary_contains"]:
        assert phrase in collapse(draft.summary)
    assert result.quarter == want["quarter"]


def test_handles(corpus_dir: Path) -> None:
    parser = LegacyDocParser()
    word = attachment(corpus_dir, "008", ".doc")
    assert parser.handles(word) == 90
    assert parser.handles(DocumentInput(filename="a.rtf", data=b"{\\rtf1\\ansi x}")) == 90
    assert parser.handles(DocumentInput(filename="x.bin", data=OLE_MAGIC + b"\0" * 600)) is None
    assert parser.handles(DocumentInput(filename="a.docx", data=b"PK\x03\x04")) is None
    assert parser.handles(DocumentInput(filename="odd.doc", data=b"garbage")) == 40


def test_junk_named_doc_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name: None if name in ("soffice", "libreoffice") else real_which(name))
    with pytest.raises(UnreadableDocument) as info:
        LegacyDocParser().parse(DocumentInput(filename="odd.doc", data=OLE_MAGIC + b"\0" * 600))
    assert "antiword" in info.value.detail
    assert "/tmp" not in info.value.detail


def test_encrypted_doc_is_reported_before_conversion(corpus_dir: Path) -> None:
    buf = io.BytesIO(attachment(corpus_dir, "008", ".doc").data)
    with olefile.OleFileIO(buf, write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        (flags,) = struct.unpack_from("<H", stream, 0x0A)
        struct.pack_into("<H", stream, 0x0A, flags | 0x0100)  # FIB fEncrypted
        ole.write_stream("WordDocument", bytes(stream))
    with pytest.raises(EncryptedDocument):
        LegacyDocParser().parse(DocumentInput(filename="khoa.doc", data=buf.getvalue()))


def test_missing_converters_are_named(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UnreadableDocument) as info:
        LegacyDocParser().parse(attachment(corpus_dir, "008", ".doc"))
    assert "antiword is not installed" in info.value.detail
    assert "LibreOffice" in info.value.detail


def test_rtf_without_libreoffice_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which",
                        lambda name: None if name in ("soffice", "libreoffice") else "/usr/bin/x")
    with pytest.raises(UnreadableDocument, match="LibreOffice"):
        LegacyDocParser().parse(DocumentInput(filename="a.rtf", data=b"{\\rtf1\\ansi Hello}"))


RTF = (rb"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0 Times New Roman;}}\f0 "
       rb"H\u7885?\u32?t\u234?n: Nguy\u7877?n V\u259?n An\par "
       rb"Ch\u7913?c v\u7909?: Gi\u225?o vi\u234?n\par}")


def test_rtf_through_libreoffice() -> None:
    result = LegacyDocParser().parse(DocumentInput(filename="phieu.rtf", data=RTF))
    assert "Nguyễn Văn An" in result.text
    assert "Chức vụ: Giáo viên" in result.text


def test_libreoffice_takes_over_when_antiword_is_missing(
        corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "antiword" else real_which(name))
    result = LegacyDocParser().parse(attachment(corpus_dir, "008", ".doc"))
    assert expected(corpus_dir, "008")["nominees"][0]["name"] in result.text
