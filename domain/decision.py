"""The decision on one mail: its outcome, reasons and the exemplars it records."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.codes import Category, Kind, Outcome, ReasonCode, ReplyKind, SchoolLevel
from domain.quota import QuotaStatus


class Reason(BaseModel):
    """Why a mail got its outcome: a spec code, a detail for people, where it was found."""

    code: ReasonCode
    detail: str = ""
    where: str = ""


class Evidence(BaseModel):
    filename: str | None = None
    sha256: str | None = None
    url: str | None = None


class Nomination(BaseModel):
    """An exemplar as decided: every field the export and the reply show."""

    kind: Kind
    category: Category
    name: str
    position: str | None = None
    workplace: str | None = None
    school_level: SchoolLevel | None = None
    birth_date: str | None = None
    gender: str | None = None
    summary: str = ""
    innovations: str | None = None
    awards: str | None = None
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Decision(BaseModel):
    """The outcome of one mail, with its reasons and what it records."""

    outcome: Outcome
    reasons: list[Reason] = Field(default_factory=list)
    nominations: list[Nomination] = Field(default_factory=list)
    unit_code: str | None = None
    quarter: str | None = None
    late: bool = False
    reply: ReplyKind = ReplyKind.none
    sender: str = ""  # the address answered (the original sender of a forwarded mail)
    forwarded_by: str | None = None
    replaces: list[int] = Field(default_factory=list)  # submission ids this one supersedes
    thread_of: int | None = None  # the submission this mail continues (a reply to our answer)
    quota: QuotaStatus | None = None  # the unit's quarter, this mail included (accepted mail only)

    def has(self, code: ReasonCode) -> bool:
        return any(r.code == code for r in self.reasons)
