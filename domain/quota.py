"""Quotas per quarter: what each kind of unit must send, and what a unit still lacks."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.codes import SchoolLevel
from domain.units import UnitKind

# One exemplar per quarter, or one per school level managed (SPEC.md, "Quotas per quarter").
# Keys are unit kinds; "*" means any school level. Configurable in [quota] of config.toml.
DEFAULT_RULES: dict[str, dict[str, int]] = {
    UnitKind.truc_thuoc_so: {"*": 1},
    UnitKind.phong_gddt: {SchoolLevel.mam_non: 1, SchoolLevel.tieu_hoc: 1, SchoolLevel.thcs: 1},
    UnitKind.gdnn_gdtx: {"*": 1},
    UnitKind.phong_thuoc_so: {},
    UnitKind.cong_doan: {},
}


class QuotaRules(BaseModel):
    """Exemplars required per quarter, by unit kind and school level ("*": any level).

    Kinds left out of config.toml keep the plan's rule, so a new plan period only lists changes.
    """

    model_config = ConfigDict(extra="forbid")
    rules: dict[str, dict[str, int]] = Field(default_factory=lambda: dict(DEFAULT_RULES))

    @field_validator("rules")
    @classmethod
    def _known_keys(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        levels = {lv.value for lv in SchoolLevel} | {"*"}
        for kind, wanted in value.items():
            if kind not in {k.value for k in UnitKind}:
                raise ValueError(f"unknown unit kind {kind!r}")
            if bad := set(wanted) - levels:
                raise ValueError(f"unknown school level(s) {sorted(bad)} for {kind}")
        return {**{str(k): dict(v) for k, v in DEFAULT_RULES.items()}, **value}


class QuotaLine(BaseModel):
    level: str  # a SchoolLevel value, or "*" for any
    required: int
    sent: int

    @property
    def missing(self) -> int:
        return max(self.required - self.sent, 0)


class QuotaStatus(BaseModel):
    """A unit's quota for one quarter, line by line."""

    unit_code: str
    quarter: str
    lines: list[QuotaLine] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(line.missing == 0 for line in self.lines)

    @property
    def missing_levels(self) -> list[str]:
        return [line.level for line in self.lines if line.missing]


def quota_status(unit_code: str, kind: str, quarter: str, levels: Iterable[str | None],
                 rules: QuotaRules | None = None) -> QuotaStatus:
    """Count the unit's exemplars of the quarter (their school levels) against its rule."""
    wanted = (rules or QuotaRules()).rules.get(kind, {})
    levels = list(levels)
    lines = [
        QuotaLine(level=level, required=need,
                  sent=len(levels) if level == "*" else sum(1 for lv in levels if lv == level))
        for level, need in wanted.items()
    ]
    return QuotaStatus(unit_code=unit_code, quarter=quarter, lines=lines)
