"""Throwaway certificate authorities and PDFs signed with them, built by the tests (no fixtures)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fpdf import FPDF

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Authority:
    root_pem: bytes
    cert_pem: bytes
    key_pem: bytes


def _name(cn: str, org: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(parts)


def authority(signer: str = "Nguyễn Văn An", org: str = "Trường THPT Kim Sơn A",
              root_name: str = "Thử nghiệm Root CA") -> Authority:
    """A self-made root and a signing certificate it issued, with Vietnamese CN and O."""
    now = datetime.now(UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_subject = _name(root_name, "Tổ chức thử nghiệm")
    root = (x509.CertificateBuilder().subject_name(root_subject).issuer_name(root_subject)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=30)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(root_key, hashes.SHA256()))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(_name(signer, org)).issuer_name(root_subject)
            .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=10)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return Authority(root_pem=root.public_bytes(pem), cert_pem=leaf.public_bytes(pem),
                     key_pem=leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))


def plain_pdf(*lines: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=DEJAVU)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sign(data: bytes, ca: Authority, field: str = "Signature1") -> bytes:
    """`data` signed by `ca`'s leaf certificate, the root embedded as the chain."""
    from asn1crypto import pem as asn1pem  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1x509  # type: ignore[import-untyped]
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def cert(pem_bytes: bytes) -> asn1x509.Certificate:
        return asn1x509.Certificate.load(asn1pem.unarmor(pem_bytes)[2])

    signer = signers.SimpleSigner(
        signing_cert=cert(ca.cert_pem), signing_key=load_private_key_from_pemder_data(ca.key_pem, None),
        cert_registry=SimpleCertificateStore.from_certs([cert(ca.root_pem)]))
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field), signer=signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)), output=out)
    return out.getvalue()


def change_after_signing(signed: bytes) -> bytes:
    """An incremental update after the signature that replaces the page's text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Da sua) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
