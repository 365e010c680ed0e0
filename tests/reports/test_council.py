"""The council's lists (candidates; proposed for awards), Word and Excel, read back against the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from domain.council import AwardForm, AwardLevel, Decision, ScopeKind, Status
from reports.council import write_council_lists
from store import reviews
from store.models import Nominee
from tests.reports.conftest import Env

DAY = date(2024, 7, 2)


def _text(doc) -> str:  # type: ignore[no-untyped-def]
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def decided_review(env: Env) -> int:
    """A 2024-Q2 review of the corpus: Đinh Xuân Tuấn awarded, Phan Thanh Dung proposed, one not selected."""
    with Session(env.engine) as db:
        review = reviews.open_review(db, "Xét chọn quý II năm 2024", ScopeKind.quarter, "2024-Q2", "quantri")
        entries = {e.name: entry.id or 0 for entry, e in reviews.entries(db, review.id or 0)}
        award = {"award_level": AwardLevel.tinh, "award_form": AwardForm.bang_khen}
        for name, steps in {
            "Đinh Xuân Tuấn": [Decision(status=Status.proposed, **award),
                               Decision(status=Status.awarded, decision_number="1234/QĐ-UBND",
                                        decision_date=date(2024, 8, 30), **award)],
            "Phan Thanh Dung": [Decision(status=Status.selected), Decision(status=Status.proposed, **award)],
            "Nguyễn Hữu Hải": [Decision(status=Status.not_selected, reason="Thành tích chưa nổi bật")],
        }.items():
            for step in steps:
                reviews.decide(db, review.id or 0, entries[name], step, "quantri")
        db.commit()
        return review.id or 0


def _write(env: Env, tmp_path: Path) -> dict[str, Path]:
    paths = write_council_lists(env.engine, decided_review(env), env.units, env.ctx.reports, tmp_path, DAY)
    return {p.name.split("-dot-")[0] + p.suffix: p for p in paths}


def test_candidates_docx_lists_every_exemplar_of_the_review_in_the_formal_layout(env: Env, tmp_path: Path) -> None:
    files = _write(env, tmp_path)
    doc = Document(str(files["danh-sach-trinh-hoi-dong.docx"]))
    text = _text(doc)
    for phrase in ("UBND TỈNH NINH BÌNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "/DS-SGDĐT", "Ninh Bình, ngày 02 tháng 7 năm 2024",
                   "TRÌNH HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG NGÀNH XEM XÉT", "QUÝ II NĂM 2024", "Nơi nhận:",
                   "PHÓ GIÁM ĐỐC"):
        assert phrase in text, phrase
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    rows = [[c.text for c in r.cells] for r in doc.tables[1].rows[1:]]
    listed = [r[1] for r in rows if r[0].isdigit()]
    with Session(env.engine) as db:
        active = db.exec(select(Nominee).where(Nominee.quarter == "2024-Q2", col(Nominee.active).is_(True),
                                               col(Nominee.unit_code).is_not(None))).all()
    assert sorted(listed) == sorted({n.name for n in active})
    assert [r[0] for r in rows if r[0].isdigit()] == [str(i) for i in range(1, len(listed) + 1)]
    dung = next(r for r in rows if r[1] == "Phan Thanh Dung")
    assert dung[5] == "Quý II năm 2024" and "minh chứng" in dung[7] and "DHTT-2024Q2-" in dung[7]
    assert "học sinh đạt kết quả học tập tốt" in dung[6]


def test_proposed_lists_hold_only_the_proposed_and_awarded_with_their_award(env: Env, tmp_path: Path) -> None:
    files = _write(env, tmp_path)
    doc = Document(str(files["danh-sach-de-nghi-khen-thuong.docx"]))
    assert "ĐỀ NGHỊ KHEN THƯỞNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN" in _text(doc)
    rows = [[c.text for c in r.cells] for r in doc.tables[1].rows[1:] if r.cells[0].text.isdigit()]
    assert sorted(r[1] for r in rows) == ["Phan Thanh Dung", "Đinh Xuân Tuấn"]
    assert {r[5] for r in rows} == {"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}
    tuan = next(r for r in rows if r[1] == "Đinh Xuân Tuấn")
    assert "QĐ số 1234/QĐ-UBND ngày 30/08/2024" in tuan[6]
    sheet = load_workbook(files["danh-sach-de-nghi-khen-thuong.xlsx"])["Danh sách"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "ĐỀ NGHỊ KHEN THƯỞNG" in str(values[2][0]) and values[0][0] == "UBND TỈNH NINH BÌNH"
    body = [r for r in values if isinstance(r[0], int)]
    assert sorted(r[3] for r in body) == ["Phan Thanh Dung", "Đinh Xuân Tuấn"]
    assert next(r for r in body if r[3] == "Đinh Xuân Tuấn")[9:11] == ["1234/QĐ-UBND", "30/08/2024"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows


def test_candidates_xlsx_shows_each_decision_in_words(env: Env, tmp_path: Path) -> None:
    files = _write(env, tmp_path)
    sheet = load_workbook(files["danh-sach-trinh-hoi-dong.xlsx"])["Danh sách"]
    body = {r[3]: r for r in ([c.value for c in row] for row in sheet.iter_rows()) if isinstance(r[0], int)}
    assert body["Nguyễn Hữu Hải"][14] == "Không lựa chọn"
    assert body["Đinh Xuân Tuấn"][14] == "Đã được khen thưởng"
    assert body["Quách Phương Thảo"][14] == "Chờ xem xét"
    assert body["Phan Thanh Dung"][1] == "THPT-LVT" and body["Phan Thanh Dung"][8] == "Quý II năm 2024"


def test_dhtt_council_writes_the_four_files_and_names_an_unknown_review(env: Env, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reports.cli import app

    review = decided_review(env)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{env.settings.database.url}"\n[intake]\nstorage_dir = "{tmp_path / "s"}"\n',
                      encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["council", "--review", str(review), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        f"danh-sach-de-nghi-khen-thuong-dot-{review}.docx", f"danh-sach-de-nghi-khen-thuong-dot-{review}.xlsx",
        f"danh-sach-trinh-hoi-dong-dot-{review}.docx", f"danh-sach-trinh-hoi-dong-dot-{review}.xlsx"]
    assert result.output.count("Đã ghi ") == 4
    missing = CliRunner().invoke(app, ["council", "--review", "999", "--out", str(out), "--config", str(config)])
    assert missing.exit_code == 2 and "không có đợt xem xét số 999" in missing.output
