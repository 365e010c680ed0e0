"""Outlook's winmail.dat (application/ms-tnef): the files inside, so they are handled as if they
had been attached to the mail directly."""

from __future__ import annotations

import logging
import struct

from pydantic import BaseModel
from tnefparse import TNEF  # ships no type information
from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME

log = logging.getLogger(__name__)

TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
MAX_FILES = 100  # an Outlook mail rarely carries more; the rest would only be more evidence
_MIME_TAG = 0x370E  # PR_ATTACH_MIME_TAG
# tnefparse lets the struct/decoding errors of a damaged stream escape as they are.
_TNEF_ERRORS = (ValueError, IndexError, KeyError, TypeError, AttributeError, struct.error,
                UnicodeDecodeError, OverflowError, RecursionError)


class TnefFile(BaseModel):
    """One file carried inside a winmail.dat."""

    filename: str
    content_type: str
    data: bytes


def is_tnef(content_type: str, filename: str | None, data: bytes) -> bool:
    """True for a part declared or named as TNEF whose bytes carry the TNEF signature."""
    declared = content_type.lower() in TNEF_TYPES or (filename or "").lower() == "winmail.dat"
    return declared and data[:4] == TNEF_SIGNATURE


def expand_tnef(data: bytes) -> list[TnefFile] | None:
    """The files inside a TNEF stream, or None when it is damaged (keep it as it came)."""
    try:
        tnef = TNEF(data, do_checksum=False)
        files = [_file(att, tnef.codepage) for att in tnef.attachments[:MAX_FILES]]
    except _TNEF_ERRORS as exc:
        log.info("winmail.dat could not be unpacked: %r", exc)
        return None
    return [f for f in files if f is not None]


def _file(att: object, codepage: object) -> TnefFile | None:
    """A TNEF attachment as a file, or None for one without data (an embedded message)."""
    data = getattr(att, "data", b"")
    if not isinstance(data, bytes) or not data or getattr(att, "embed", None) is not None:
        return None
    props = {p.name: p.data for p in getattr(att, "mapi_attrs", [])}
    mime = props.get(_MIME_TAG)
    return TnefFile(filename=_name(att, props, codepage), data=data,
                    content_type=mime if isinstance(mime, str) and "/" in mime
                    else "application/octet-stream")


def _name(att: object, props: dict[int, object], codepage: object) -> str:
    """PR_ATTACH_LONG_FILENAME (Unicode) when present, else the 8.3 title in the stream's code
    page: tnefparse decodes that title as UTF-8 and raises on windows-1258 bytes."""
    long_name = props.get(MAPI_ATTACH_LONG_FILENAME)
    if isinstance(long_name, str) and long_name.strip("\x00"):
        return long_name.strip("\x00")
    raw = getattr(att, "_name", b"")
    if isinstance(raw, str):
        return raw.strip("\x00")
    for encoding in (_codec(codepage), "utf-8", "cp1258"):
        try:
            return bytes(raw).decode(encoding).strip("\x00")
        except (UnicodeDecodeError, LookupError):
            continue
    return bytes(raw).decode("latin-1").strip("\x00")


def _codec(codepage: object) -> str:
    """The Python codec of the TNEF OEM code page ("cp1258" as tnefparse gives it, or 1258)."""
    if isinstance(codepage, str) and codepage:
        return codepage
    return f"cp{codepage}" if isinstance(codepage, int) else "cp1252"
