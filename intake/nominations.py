"""Drafts read from documents become nominations: merged across a conversation, checked for the
fields a nomination needs, given their evidence. Pure functions."""

from __future__ import annotations

from domain.codes import Category, Kind, ReasonCode
from domain.decision import Evidence, Nomination, Reason
from intake.analysis import Analysis
from parsers.models import NominationDraft
from parsers.vntext import fold


def merge_drafts(earlier: list[NominationDraft], later: list[NominationDraft]) -> list[NominationDraft]:
    """Later drafts correct earlier ones for the same exemplar; new ones are added."""
    merged: dict[str, NominationDraft] = {}
    for draft in earlier + later:
        key = fold(draft.name or "") or f"#{len(merged)}"
        if key in merged:
            update = {k: v for k, v in draft.model_dump(exclude_unset=True).items() if v not in (None, "", [])}
            draft = merged[key].model_copy(update=update)
        merged[key] = draft
    return list(merged.values())


def _missing_fields(draft: NominationDraft) -> list[ReasonCode]:
    missing = []
    if not (draft.name or "").strip():
        missing.append(ReasonCode.missing_name)
    if draft.category is None:
        missing.append(ReasonCode.missing_category)
    if not (draft.summary or "").strip():
        missing.append(ReasonCode.missing_summary)
    return missing


def _where(draft: NominationDraft) -> str:
    return f"{draft.source}, dòng {draft.row}" if draft.row is not None else draft.source


def _nomination(draft: NominationDraft, evidence: list[Evidence]) -> Nomination:
    category = draft.category or Category.tap_the
    kind = draft.kind or (Kind.collective if category == Category.tap_the else Kind.individual)
    own = [Evidence(url=link) for link in draft.links if link not in {e.url for e in evidence}]
    return Nomination(
        kind=kind, category=category, name=(draft.name or "").strip(), position=draft.position,
        workplace=draft.workplace, school_level=draft.school_level, birth_date=draft.birth_date,
        gender=draft.gender, summary=(draft.summary or "").strip(), innovations=draft.innovations,
        awards=draft.awards, source=draft.source, evidence=own + evidence,
    )


def check_drafts(analysis: Analysis) -> tuple[list[Nomination], list[Reason]]:
    """Complete drafts become nominations; incomplete ones become reasons naming what is missing."""
    nominations: list[Nomination] = []
    reasons: list[Reason] = []
    for draft in analysis.drafts:
        missing = _missing_fields(draft)
        if missing:
            reasons.extend(Reason(code=code, detail=draft.name or "", where=_where(draft)) for code in missing)
            continue
        nomination = _nomination(draft, analysis.evidence)
        if not nomination.evidence:
            reasons.append(Reason(code=ReasonCode.missing_evidence, detail=nomination.name, where=_where(draft)))
            continue
        if nomination.school_level is None and nomination.category != Category.tap_the:
            reasons.append(Reason(code=ReasonCode.missing_school_level, detail=nomination.name,
                                  where=_where(draft)))
        nominations.append(nomination)
    return nominations, reasons
