"""What the public site is made of: only the fields fit to publish, nothing else can reach a page."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.codes import Category

# Opaque, stable names for pages and Atom ids: derived from the caller's key (the exemplar's row id),
# which itself never appears on the site.
_NAMESPACE = uuid.UUID("6f1d0c52-3d5e-4a0c-9b1e-2f6e4c8a9d17")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


class SitePhoto(BaseModel):
    """A photo chosen by staff, as stored; it is re-encoded before it is written."""

    model_config = ConfigDict(frozen=True)
    data: bytes


class SiteExemplar(BaseModel):
    """One published exemplar: the approved text and what the portal may show of them."""

    model_config = ConfigDict(frozen=True)
    key: str  # stable per exemplar (e.g. its row id); only a hash of it is published
    name: str
    position: str = ""
    workplace: str = ""
    unit_name: str
    category: Category
    quarters: list[str] = Field(default_factory=list)  # "2024-Q2", the quarters it was nominated in
    text: str  # the text staff approved for publication
    photo: SitePhoto | None = None
    awards: list[str] = Field(default_factory=list)  # "Bằng khen của …, Quyết định số … ngày …"
    published_at: datetime  # when staff approved it: the feed entry's date

    @field_validator("quarters")
    @classmethod
    def _quarters(cls, value: list[str]) -> list[str]:
        for quarter in value:
            if not _QUARTER.match(quarter):
                raise ValueError(f"not a quarter: {quarter!r}")
        return sorted(set(value))

    @property
    def uid(self) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, self.key)

    @property
    def slug(self) -> str:
        """The page's file name stem: the name in ASCII and a short hash, stable across builds."""
        return f"{slugify(self.name)}-{self.uid.hex[:8]}"


class Site(BaseModel):
    """The whole site: its exemplars and where the portal serves it (for absolute feed links)."""

    exemplars: list[SiteExemplar] = Field(default_factory=list)
    base_url: str = ""  # e.g. "https://ninhbinh.edu.vn/guong-dien-hinh/"; empty: relative links only
    max_photo_side: int = Field(default=1200, ge=64, le=4000)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: 'Nguyễn Thị Đào' → 'nguyen-thi-dao'."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "muc"
