"""Signed PDFs: signer, time, changes after signing and trust, on PDFs and certificates made here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers.pdf_signature import check_signatures, load_trust_roots
from tests.parsers.signbuild import Authority, authority, change_after_signing, plain_pdf, sign


@pytest.fixture(scope="module")
def ca() -> Authority:
    return authority(signer="Nguyễn Văn An", org="Trường THPT Kim Sơn A")


@pytest.fixture(scope="module")
def signed(ca: Authority) -> bytes:
    return sign(plain_pdf("BÁO CÁO THÀNH TÍCH", "Họ và tên: Trần Thị Bình"), ca)


def test_valid_and_trusted_when_the_root_is_installed(ca: Authority, signed: bytes, tmp_path: Path) -> None:
    (tmp_path / "root.pem").write_bytes(ca.root_pem)
    check = check_signatures(signed, load_trust_roots(tmp_path))
    assert check.signed and check.sound
    [sig] = check.signatures
    assert (sig.signer, sig.organisation) == ("Nguyễn Văn An", "Trường THPT Kim Sơn A")
    assert sig.valid and sig.changes == "none" and sig.trusted is True
    assert sig.signed_at is not None and abs(sig.signed_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_der_root_file_is_read_too(ca: Authority, signed: bytes, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(ca.root_pem).public_bytes(Encoding.DER)
    (tmp_path / "root.cer").write_bytes(der)
    (tmp_path / "readme.txt").write_text("không phải chứng thư")
    assert check_signatures(signed, load_trust_roots(tmp_path)).signatures[0].trusted is True


def test_untrusted_when_another_root_is_installed(signed: bytes) -> None:
    other = authority(root_name="Root CA khác")
    [sig] = check_signatures(signed, [other.root_pem]).signatures
    assert sig.valid and sig.trusted is False


def test_trust_not_checked_without_roots(signed: bytes, tmp_path: Path) -> None:
    assert load_trust_roots(tmp_path / "missing") == []
    [sig] = check_signatures(signed, []).signatures
    assert sig.valid and sig.trusted is None


def test_changed_after_signing(ca: Authority, signed: bytes) -> None:
    check = check_signatures(change_after_signing(signed), [ca.root_pem])
    [sig] = check.signatures
    assert sig.valid and sig.changes == "other" and not check.sound


def test_second_signature_is_an_allowed_change(ca: Authority, signed: bytes) -> None:
    twice = sign(signed, authority(signer="Lê Văn Cường"), field="Signature2")
    first, second = check_signatures(twice, [ca.root_pem]).signatures
    assert first.changes == "allowed" and first.trusted is True
    assert second.signer == "Lê Văn Cường" and second.changes == "none" and second.trusted is False
    assert first.sound and second.sound


def test_tampered_signed_bytes_are_invalid(ca: Authority, signed: bytes) -> None:
    at = signed.index(b"/Producer (") + 11
    tampered = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1:]
    [sig] = check_signatures(tampered, [ca.root_pem]).signatures
    assert not sig.valid and sig.trusted is False


def test_corrupt_signature_is_recorded_invalid(ca: Authority, signed: bytes) -> None:
    at = signed.index(b"/Contents <") + 11
    corrupt = signed[:at] + b"00" * 40 + signed[at + 80:]
    check = check_signatures(corrupt, [ca.root_pem])
    assert check.signed and not check.sound
    assert not check.signatures[0].valid and check.signatures[0].problem


def test_unsigned_pdf() -> None:
    check = check_signatures(plain_pdf("Không ký"), [])
    assert not check.signed and check.signatures == [] and not check.sound


def test_signed_pdf_text_is_still_read(signed: bytes) -> None:
    from parsers.models import DocumentInput
    from parsers.registry import parse_document

    doc = parse_document(DocumentInput(filename="bao-cao.pdf", content_type="application/pdf", data=signed))
    assert doc is not None and "Trần Thị Bình" in doc.text


def test_trust_roots_setting_empty_means_none(tmp_path: Path) -> None:
    from intake.config import IntakeSettings

    assert IntakeSettings(trust_roots_dir="").trust_roots_dir is None
    assert IntakeSettings(trust_roots_dir=str(tmp_path)).trust_roots_dir == tmp_path
    assert load_trust_roots(tmp_path) == []  # an empty folder: nothing to trust, nothing crashes
