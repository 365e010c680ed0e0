"""Archives are listed from their central directory only; bombs are refused unopened."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from domain.codes import ReasonCode
from parsers.archives import ArchiveLimits, decode_member_name, is_archive, list_archive
from parsers.errors import ArchiveBomb, UnreadableDocument
from tests.parsers.mailparts import attachment

LIMITS = ArchiveLimits()


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `members` built in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def declare_size(data: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry to declare `size` uncompressed bytes."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into("<I", out, pos + 24, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_lists_names_and_sizes() -> None:
    data = make_zip({"Minh chứng/ảnh 1.jpg": b"x" * 500, "b.txt": b"hello"})
    members = list_archive(data, "a.zip", LIMITS)
    assert [(m.name, m.size) for m in members] == [("Minh chứng/ảnh 1.jpg", 500), ("b.txt", 5)]


def test_crafted_declared_size_is_a_bomb() -> None:
    """GIVEN a tiny zip whose central directory declares 5 GB THEN it is refused unopened."""
    data = declare_size(make_zip({"video.mp4": b"\0" * 1000}), 0xFFFFFFFF)
    with pytest.raises(ArchiveBomb) as info:
        list_archive(data, "bomb.zip", LIMITS)
    assert info.value.code is ReasonCode.archive_bomb


def test_ratio_bomb() -> None:
    data = make_zip({"zeros.bin": b"\0" * 3_000_000})
    with pytest.raises(ArchiveBomb, match="ratio"):
        list_archive(data, "z.zip", LIMITS)


def test_too_many_members() -> None:
    data = make_zip({f"{i}.txt": b"" for i in range(30)})
    with pytest.raises(ArchiveBomb, match="members"):
        list_archive(data, "many.zip", ArchiveLimits(max_members=20))


def test_nested_archives() -> None:
    data = make_zip({f"{i}.zip": b"PK" for i in range(4)})
    with pytest.raises(ArchiveBomb, match="nested"):
        list_archive(data, "nest.zip", ArchiveLimits(max_nested_archives=3))


def test_broken_zip_is_unreadable() -> None:
    data = make_zip({"a.jpg": b"x" * 2000})
    with pytest.raises(UnreadableDocument):
        list_archive(data[:-30], "cut.zip", LIMITS)


def test_unflagged_names_are_guessed() -> None:
    utf8 = zipfile.ZipInfo("x")
    utf8.filename = "Ảnh tiết dạy.jpg".encode("utf-8").decode("cp437")
    assert decode_member_name(utf8) == "Ảnh tiết dạy.jpg"
    win = zipfile.ZipInfo("x")
    # cp1258 keeps tone marks apart from their letters, as Windows wrote them
    win.filename = "Trươ\u0300ng ho\u0323c.jpg".encode("cp1258").decode("cp437")
    assert decode_member_name(win) == "Trường học.jpg"
    plain = zipfile.ZipInfo("x")
    plain.filename = "caf\u00e9.txt".encode("cp437").decode("cp437")
    assert decode_member_name(plain) == "café.txt"


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"Rar!\x1a\x07\x01\x00rest", "a.rar", True),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "a.7z", True),
    (b"%PDF-1.4", "a.zip", False),
    (b"\x89PNG\r\n", "photo.png", False),
])
def test_is_archive_by_magic(data: bytes, name: str, expected: bool) -> None:
    assert is_archive(data, name) is expected


def test_opaque_archive_is_one_member() -> None:
    (member,) = list_archive(b"Rar!\x1a\x07\x01\x00rest", "minh chung.rar", LIMITS)
    assert member.name == "minh chung.rar" and member.size is None


def test_office_zip_is_not_an_archive(corpus_dir: Path) -> None:
    for case, suffix in (("003", ".xlsx"), ("009", ".docx")):
        doc = attachment(corpus_dir, case, suffix)
        assert not is_archive(doc.data, doc.filename)


def test_corpus_zip_bomb(corpus_dir: Path) -> None:
    doc = attachment(corpus_dir, "028", ".zip")
    assert is_archive(doc.data, doc.filename)
    with pytest.raises(ArchiveBomb):
        list_archive(doc.data, doc.filename, LIMITS)


def test_corpus_photo_zip(corpus_dir: Path) -> None:
    doc = attachment(corpus_dir, "002", ".zip")
    members = list_archive(doc.data, doc.filename, LIMITS)
    assert len(members) == 3
    assert all(m.name.startswith("Minh chứng/") for m in members)
