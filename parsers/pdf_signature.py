"""Digital signatures in a PDF (Nghị định 30/2020: VNPT-CA, Viettel-CA, …), checked offline with pyHanko.

Bytes in, a `SignatureCheck` out. Nothing is fetched: no OCSP, CRL or AIA look-up (the Sở's server may
have no internet), so the chain is judged only against the root certificates the Sở installed. The
result is shown to staff; it never decides whether a nomination is accepted.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)
# pyHanko logs every untrusted chain and every change after signing as a warning with a traceback.
# Those are ordinary findings here, recorded in the SignatureCheck, so only its errors reach the log.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.ERROR)

Changes = Literal["none", "allowed", "other"]


class Signature(BaseModel):
    """One signature of the document, as checked."""

    signer: str | None = None  # the certificate subject's CN
    organisation: str | None = None  # its O (else OU)
    signed_at: datetime | None = None  # a trusted timestamp's time, else the time the signer claimed
    valid: bool = False  # the cryptographic signature checks and the signed bytes are unchanged
    changes: Changes = "other"  # after signing: none | allowed (more signatures, form filling) | other
    trusted: bool | None = None  # chain reaches an installed root; None: no roots installed
    problem: str | None = None  # why it could not be checked (English, for the log)

    @property
    def sound(self) -> bool:
        """Valid and not changed after signing (trust aside)."""
        return self.valid and self.changes != "other"


class SignatureCheck(BaseModel):
    """The signatures of one PDF; `signed` False for an unsigned one."""

    signed: bool = False
    signatures: list[Signature] = Field(default_factory=list)

    @property
    def sound(self) -> bool:
        """Signed, and every signature valid and intact."""
        return self.signed and all(s.sound for s in self.signatures)


def load_trust_roots(folder: Path | None) -> list[bytes]:
    """The CA certificates (PEM or DER, one per file or several PEM per file) installed in `folder`."""
    if folder is None:
        return []
    if not folder.is_dir():
        log.warning("trust_roots_dir %s is not a folder: signature chains are not checked", folder)
        return []
    roots: list[bytes] = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in {".pem", ".crt", ".cer", ".der"}:
            roots.extend(_certificates(path.read_bytes(), path.name))
    if not roots:
        log.warning("trust_roots_dir %s holds no certificate: signature chains are not checked", folder)
    return roots


def _certificates(data: bytes, name: str) -> list[bytes]:
    from asn1crypto import pem, x509  # type: ignore[import-untyped]

    blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
    good = []
    for der in blobs:
        try:
            x509.Certificate.load(der).native  # noqa: B018 - parse fully now, not at first use
            good.append(der)
        except Exception as err:  # noqa: BLE001 - one bad file must not hide the other roots
            log.warning("trust root %s is not a certificate: %s", name, err)
    return good


def check_signatures(data: bytes, trust_roots: list[bytes]) -> SignatureCheck:
    """Check every signature of a PDF. Never raises for a broken signature: it is recorded as invalid."""
    # Every signature dictionary carries /ByteRange in plain bytes (its /Contents are filled in after
    # the file is written, so it cannot sit in a compressed object stream): an unsigned PDF costs a scan.
    if b"/ByteRange" not in data:
        return SignatureCheck()
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        embedded = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception as err:  # noqa: BLE001 - pyHanko raises many kinds on malformed files
        log.info("signature fields unreadable: %s", err)
        return SignatureCheck(signed=True, signatures=[Signature(problem=f"unreadable: {err}")])
    if not embedded:
        return SignatureCheck()
    return SignatureCheck(signed=True, signatures=[_check(sig, trust_roots) for sig in embedded])


def _check(embedded: object, trust_roots: list[bytes]) -> Signature:
    from asn1crypto import x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    roots = [x509.Certificate.load(der) for blob in trust_roots for der in _certificates(blob, "root")]
    # An explicit (possibly empty) root list: pyHanko's default would be the OS's TLS roots.
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    # Signing certificates carry digitalSignature and/or nonRepudiation; either will do here.
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    try:
        status = validate_pdf_signature(embedded, context, key_usage_settings=usage)  # type: ignore[arg-type]
    except Exception as err:  # noqa: BLE001 - a corrupt signature is an invalid one, not a crash
        log.info("signature unverifiable: %s", err)
        signer, org = _subject(embedded)
        return Signature(signer=signer, organisation=org, problem=f"unverifiable: {type(err).__name__}: {err}")
    signer, org = _subject(embedded)
    return Signature(signer=signer, organisation=org, signed_at=_time(status),
                     valid=bool(status.intact and status.valid), changes=_changes(status),
                     trusted=bool(status.trusted) if trust_roots else None)


def _subject(embedded: object) -> tuple[str | None, str | None]:
    """The signer's name (CN) and organisation (O, else OU) from its certificate."""
    try:
        subject = embedded.signer_cert.subject.native  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no readable certificate: the signer stays unknown
        return None, None
    org = subject.get("organization_name") or subject.get("organizational_unit_name")
    return _text(subject.get("common_name")), _text(org)


def _text(value: object) -> str | None:
    if isinstance(value, list | tuple):  # a repeated attribute: its values, in order
        value = ", ".join(str(v) for v in value)
    return str(value).strip() or None if value else None


def _time(status: object) -> datetime | None:
    stamp = getattr(status, "timestamp_validity", None)
    moment = stamp.timestamp if stamp is not None and stamp.intact and stamp.valid else \
        getattr(status, "signer_reported_dt", None)
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _changes(status: object) -> Changes:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:  # type: ignore[attr-defined]
        return "none"
    level = status.modification_level  # type: ignore[attr-defined]
    if level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        return "none"
    allowed = status.docmdp_ok  # type: ignore[attr-defined]  # within the signer's DocMDP permissions
    if level in (ModificationLevel.FORM_FILLING, ModificationLevel.ANNOTATIONS) and allowed:
        return "allowed"
    return "other"
