"""The whole cycle of issue 10 in the browser, on the public corpus: intake through IMAP → open a
review → select two, reject one with a reason, award one → approve the texts (one with a photo) →
"Xuất bản"; the published site is screenshot, validated, checked for accessibility, and searched for
every private field the store holds.

With DHTT_WEB_SCREENSHOTS=docs the screenshots land in docs/ (as in tests/web/test_screenshots.py).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from domain.council import Decision, ScopeKind, Status
from parsers.vntext import fold
from store import publications, reviews
from store.db import session
from store.models import Message, Nominee, Submission
from tests.conftest import ImapAccount, _started
from tests.integration.helpers import make_settings, make_worker, seed
from tests.reports.site_checks import axe_violations, html_problems
from tests.servers import SmtpSink
from tests.web.conftest import PASSWORDS, WebSite, client_signed_in, served, sign_in
from web.users import add_user

TARGET = os.environ.get("DHTT_WEB_SCREENSHOTS")
SELECTED = ("Trần Thanh Huyền", "Đoàn Phương Mai")  # both of 2025-Q2; Huyền is also awarded
REJECTED, REASON = "Hà Đức Thắng", "Minh chứng chưa thể hiện thành tích cấp tỉnh (ghi chú của Hội đồng)"
TEXTS = {"Trần Thanh Huyền": "Cô Trần Thanh Huyền đổi mới phương pháp dạy học, có nhiều giờ dạy được đồng nghiệp học tập.",
         "Đoàn Phương Mai": "Cô Đoàn Phương Mai tích cực bồi dưỡng học sinh giỏi và hỗ trợ đồng nghiệp trẻ."}


@pytest.fixture(scope="module")
def cycle_site(dovecot, tmp_path_factory, corpus_dir: Path) -> Iterator[WebSite]:  # type: ignore[no-untyped-def]
    """GIVEN the corpus appended to Dovecot with its receipt times WHEN the worker reads the mailbox once."""
    tmp = tmp_path_factory.mktemp("cycle")
    account = ImapAccount(dovecot.host, dovecot.port, f"cycle{secrets.token_hex(4)}@test.invalid",
                          secrets.token_urlsafe(12), dovecot.ssl_port, dovecot.cert_path)
    dovecot.add_user(account.user, account.password)
    sink = SmtpSink()
    _started(sink.start)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DHTT_TEST_IMAP_PASSWORD", account.password)
        seed(dovecot, account, sorted((corpus_dir / "emails").glob("*.eml")))
        worker = make_worker(make_settings(account, sink, f"sqlite:///{tmp / 'dhtt.sqlite'}", tmp))
        assert worker.run_once() > 0
        with session(worker.engine) as db:
            add_user(db, "quantri", PASSWORDS["quantri"], "admin")
            add_user(db, "canbo", PASSWORDS["canbo"], "viewer")
        with served(worker, sink) as site:
            yield site
    sink.stop()


def _entry(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("article.entry").filter(has=page.locator("h3", has_text=name))


def _decide(page: Page, name: str, status: str, **fields: str) -> None:
    form = _entry(page, name).locator("form.decide")
    form.locator("select[name=status]").select_option(status)
    for field, value in fields.items():
        if field in ("award_level", "award_form"):
            form.locator(f"select[name={field}]").select_option(value)
        else:
            form.locator(f"input[name={field}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi kết quả")


def _approve(page: Page, site: WebSite, name: str, with_photo: bool) -> None:
    page.goto(site.url + "/cong-bo")
    page.get_by_role("link", name=name).click()
    assert TEXTS[name][:20] not in page.locator("textarea[name=text]").input_value()  # prefilled from the summary
    assert page.locator("textarea[name=text]").input_value().strip()
    if with_photo:  # a phone number left in the text: refused, and what staff typed is kept
        page.locator("textarea[name=text]").fill(TEXTS[name] + " Điện thoại: 0912 345 678.")
        page.get_by_role("button", name="Duyệt nội dung công bố").click()
        expect(page.locator(".flash")).to_contain_text("nội dung công bố còn số điện thoại")
        assert page.locator("textarea[name=text]").input_value().endswith("0912 345 678.")
    page.locator("textarea[name=text]").fill(TEXTS[name])
    if with_photo:
        choice = page.locator(".photo-choice input[type=radio][value]:not([value=''])").first
        choice.check()
        page.locator(".photo-choice img").first.wait_for()
    page.get_by_role("button", name="Duyệt nội dung công bố").click()
    expect(page.locator(".flash")).to_contain_text("Đã duyệt nội dung công bố")


def _private_values(site: WebSite) -> dict[str, str]:
    """Every private value the store holds: addresses, birth dates, references, the reason, staff."""
    found: dict[str, str] = {"reason": REASON, "staff": "quantri"}
    with session(site.worker.engine) as db:
        for sender in db.exec(select(Message.sender)).all():
            if "@" in sender:
                found[f"sender {sender}"] = sender
        for birth in db.exec(select(Nominee.birth_date)).all():
            if birth:
                found[f"birth {birth}"] = birth
        for reference in db.exec(select(Submission.reference)).all():
            found[f"reference {reference}"] = reference
    for unit in site.worker.units.units:
        for address in unit.emails:
            found[f"unit {address}"] = address
    return found


def test_whole_cycle_from_mailbox_to_published_site(cycle_site: WebSite, browser: Browser, tmp_path: Path) -> None:
    site = cycle_site
    out = Path(TARGET) if TARGET else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    sign_in(page, site, "quantri")

    # The council opens the review of 2025-Q2 and decides.
    page.goto(site.url + "/xet-chon")
    page.locator("input[name=title]").fill("Xét chọn gương điển hình tiên tiến quý II năm 2025")
    page.locator("select[name=scope_kind]").select_option("quarter")
    page.locator("input[name=scope]").fill("2025-Q2")
    page.get_by_role("button", name="Mở đợt xem xét").click()
    expect(page.locator(".flash")).to_contain_text("Đã mở đợt xem xét")
    for name in SELECTED:
        _decide(page, name, "selected")
    _decide(page, REJECTED, "not_selected", reason=REASON)
    _decide(page, SELECTED[0], "awarded", award_level="tinh", award_form="bang_khen",
            decision_number="1234/QĐ-UBND", decision_date="2025-07-15")

    # Staff approve the texts; only the council's chosen ones are offered.
    page.goto(site.url + "/cong-bo")
    listed = page.locator("table.publications tbody tr").all_inner_texts()
    assert all(any(n in row for row in listed) for n in SELECTED) and REJECTED not in str(listed), listed
    _approve(page, site, SELECTED[0], with_photo=True)
    _approve(page, site, SELECTED[1], with_photo=False)
    page.goto(site.url + "/cong-bo")
    page.get_by_role("link", name=SELECTED[0]).click()
    page.locator(".photo-choice img").first.wait_for()
    page.screenshot(path=str(out / "web-cong-bo-duyet.png"), full_page=True)
    page.goto(site.url + "/cong-bo")
    page.screenshot(path=str(out / "web-cong-bo.png"), full_page=True)
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator(".flash")).to_contain_text("Đã xuất bản 2 gương điển hình tiên tiến")
    folder = site.worker.settings.path(site.worker.settings.reports.site_dir)

    # A publication withdrawn is gone at the next "Xuất bản"; approved again, it is back.
    page.get_by_role("link", name=SELECTED[1]).click()
    page.get_by_role("button", name="Thu hồi bài công bố").click()
    expect(page.locator(".flash")).to_contain_text("Đã thu hồi")
    page.goto(site.url + "/cong-bo")
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator(".flash")).to_contain_text("Đã xuất bản 1 gương điển hình tiên tiến")
    assert SELECTED[1] not in "".join(p.read_text() for p in folder.rglob("*.html"))
    page.get_by_role("link", name=SELECTED[1]).click()
    page.get_by_role("button", name="Duyệt nội dung công bố").click()
    page.goto(site.url + "/cong-bo")
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator(".flash")).to_contain_text("Đã xuất bản 2 gương điển hình tiên tiến")
    context.close()

    pages = sorted(folder.rglob("*.html"))
    exemplar_pages = sorted(folder.glob("guong/*.html"))
    assert len(exemplar_pages) == 2 and len(list(folder.glob("anh/*.jpg"))) == 1
    awarded = next(p for p in exemplar_pages if SELECTED[0] in p.read_text())
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (Quyết định số 1234/QĐ-UBND ngày 15/07/2025)" \
        in awarded.read_text()
    assert TEXTS[SELECTED[1]] in "".join(p.read_text() for p in exemplar_pages)

    # Screenshots of the published site, on a desktop and on a phone.
    shots = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    view = shots.new_page()
    view.goto((folder / "index.html").as_uri())
    view.screenshot(path=str(out / "site-trang-chu.png"), full_page=True)
    view.goto(awarded.as_uri())
    view.screenshot(path=str(out / "site-guong.png"), full_page=True)
    shots.close()
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, device_scale_factor=2)
    small = phone.new_page()
    small.goto(awarded.as_uri())
    assert small.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    small.screenshot(path=str(out / "site-guong-dien-thoai.png"), full_page=True)
    phone.close()
    for name in ("web-cong-bo.png", "web-cong-bo-duyet.png", "site-trang-chu.png", "site-guong.png", "site-guong-dien-thoai.png"):
        shot = (out / name).read_bytes()
        assert shot.startswith(b"\x89PNG") and len(shot) > 20_000, name

    # The published folder passes the checks and holds none of the private fields.
    assert html_problems(pages) == []
    assert axe_violations(browser, pages) == []
    blob = b"\n".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    text = blob.decode("utf-8", errors="replace")
    leaked = [what for what, value in _private_values(site).items()
              if value.encode() in blob or fold(value) in fold(text)]
    assert leaked == []
    assert REJECTED not in text and not re.search(r"\b0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}\b", text)


def test_viewers_see_and_only_admins_change(cycle_site: WebSite) -> None:
    """GIVEN an exemplar the council selected THEN a viewer sees its form but cannot approve or publish;
    an admin's form needs its CSRF token; an exemplar not selected has no publication page."""
    site = cycle_site
    with session(site.worker.engine) as db:
        review = reviews.open_review(db, "Quý I năm 2025", ScopeKind.quarter, "2025-Q1", "quantri")
        entry, exemplar = reviews.entries(db, review.id or 0)[0]
        reviews.decide(db, review.id or 0, entry.id or 0, Decision(status=Status.selected), "quantri")
        not_selected = reviews.entries(db, review.id or 0)[1][1].id
    viewer, token = client_signed_in(site, "canbo")
    assert exemplar.name in viewer.get(f"/cong-bo/{exemplar.id}").text
    for path in (f"/cong-bo/{exemplar.id}/duyet", f"/cong-bo/{exemplar.id}/thu-hoi", "/cong-bo/xuat-ban"):
        assert viewer.post(path, data={"csrf": token, "text": "Bài viết"}).status_code == 403, path
    admin, admin_token = client_signed_in(site, "quantri")
    assert admin.post(f"/cong-bo/{exemplar.id}/duyet", data={"text": "Bài viết"}).status_code == 403
    assert admin.get(f"/cong-bo/{not_selected}").status_code == 404
    assert admin.post(f"/cong-bo/{not_selected}/duyet", data={"csrf": admin_token, "text": "x"}).status_code == 404
    assert admin.get(f"/cong-bo/{exemplar.id}/anh/1").status_code == 404  # not one of its images
    with session(site.worker.engine) as db:
        assert publications.get(db, exemplar.id or 0) is None
