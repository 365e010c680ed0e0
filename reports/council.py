"""Writes a review's two council lists (candidates; proposed for awards), Word and Excel."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import Engine

from domain.council import Status
from reports.config import ReportSettings
from reports.council_data import CouncilData, council_data
from reports.council_docx import build_candidates_docx, build_proposed_docx, write_docx
from reports.council_xlsx import build_candidates_xlsx, build_proposed_xlsx, write_xlsx
from store.db import session
from domain.units import UnitDirectory


class CouncilList(StrEnum):
    candidates = "candidates"
    proposed = "proposed"


# Who each list holds: every entry for the meeting; those proposed (or already awarded) for awards.
STATUSES: dict[CouncilList, tuple[Status, ...]] = {
    CouncilList.candidates: (),
    CouncilList.proposed: (Status.proposed, Status.awarded),
}
STEMS = {CouncilList.candidates: "danh-sach-trinh-hoi-dong", CouncilList.proposed: "danh-sach-de-nghi-khen-thuong"}


def stem(which: CouncilList, review_id: int) -> str:
    return f"{STEMS[which]}-dot-{review_id}"


def load(engine: Engine, review_id: int, which: CouncilList, units: UnitDirectory) -> CouncilData:
    with session(engine) as db:
        return council_data(db, review_id, units, STATUSES[which])


def write_list(data: CouncilData, which: CouncilList, settings: ReportSettings, out_dir: Path,
               day: date) -> tuple[Path, Path]:
    """The list's Word and Excel files in `out_dir`; returns (docx, xlsx)."""
    name = stem(which, data.review_id)
    if which is CouncilList.candidates:
        doc, book = build_candidates_docx(data, settings, day), build_candidates_xlsx(data, settings)
    else:
        doc, book = build_proposed_docx(data, settings, day), build_proposed_xlsx(data, settings)
    return write_docx(doc, out_dir / f"{name}.docx"), write_xlsx(book, out_dir / f"{name}.xlsx")


def write_council_lists(engine: Engine, review_id: int, units: UnitDirectory, settings: ReportSettings,
                        out_dir: Path, day: date) -> list[Path]:
    """Both lists of the review, both formats: four files."""
    paths: list[Path] = []
    for which in CouncilList:
        paths.extend(write_list(load(engine, review_id, which, units), which, settings, out_dir, day))
    return paths
