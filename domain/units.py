"""The directory of registered units: their kinds, and lookups by sender address or code."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class UnitKind(StrEnum):
    truc_thuoc_so = "truc_thuoc_so"
    phong_gddt = "phong_gddt"
    gdnn_gdtx = "gdnn_gdtx"
    phong_thuoc_so = "phong_thuoc_so"
    cong_doan = "cong_doan"


class UnitInfo(BaseModel):
    code: str
    name: str
    kind: UnitKind
    district: str = ""
    emails: list[str] = Field(default_factory=list)


class UnitDirectory(BaseModel):
    """All units, with an index from lower-cased address to unit."""

    units: list[UnitInfo]

    def by_address(self, address: str) -> UnitInfo | None:
        """The unit that registered this address, compared case-insensitively."""
        wanted = address.strip().lower()
        return next((u for u in self.units if wanted in u.emails), None)

    def by_code(self, code: str | None) -> UnitInfo | None:
        return next((u for u in self.units if u.code == code), None)
