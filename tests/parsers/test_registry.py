import io
import zipfile

import pytest

from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput
from parsers.registry import choose, parse_document
from tests.parsers import docbuild


def _form_docx() -> bytes:
    document = docbuild.new()
    docbuild.form_table(document, [("Họ và tên", "A"), ("Chức vụ", "Giáo viên"),
                                   ("Thành tích", "Tốt")])
    return docbuild.to_bytes(document)


def test_docx_is_judged_by_content_whatever_its_name_or_type() -> None:
    for name, ctype in (("phieu.doc", "application/msword"), ("phieu", "application/octet-stream"),
                        ("phieu.docx", "application/octet-stream")):
        parsed = parse_document(DocumentInput(filename=name, content_type=ctype,
                                              data=_form_docx()))
        assert parsed is not None and parsed.nominations[0].name == "A"


def test_evidence_files_are_not_documents() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("anh.jpg", b"\xff\xd8\xff")
    for name, ctype, data in (("anh.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + b"0" * 50),
                              ("video.mp4", "video/mp4", b"\0\0\0\x18ftypmp42"),
                              ("minh chung.zip", "application/zip", buffer.getvalue())):
        assert parse_document(DocumentInput(filename=name, content_type=ctype, data=data)) is None


def test_truncated_docx_is_unreadable() -> None:
    data = _form_docx()
    doc = DocumentInput(filename="phieu.docx", data=data[:300])
    assert choose(doc) is not None
    with pytest.raises(UnreadableDocument):
        parse_document(doc)
