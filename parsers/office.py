"""Recognise password-protected Office files before any parser tries, and fails, to read them."""

from __future__ import annotations

import io
import logging

import msoffcrypto  # ships no type information
import olefile
from msoffcrypto.exceptions import FileFormatError  # as above

from parsers.errors import EncryptedDocument

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .docx/.xlsx/.pptx is no longer a zip: Office wraps it in an OLE compound file
# holding these two streams (MS-OFFCRYPTO 2.3.4).
_OOXML_ENCRYPTION_STREAMS = ("EncryptedPackage", "EncryptionInfo")


def is_ole(data: bytes) -> bool:
    """True for an OLE2 compound file (.doc, .xls, .ppt, or an encrypted OOXML file)."""
    return data[:8] == OLE_MAGIC


def check_encrypted(data: bytes, filename: str) -> None:
    """Raise EncryptedDocument when `data` is a password-protected Office file; else return."""
    if not is_ole(data):
        return  # a plain OOXML zip cannot carry a password; PDFs are checked by their parser
    if _has_encryption_streams(data) or _legacy_encrypted(data):
        raise EncryptedDocument(filename, "password-protected Office document")


def _has_encryption_streams(data: bytes) -> bool:
    """True when the compound file holds an encrypted OOXML package."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return any(ole.exists(name) for name in _OOXML_ENCRYPTION_STREAMS)
    except (OSError, ValueError) as exc:  # olefile raises OSError on a broken header
        log.debug("not a readable compound file: %s", exc)
        return False


def _legacy_encrypted(data: bytes) -> bool:
    """True for an encrypted .doc/.xls/.ppt (flags msoffcrypto-tool reads from FIB/FILEPASS)."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        return bool(office.is_encrypted())
    except (FileFormatError, OSError, ValueError, AssertionError, IndexError, KeyError) as exc:
        # A damaged or unknown compound file is not "encrypted"; its parser reports it unreadable.
        log.debug("msoffcrypto could not inspect the file: %s", exc)
        return False
