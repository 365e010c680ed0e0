"""The signature line staff read on the mail page, for each state a check can end in."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers.pdf_signature import Signature
from web.mailview import signature_line

SIGNED_AT = datetime(2024, 6, 17, 1, 30, tzinfo=UTC)  # 08:30 in Vietnam


def test_valid_trusted_signature() -> None:
    sig = Signature(signer="Nguyễn Văn A", organisation="Trường THPT X", signed_at=SIGNED_AT, valid=True,
                    changes="none", trusted=True)
    assert signature_line(sig) == ("Có chữ ký số: Nguyễn Văn A — Trường THPT X, ký lúc 08:30 ngày 17/06/2024; "
                                   "nguyên vẹn; chứng thư gốc: tin cậy")


def test_changed_after_signing_without_roots() -> None:
    sig = Signature(signer="Nguyễn Văn A", valid=True, changes="other", trusted=None)
    assert signature_line(sig) == ("Có chữ ký số: Nguyễn Văn A; tài liệu đã bị thay đổi sau khi ký; "
                                   "chứng thư gốc: chưa kiểm tra (chưa cài chứng thư gốc)")


def test_allowed_changes_and_untrusted_root() -> None:
    sig = Signature(organisation="Trường THPT X", valid=True, changes="allowed", trusted=False)
    line = signature_line(sig)
    assert line.startswith("Có chữ ký số: Trường THPT X; nguyên vẹn (sau khi ký chỉ thêm chữ ký")
    assert line.endswith("chứng thư gốc: không tin cậy")


def test_broken_and_invalid_signatures() -> None:
    assert "không rõ người ký; chữ ký bị hỏng" in signature_line(Signature(problem="unreadable: x"))
    assert "chữ ký không hợp lệ" in signature_line(Signature(signer="A", valid=False, trusted=False))
