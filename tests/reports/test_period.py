"""The period summary: a school year's counts by unit, category and level agree with the database."""

from __future__ import annotations

from datetime import date

from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from reports.period import period_data, plan_quarters, school_year_quarters
from reports.period_report import write_period_reports
from store.models import Nominee
from tests.reports.conftest import Env

import pytest


def test_school_year_and_plan_quarters() -> None:
    assert school_year_quarters("2024-2025") == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert plan_quarters()[0] == "2023-Q1" and plan_quarters()[-1] == "2025-Q4" and len(plan_quarters()) == 12
    with pytest.raises(ValueError):
        school_year_quarters("2024-2026")


def test_school_year_report_counts_match_the_database(env: Env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    quarters = school_year_quarters("2024-2025")
    with Session(env.engine) as db:
        data = period_data(db, "NĂM HỌC 2024-2025", quarters, env.units)
        rows = list(db.exec(select(Nominee).where(col(Nominee.quarter).in_(quarters), col(Nominee.active).is_(True),
                                                  col(Nominee.unit_code).is_not(None))))
    assert sum(data.by_unit.totals()) == sum(data.by_category.totals()) == sum(data.by_level.totals()) == len(rows)
    per_quarter = [sum(1 for n in rows if n.quarter == q) for q in quarters]
    assert [total for _, total, _ in data.trend()] == per_quarter
    docx_path, xlsx_path = write_period_reports(data, env.ctx.reports, date(2025, 7, 1), tmp_path, "nam-hoc")
    doc = Document(str(docx_path))
    assert any("NĂM HỌC 2024-2025" in p.text for p in doc.paragraphs)
    unit_table = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert unit_table[-1][-1] == str(len(rows))  # "Tổng cộng" row, total column
    sheet = load_workbook(xlsx_path)["Theo đơn vị"]
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert list(total_row[2:]) == per_quarter + [len(rows)]
