"""The verdict of our receiving server on a mail's From domain, as the decision and its wording use it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Verdict(StrEnum):
    passed = "passed"  # DMARC pass; or no DMARC verdict and SPF/DKIM pass aligned with the From domain
    failed = "failed"  # DMARC fail/quarantine/reject; or no DMARC verdict and SPF fail
    unverified = "unverified"  # our server checked, but nothing ties the mail to its From domain
    absent = "absent"  # our server recorded no verdict at all


class Authentication(BaseModel):
    """The verdict on a mail's From domain, with the results it rests on (for people to read)."""

    verdict: Verdict
    from_domain: str = ""
    dmarc: str | None = None
    spf: str | None = None
    dkim: str | None = None
    spf_domain: str | None = None  # smtp.mailfrom's domain
    dkim_domain: str | None = None  # header.d
