"""List evidence archives from their central directory, never unpacking them, and refuse bombs."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile

from pydantic import BaseModel

from parsers.errors import ArchiveBomb, UnreadableDocument

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Formats we recognise but cannot list without a third-party unpacker: one opaque member each.
_OPAQUE_MAGICS = {
    b"Rar!\x1a\x07": "rar",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
}
_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar")
# Zip-based document formats: a zip with these markers is a document, not an evidence archive.
_DOCUMENT_MARKERS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")
_UTF8_FLAG = 0x800
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP Unicode Path field: a UTF-8 copy of the name
# Letters that only Vietnamese text has; a cp1258 decoding that yields them is believed.
_VIETNAMESE = frozenset("ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323")


class ArchiveLimits(BaseModel):
    """What an evidence archive may declare before it is treated as a bomb."""

    max_total_size: int = 200 * 1024 * 1024  # sum of declared uncompressed sizes
    max_members: int = 1000
    max_ratio: float = 100.0  # uncompressed / compressed, per member and overall
    ratio_min_size: int = 1024 * 1024  # smaller members may compress as well as they like
    max_nested_archives: int = 10  # archives inside the archive (never opened)


class ArchiveMember(BaseModel):
    """One entry of an archive as its directory declares it; sizes are claims, not facts."""

    name: str
    size: int | None = None  # declared uncompressed size; None when the format hides it
    compressed_size: int | None = None
    is_dir: bool = False
    encrypted: bool = False


def archive_kind(data: bytes) -> str | None:
    """Return "zip", "rar", "7z", "gzip", "bzip2", "xz", or None, from the magic bytes."""
    if data[:4] in _ZIP_MAGICS:
        return "zip"
    for magic, kind in _OPAQUE_MAGICS.items():
        if data.startswith(magic):
            return kind
    return None


def is_archive(data: bytes, filename: str) -> bool:
    """True for an evidence archive; a .docx/.xlsx/.odt is a zip too but counts as a document."""
    kind = archive_kind(data)
    if kind != "zip":
        return kind is not None
    if filename.lower().endswith(_ARCHIVE_SUFFIXES):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # broken and not named as an archive: the document parsers will say so
    return not any(marker in names for marker in _DOCUMENT_MARKERS)


def list_archive(data: bytes, filename: str, limits: ArchiveLimits) -> list[ArchiveMember]:
    """List the members of an archive without unpacking; raise ArchiveBomb past `limits`."""
    kind = archive_kind(data)
    if kind is None:
        raise UnreadableDocument(filename, "not a recognised archive")
    if kind != "zip":
        return [ArchiveMember(name=filename, compressed_size=len(data))]
    members = [_member(info) for info in _read_directory(data, filename)]
    _check_limits(members, len(data), filename, limits)
    return members


def _read_directory(data: bytes, filename: str) -> list[zipfile.ZipInfo]:
    """Read the central directory; reject entries that point outside the file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnreadableDocument(filename, f"broken zip archive: {exc}") from exc
    for info in infos:
        if info.header_offset + info.compress_size > len(data):
            raise UnreadableDocument(filename, f"truncated zip archive at {info.filename!r}")
    return infos


def _member(info: zipfile.ZipInfo) -> ArchiveMember:
    """Turn a directory entry into a member with a properly decoded name."""
    return ArchiveMember(
        name=decode_member_name(info),
        size=info.file_size,
        compressed_size=info.compress_size,
        is_dir=info.is_dir(),
        encrypted=bool(info.flag_bits & 0x1),
    )


def decode_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name: UTF-8 when flagged or carried in an extra field, else guessed."""
    if info.flag_bits & _UTF8_FLAG:
        return unicodedata.normalize("NFC", info.filename)
    unicode_path = _unicode_path_extra(info.extra)
    if unicode_path is not None:
        return unicodedata.normalize("NFC", unicode_path)
    return unicodedata.normalize("NFC", _guess_name(info.filename.encode("cp437")))


def _guess_name(raw: bytes) -> str:
    """Decode an unflagged name: UTF-8 if valid, cp1258 if it yields Vietnamese, else cp437."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        as_1258 = raw.decode("cp1258")
    except UnicodeDecodeError:
        as_1258 = ""
    if any(ch in _VIETNAMESE for ch in as_1258):
        return as_1258
    return raw.decode("cp437")


def _unicode_path_extra(extra: bytes) -> str | None:
    """Read the Info-ZIP Unicode Path extra field (id 0x7075), when present and valid."""
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        if field_id == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        pos += 4 + size
    return None


def _check_limits(members: list[ArchiveMember], packed: int, filename: str,
                  limits: ArchiveLimits) -> None:
    """Raise ArchiveBomb when the declared contents exceed any of `limits`."""
    if len(members) > limits.max_members:
        raise ArchiveBomb(filename, f"{len(members)} members (limit {limits.max_members})")
    total = sum(m.size or 0 for m in members)
    if total > limits.max_total_size:
        raise ArchiveBomb(filename, f"declares {total} bytes unpacked "
                                    f"(limit {limits.max_total_size})")
    for member in members:
        if _ratio_exceeded(member.size or 0, member.compressed_size or 0, limits):
            raise ArchiveBomb(filename, f"{member.name!r} compression ratio over "
                                        f"{limits.max_ratio:g}")
    if _ratio_exceeded(total, packed, limits):
        raise ArchiveBomb(filename, f"overall compression ratio over {limits.max_ratio:g}")
    nested = sum(m.name.lower().endswith(_ARCHIVE_SUFFIXES) for m in members)
    if nested > limits.max_nested_archives:
        raise ArchiveBomb(filename, f"{nested} nested archives "
                                    f"(limit {limits.max_nested_archives})")


def _ratio_exceeded(size: int, compressed: int, limits: ArchiveLimits) -> bool:
    """True when a large enough size expands more than the allowed ratio."""
    if size < limits.ratio_min_size:
        return False
    return compressed <= 0 or size / compressed > limits.max_ratio
