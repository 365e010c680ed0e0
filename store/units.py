"""The directory of registered units: loaded from a CSV, looked up by sender address."""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

from store.errors import StoreError

DEFAULT_UNITS = Path(__file__).with_name("data") / "units.csv"


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


class UnitsFileError(StoreError):
    """The units CSV is missing a column or holds a bad row."""


def parse_units_csv(text: str, source: str = "units.csv") -> UnitDirectory:
    """Parse `code,name,kind,district,emails` rows (emails separated by ';')."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "kind", "emails"} - set(reader.fieldnames or [])
    if missing:
        raise UnitsFileError(f"{source}: missing column(s) {', '.join(sorted(missing))}")
    units = []
    for line, row in enumerate(reader, start=2):
        try:
            units.append(UnitInfo(
                code=row["code"].strip(), name=row["name"].strip(), kind=UnitKind(row["kind"].strip()),
                district=(row.get("district") or "").strip(),
                emails=[e.strip().lower() for e in row["emails"].split(";") if e.strip()],
            ))
        except ValueError as err:
            raise UnitsFileError(f"{source}:{line}: {err}") from None
    return UnitDirectory(units=units)


def load_units(path: Path | None) -> UnitDirectory:
    """The directory from a file, or the Ninh Bình directory shipped with the software."""
    path = path or DEFAULT_UNITS
    try:
        return parse_units_csv(path.read_text(encoding="utf-8"), str(path))
    except OSError as err:
        raise UnitsFileError(f"{path}: {err.strerror}") from None
