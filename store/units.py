"""The directory of registered units, loaded from a CSV (the shipped one, or the Sở's own)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from domain.units import UnitDirectory, UnitInfo, UnitKind
from store.errors import StoreError

DEFAULT_UNITS = Path(__file__).with_name("data") / "units.csv"


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
