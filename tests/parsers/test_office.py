"""Password-protected Office files are recognised before any parser reads them."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from domain.codes import ReasonCode
from parsers.errors import EncryptedDocument
from parsers.office import OLE_MAGIC, check_encrypted
from tests.parsers.mailparts import attachment, attachments

FIB_FLAGS = 0x0A  # offset of the FIB flag word in the WordDocument stream
F_ENCRYPTED = 0x0100


def test_corpus_encrypted_docx(corpus_dir: Path) -> None:
    doc = attachment(corpus_dir, "023", ".docx")
    with pytest.raises(EncryptedDocument) as info:
        check_encrypted(doc.data, doc.filename)
    assert info.value.code is ReasonCode.encrypted_attachment
    assert info.value.filename == doc.filename


@pytest.mark.parametrize("case", ["002", "003", "004", "006", "008", "009", "028"])
def test_corpus_plain_files_pass(corpus_dir: Path, case: str) -> None:
    for doc in attachments(corpus_dir, case):
        check_encrypted(doc.data, doc.filename)


def test_docx_encrypted_here_is_caught(corpus_dir: Path) -> None:
    plain = attachment(corpus_dir, "009", ".docx")
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.data)).encrypt("mật khẩu", out)
    with pytest.raises(EncryptedDocument):
        check_encrypted(out.getvalue(), "x.docx")


def test_encrypted_word97_doc_is_caught(corpus_dir: Path) -> None:
    """GIVEN the corpus .doc with the FIB's fEncrypted flag set THEN it is reported encrypted."""
    data = attachment(corpus_dir, "008", ".doc").data
    buf = io.BytesIO(data)
    with olefile.OleFileIO(buf, write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        (flags,) = struct.unpack_from("<H", stream, FIB_FLAGS)
        struct.pack_into("<H", stream, FIB_FLAGS, flags | F_ENCRYPTED)
        ole.write_stream("WordDocument", bytes(stream))
    with pytest.raises(EncryptedDocument):
        check_encrypted(buf.getvalue(), "old.doc")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04junk", OLE_MAGIC + b"\x00" * 700, b"%PDF-1.4"])
def test_broken_or_other_files_are_not_encrypted(data: bytes) -> None:
    check_encrypted(data, "x.bin")
