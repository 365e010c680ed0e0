"""Publishing from the store: only approved, not withdrawn publications of exemplars the council
selected, proposed or awarded reach the site, and nothing private leaves the database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.council import AwardForm, AwardLevel, Decision, ScopeKind, Status
from parsers.vntext import fold
from reports.publish import publish
from store import exemplars, publications, reviews
from store.db import open_database, session
from store.models import Attachment, Event, Message, Nominee, Reply, Submission
from store.publications import PublicationRefused
from store.units import load_units

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
UNITS = load_units(None)
STAFF = "quantri.nguyenvanbao"
# Everything below is in the database and must never be published.
PRIVATE = {
    "sender email": "gv.dao.private@ninhbinh.edu.vn",
    "unit email": "pgd.giavien@ninhbinh.edu.vn",
    "birth date": "12/03/1985",
    "birth date (ISO)": "1985-03-12",
    "home address": "số 17 ngõ 42 phố Lê Hồng Phong",
    "phone number": "0912 345 678",
    "phone number (plain)": "0912345678",
    "internal note": "Ghi chú nội bộ: hồ sơ cần xác minh lại",
    "reason not selected": "Chưa đủ minh chứng về sáng kiến cấp tỉnh",
    "reference number": "DHTT-2024Q2-0042",
    "staff name": STAFF,
    "photo GPS owner": "Nguoi chup anh rieng",
    "gender": "Nữ giới tính",
}


def camera_photo() -> bytes:
    image = Image.new("RGB", (1600, 1200), (30, 90, 160))
    exif = Image.Exif()
    exif[0x013B] = PRIVATE["photo GPS owner"]  # Artist
    exif[0x010E] = PRIVATE["home address"]  # ImageDescription
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 15.0, 30.0), 3: "E", 4: (105.0, 58.0, 12.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=PRIVATE["phone number"].encode())
    return out.getvalue()


def _nominee(db: Session, tmp: Path, n: int, name: str, unit: str, quarter: str, photo: bool = False) -> Nominee:
    message = Message(sha256=f"{n:064d}", rfc_message_id=f"<m{n}@ninhbinh.edu.vn>", received_at=WHEN, recorded_at=WHEN,
                      spool_path=str(tmp / f"{n}.eml"), uid=n, sender=PRIVATE["sender email"], unit_code=unit,
                      quarter=quarter, subject=f"[{PRIVATE['reference number']}] Ho so")
    db.add(message)
    db.flush()
    submission = Submission(reference=f"{PRIVATE['reference number']}-{n}", unit_code=unit, quarter=quarter,
                            status="accepted", sender=PRIVATE["sender email"], first_message_pk=message.id or 0,
                            created_at=WHEN, updated_at=WHEN)
    db.add(submission)
    db.flush()
    row = Nominee(message_pk=message.id or 0, submission_id=submission.id, unit_code=unit, quarter=quarter,
                  kind="individual", category="nha_giao", name=name, name_key=fold(name), position="Giáo viên",
                  workplace="Trường THCS Gia Viễn A", birth_date=PRIVATE["birth date"], gender=PRIVATE["gender"],
                  summary=(f"Có sáng kiến dạy học được công nhận cấp tỉnh. Địa chỉ: {PRIVATE['home address']}, "
                           f"điện thoại {PRIVATE['phone number']}, thư {PRIVATE['sender email']}."),
                  innovations=PRIVATE["internal note"], awards=PRIVATE["birth date (ISO)"])
    db.add(row)
    db.flush()
    exemplars.attach(db, row)
    if photo:
        path = tmp / f"anh-{n}.jpg"
        path.write_bytes(camera_photo())
        db.add(Attachment(message_pk=message.id or 0, filename="anh-chan-dung.jpg", content_type="image/jpeg",
                          size=path.stat().st_size, sha256="0" * 64, path=str(path)))
    db.add(Event(at=WHEN, message_pk=message.id, kind="field_corrected", detail=PRIVATE["internal note"]))
    db.add(Reply(message_pk=message.id, rfc_message_id=f"<r{n}@dhtt>", kind="ack", subject="x",
                 recipients=PRIVATE["unit email"], raw=PRIVATE["phone number"].encode(), created_at=WHEN))
    db.flush()
    return row


def _store(tmp: Path, database_url: str) -> tuple[Engine, dict[str, int]]:
    """GIVEN four exemplars: one awarded (with photo), one selected, one not selected, one candidate."""
    engine = open_database(database_url)
    with session(engine) as db:
        people = {name: _nominee(db, tmp, i, name, "PGD-GV", "2024-Q2", photo=(i == 1)).exemplar_id or 0
                  for i, name in enumerate(["Nguyễn Thị Đào", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng"], 1)}
        review = reviews.open_review(db, "Quý II năm 2024", ScopeKind.quarter, "2024-Q2", STAFF)
        entry = {e.exemplar_id: e.id or 0 for e, _ in reviews.entries(db, review.id or 0)}
        for name, decision in (
                ("Nguyễn Thị Đào", Decision(status=Status.selected)),
                ("Nguyễn Thị Đào", Decision(status=Status.awarded, award_level=AwardLevel.tinh,
                                            award_form=AwardForm.bang_khen, decision_number="15/QĐ-UBND",
                                            decision_date=date(2025, 1, 10))),
                ("Trần Văn Bình", Decision(status=Status.selected)),
                ("Lê Thị Cúc", Decision(status=Status.selected))):
            reviews.decide(db, review.id or 0, entry[people[name]], decision, STAFF)
        [photo] = publications.photo_choices(db, people["Nguyễn Thị Đào"])
        publications.approve(db, people["Nguyễn Thị Đào"], "Cô Đào có sáng kiến dạy học được công nhận cấp tỉnh.",
                             photo.id, STAFF)
        publications.approve(db, people["Trần Văn Bình"], "Thầy Bình bồi dưỡng học sinh giỏi.", None, STAFF)
        publications.approve(db, people["Lê Thị Cúc"], "Cô Cúc đổi mới phương pháp.", None, STAFF)
        # The council changes its mind: approved before, then not selected, with a reason.
        reviews.decide(db, review.id or 0, entry[people["Lê Thị Cúc"]],
                       Decision(status=Status.not_selected, reason=PRIVATE["reason not selected"]), STAFF)
    return engine, people


def test_only_approved_publications_of_selected_exemplars_are_published(tmp_path: Path, database_url: str) -> None:
    engine, people = _store(tmp_path, database_url)
    with session(engine) as db:
        assert [e.name for e, _ in publications.publishable(db)] == ["Nguyễn Thị Đào", "Trần Văn Bình"]
        with pytest.raises(PublicationRefused):  # a candidate cannot be published
            publications.approve(db, people["Phạm Văn Dũng"], "Văn bản", None, STAFF)
        with pytest.raises(PublicationRefused):  # nor with a file of another exemplar
            publications.approve(db, people["Trần Văn Bình"], "Văn bản", 1, STAFF)
        with pytest.raises(publications.EmptyText):
            publications.approve(db, people["Trần Văn Bình"], "   ", None, STAFF)
        # The summary it starts from holds an address, a phone number and an e-mail: refused as it is.
        summary = publications.prefilled_text(db, people["Trần Văn Bình"])
        with pytest.raises(publications.PrivateDataInText) as refused:
            publications.approve(db, people["Trần Văn Bình"], summary, None, STAFF)
        assert [t.value for t in refused.value.traces] == ["email", "phone"]
        with pytest.raises(publications.PrivateDataInText):  # the birth date as the unit wrote it
            publications.approve(db, people["Trần Văn Bình"], f"Cô sinh {PRIVATE['birth date']}.", None, STAFF)
        rows = publications.published(db)
    assert [r.name for r in rows] == ["Nguyễn Thị Đào", "Trần Văn Bình"]
    assert rows[0].awards[0].decision_number == "15/QĐ-UBND" and rows[0].photo_path
    with session(engine) as db:
        publications.withdraw(db, people["Trần Văn Bình"], STAFF)
        assert [r.name for r in publications.published(db)] == ["Nguyễn Thị Đào"]
        again = publications.approve(db, people["Trần Văn Bình"], "Thầy Bình, bản sửa.", None, STAFF)
        assert again.withdrawn_at is None and len(publications.published(db)) == 2


def test_published_folder_holds_no_private_field(tmp_path: Path) -> None:
    """GIVEN a store full of private data WHEN it is published THEN no file of the site contains any of it."""
    engine, people = _store(tmp_path, f"sqlite:///{tmp_path / 'dhtt.sqlite'}")
    out = tmp_path / "site"
    done = publish(engine, UNITS, out)
    assert done.count == 2
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".xml", ".jpg", ".css"}
    blob = b"\n".join(p.read_bytes() for p in files)
    text = blob.decode("utf-8", errors="replace")
    assert "Nguyễn Thị Đào" in text and "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert "Quyết định số 15/QĐ-UBND ngày 10/01/2025" in text
    leaked = {what: value for what, value in PRIVATE.items()
              if value.encode() in blob or value in text or fold(value) in fold(text)}
    assert leaked == {}
    assert "Lê Thị Cúc" not in text and "Phạm Văn Dũng" not in text
    assert "@" not in text.replace("@media", "")  # no e-mail address of any kind
    with Image.open(next(out.glob("anh/*.jpg"))) as photo:
        assert not photo.getexif() and not photo.info.get("comment")


def test_withdrawn_page_disappears_at_the_next_publish(tmp_path: Path) -> None:
    engine, people = _store(tmp_path, f"sqlite:///{tmp_path / 'dhtt.sqlite'}")
    out = tmp_path / "site"
    publish(engine, UNITS, out)
    assert "Trần Văn Bình" in (out / "index.html").read_text()
    with session(engine) as db:
        publications.withdraw(db, people["Trần Văn Bình"], STAFF)
    publish(engine, UNITS, out)
    site = "".join(p.read_text() for p in out.rglob("*.html")) + (out / "atom.xml").read_text()
    assert "Trần Văn Bình" not in site and len(list(out.glob("guong/*.html"))) == 1
