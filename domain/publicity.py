"""What may not be published: traces of private data in a text staff are about to approve.

The site only ever reads the approved text, so this is the last gate: an e-mail address, a phone
number or a date of birth left in the text (the summary it starts from often has them) is refused.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from domain.exemplars import normalise_birth_date


class Trace(StrEnum):
    email = "email"
    phone = "phone"
    birth_date = "birth_date"


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese numbers: 0 or +84, then 8 to 10 digits, in groups split by spaces, dots or hyphens.
PHONE = re.compile(r"(?<![\w/])(?:\+84|0)(?:[ .-]?\d){8,10}(?![\w/])")
BIRTH_WORDS = re.compile(r"\b(?:ngày|năm)\s+sinh\b|\bsinh\s+(?:ngày|năm)\b", re.I)


def private_traces(text: str, birth_date: str | None = None) -> list[Trace]:
    """The kinds of private data found in `text`, in Trace order; [] when it may be published."""
    found = set()
    if EMAIL.search(text):
        found.add(Trace.email)
    if PHONE.search(text):
        found.add(Trace.phone)
    if BIRTH_WORDS.search(text) or _written_date(text, normalise_birth_date(birth_date)):
        found.add(Trace.birth_date)
    return [t for t in Trace if t in found]


def _written_date(text: str, iso: str | None) -> bool:
    """Whether the full date `iso` ("1985-03-12") is written in the text in a usual way."""
    if not iso or len(iso) != 10:
        return False  # a year alone is too common in a text to mean the birth date
    day = date.fromisoformat(iso)
    forms = {iso, f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d-%m-%Y}",
             f"{day:%d.%m.%Y}", f"{day.day}/{day:%m/%Y}", f"{day:%d}/{day.month}/{day.year}"}
    # Not part of a longer number or date; a full stop or comma after it ends the sentence.
    return any(re.search(rf"(?<!\d)(?<!\d[/.-]){re.escape(f)}(?!\d|[/.-]\d)", text) for f in forms)
