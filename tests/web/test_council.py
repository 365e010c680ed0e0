"""The council's pages on the corpus: one exemplar over its nominations, merge and split on record,
a review decided by an admin only, its letters sent once, its lists downloaded."""

from __future__ import annotations

import email
import email.policy
import io
import re

from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from store.council import Exemplar, ExemplarChange, ReviewChange, ReviewEntry
from store.db import session
from store.models import Nominee, Reply
from tests.web.conftest import WebSite, client_signed_in

CODES = re.compile(r"(?<![\w-])(?:candidate|selected|not_selected|proposed|awarded|giay_khen|bang_khen|"
                   r"individual|nha_giao|merge|split|attach|dhtt|None)(?![\w-])")


def _shown(page: str) -> str:
    return re.sub(r'<(?:option|input)[^>]*>|title="[^"]*"|<[^>]*>', " ", page)


def _exemplar_of(site: WebSite, name: str) -> int:
    with session(site.worker.engine) as db:
        ids = {n.exemplar_id for n in db.exec(select(Nominee).where(Nominee.name == name))}
    assert len(ids) == 1, ids
    found = ids.pop()
    assert found is not None
    return found


def test_a_resubmitted_exemplar_is_one_exemplar_with_both_nominations(site: WebSite) -> None:
    """GIVEN 016 and its resubmission 017 (Ngô Đức Sơn) WHEN his page is opened THEN one exemplar, two nominations."""
    exemplar = _exemplar_of(site, "Ngô Đức Sơn")
    client, _ = client_signed_in(site, "canbo")
    page = client.get(f"/guong-dien-hinh/{exemplar}").text
    assert page.count('class="moment nomination"') == 2
    assert "/hop-nhat" not in page and "/tach" not in page  # a viewer sees, never changes
    assert "Đã được thay thế" in page and "Quá trình theo thời gian" in page
    photo = re.search(r'href="(/thu/\d+/tep/\d+)" download>anh\.jpg', page)
    assert photo and client.get(photo.group(1)).content[:3] == b"\xff\xd8\xff"  # the evidence photo, downloadable
    assert not CODES.findall(_shown(page)), CODES.findall(_shown(page))
    listing = client.get("/guong-dien-hinh", params={"ten": "ngo duc son"}).text
    assert listing.count(f'href="/guong-dien-hinh/{exemplar}"') == 1


def test_merge_and_split_from_the_page_are_recorded_and_admin_only(site: WebSite) -> None:
    keep, other = _exemplar_of(site, "Tống Thu Huyền"), _exemplar_of(site, "Quách Phương Thảo")
    viewer, viewer_token = client_signed_in(site, "canbo")
    refused = viewer.post(f"/guong-dien-hinh/{keep}/hop-nhat", data={"csrf": viewer_token, "other": str(other)})
    assert refused.status_code == 403
    admin, token = client_signed_in(site, "quantri")
    assert admin.post(f"/guong-dien-hinh/{keep}/hop-nhat", data={"other": str(other)}).status_code == 403  # no CSRF
    merged = admin.post(f"/guong-dien-hinh/{keep}/hop-nhat", data={"csrf": token, "other": str(other)})
    assert merged.status_code == 303
    page = admin.get(f"/guong-dien-hinh/{keep}").text
    assert "Đã hợp nhất hồ sơ số" in page and page.count('class="moment nomination"') == 2
    with session(site.worker.engine) as db:
        moved = db.exec(select(Nominee).where(Nominee.name == "Quách Phương Thảo")).one()
    split = admin.post(f"/guong-dien-hinh/{keep}/tach", data={"csrf": token, "nominee": str(moved.id)})
    assert split.status_code == 303
    new = int(split.headers["location"].rsplit("/", 1)[1])
    with session(site.worker.engine) as db:
        assert db.get(Exemplar, other) is None
        assert db.get(Nominee, moved.id).exemplar_id == new  # type: ignore[union-attr]
        log = [(c.action, c.actor) for c in db.exec(select(ExemplarChange).where(
            ExemplarChange.exemplar_id == keep).order_by(ExemplarChange.id))]
    assert log == [("merge", "quantri"), ("split", "quantri")]
    assert "Tách hồ sơ" in admin.get(f"/guong-dien-hinh/{keep}").text


def _entries(site: WebSite, review: int) -> dict[str, int]:
    with session(site.worker.engine) as db:
        rows = db.exec(select(ReviewEntry, Exemplar).join(Exemplar, Exemplar.id == ReviewEntry.exemplar_id)
                       .where(ReviewEntry.review_id == review)).all()
    return {exemplar.name: entry.id or 0 for entry, exemplar in rows}


def _letters(site: WebSite) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m.data, policy=email.policy.default) for m in site.sink.messages
            if b"Message-ID: <council." in m.data]


def test_a_review_decided_by_an_admin_sends_each_letter_once(site: WebSite) -> None:
    admin, token = client_signed_in(site, "quantri")
    opened = admin.post("/xet-chon", data={"csrf": token, "title": "Xét chọn quý II năm 2024",
                                          "scope_kind": "quarter", "scope": "2024-Q2"})
    assert opened.status_code == 303
    review = int(opened.headers["location"].rsplit("/", 1)[1])
    entries = _entries(site, review)
    assert {"Phan Thanh Dung", "Đinh Xuân Tuấn", "Nguyễn Hữu Hải"} <= set(entries)
    assert "Ngô Đức Sơn" not in entries  # 2024-Q4
    viewer, viewer_token = client_signed_in(site, "canbo")
    url = f"/xet-chon/{review}/muc/{entries['Phan Thanh Dung']}"
    assert viewer.post(url, data={"csrf": viewer_token, "status": "selected"}).status_code == 403
    assert 'action="/xet-chon/' not in viewer.get(f"/xet-chon/{review}").text
    before = len(_letters(site))

    def decide(name: str, **fields: str) -> str:
        answer = admin.post(f"/xet-chon/{review}/muc/{entries[name]}", data={"csrf": token, **fields})
        assert answer.status_code == 303
        return admin.get(f"/xet-chon/{review}").text

    assert "Đề nghị ghi lý do" in decide("Nguyễn Hữu Hải", status="not_selected")
    decide("Nguyễn Hữu Hải", status="not_selected", reason="Thành tích chưa nổi bật so với các đề cử khác")
    decide("Phan Thanh Dung", status="selected")
    decide("Đinh Xuân Tuấn", status="selected")
    decide("Đinh Xuân Tuấn", status="proposed", award_level="so", award_form="giay_khen")
    page = decide("Đinh Xuân Tuấn", status="awarded", award_level="so", award_form="giay_khen",
                  decision_number="125/QĐ-SGDĐT", decision_date="2024-09-05")
    decide("Phan Thanh Dung", status="candidate")
    decide("Phan Thanh Dung", status="selected")  # selected again: the letter was already sent
    assert "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo" in page
    assert not CODES.findall(_shown(page)), CODES.findall(_shown(page))
    site.sink.wait_for(before + 3)
    letters = _letters(site)[before:]
    subjects = sorted(str(m["Subject"]) for m in letters)
    assert len(letters) == 3, subjects
    assert sum("Thông báo khen thưởng" in s for s in subjects) == 1
    awarded = next(m for m in letters if "khen thưởng" in str(m["Subject"]))
    text = awarded.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Quyết định số 125/QĐ-SGDĐT ngày 05/09/2024" in text and "Kính gửi: " in text
    with session(site.worker.engine) as db:
        changes = db.exec(select(ReviewChange).where(
            ReviewChange.review_entry_id == entries["Đinh Xuân Tuấn"])).all()
        queued = db.exec(select(Reply).where(Reply.kind == "council")).all()
    assert [c.actor for c in changes] == ["quantri"] * 3
    assert len({r.rfc_message_id for r in queued}) == len(queued)

    history = admin.get(f"/guong-dien-hinh/{_exemplar_of(site, 'Đinh Xuân Tuấn')}").text
    assert "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo" in history and "Số 125/QĐ-SGDĐT, ngày 05/09/2024" in history
    assert "Kết quả: Đề nghị khen thưởng → Đã được khen thưởng" in history
    assert not CODES.findall(_shown(history)), CODES.findall(_shown(history))
    for missing in (f"/xet-chon/{review + 1000}", "/guong-dien-hinh/999999", f"/xet-chon/{review}/khac.docx"):
        assert admin.get(missing).status_code == 404, missing

    docx = admin.get(f"/xet-chon/{review}/de-nghi-khen-thuong.docx")
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("Đinh Xuân Tuấn" in c for c in cells) and not any("Phan Thanh Dung" in c for c in cells)
    book = load_workbook(io.BytesIO(admin.get(f"/xet-chon/{review}/trinh-hoi-dong.xlsx").content))
    values = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "Phan Thanh Dung" in values and "Không lựa chọn" in values


def test_a_review_refuses_a_bad_scope_and_takes_late_nominations_on_request(site: WebSite) -> None:
    admin, token = client_signed_in(site, "quantri")
    bad = admin.post("/xet-chon", data={"csrf": token, "title": "Năm học", "scope_kind": "school_year",
                                        "scope": "2024-2026"}, follow_redirects=True)
    assert "phạm vi đúng dạng" in bad.text
    opened = admin.post("/xet-chon", data={"csrf": token, "title": "Cả giai đoạn", "scope_kind": "plan", "scope": ""})
    review = int(opened.headers["location"].rsplit("/", 1)[1])
    before = len(_entries(site, review))
    with session(site.worker.engine) as db:  # a nomination recorded after the review was opened
        late = db.exec(select(ReviewEntry).where(ReviewEntry.review_id == review)).first()
        assert late is not None
        db.delete(late)
    assert len(_entries(site, review)) == before - 1
    added = admin.post(f"/xet-chon/{review}/cap-nhat", data={"csrf": token}, follow_redirects=True)
    assert "Đã bổ sung 1 gương điển hình tiên tiến mới" in added.text
    assert len(_entries(site, review)) == before
    page = admin.get("/xet-chon").text
    assert "Cả giai đoạn thực hiện kế hoạch" in page and f'href="/xet-chon/{review}"' in page
