"""Who is the same exemplar: the identity rule that ties nominations of several quarters together.

Pure: the caller hands in the folded name (computed the way `nominee.name_key` is, with
`parsers.vntext.fold`), the unit code and the birth date as written in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class Identity:
    """What identifies an exemplar: folded name, unit and (when a document gives it) birth date."""

    name_key: str
    unit_code: str | None
    birth_date: str | None = None  # normalised: "YYYY-MM-DD" or "YYYY"


def normalise_birth_date(written: str | None) -> str | None:
    """A birth date as written ("12/3/1985", "1985-03-12", "năm 1985") → "1985-03-12" or "1985"; None if unreadable."""
    if not written:
        return None
    numbers = [int(n) for n in _NUMBERS.findall(written)]
    years = [n for n in numbers if 1900 <= n <= 2100]
    if not years:
        return None
    if len(numbers) >= 3:
        if numbers[0] >= 1900:  # ISO order: year, month, day
            year, month, day = numbers[0], numbers[1], numbers[2]
        else:  # Vietnamese order: day, month, year
            day, month, year = numbers[0], numbers[1], numbers[2]
        if 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{years[0]:04d}"


def identity(name_key: str, unit_code: str | None, birth_date: str | None) -> Identity:
    """The identity of a nomination (birth date normalised)."""
    return Identity(name_key=name_key.strip(), unit_code=unit_code, birth_date=normalise_birth_date(birth_date))


def same_birth(a: str | None, b: str | None) -> bool:
    """Birth dates agree: either is unknown, or they agree on what both give (a year alone matches its dates)."""
    if a is None or b is None:
        return True
    if len(a) == 4 or len(b) == 4:
        return a[:4] == b[:4]
    return a == b


def same_exemplar(a: Identity, b: Identity) -> bool:
    """The matching rule: same folded name and same unit, and birth dates that do not disagree.

    A nomination without a unit (an unknown sender) is never matched: nothing says whose it is.
    """
    if not a.name_key or a.unit_code is None or b.unit_code is None:
        return False
    return a.name_key == b.name_key and a.unit_code == b.unit_code and same_birth(a.birth_date, b.birth_date)


def best_match(wanted: Identity, known: list[tuple[int, Identity]]) -> int | None:
    """The id of the known exemplar this identity belongs to, or None for a new one.

    An exact birth-date agreement wins over one where a side gives none; ties go to the oldest id.
    """
    matching = [(exemplar_id, ident) for exemplar_id, ident in known if same_exemplar(wanted, ident)]
    if not matching:
        return None
    exact = [exemplar_id for exemplar_id, ident in matching
             if wanted.birth_date is not None and ident.birth_date == wanted.birth_date]
    return min(exact) if exact else min(exemplar_id for exemplar_id, _ in matching)
