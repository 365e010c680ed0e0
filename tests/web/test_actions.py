"""Putting things right from the browser: release the zip bomb (028), attach the unknown sender (024)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from store.db import session
from store.models import Event
from tests.web.conftest import WebSite


def _sent_to(site: WebSite, address: str) -> list[email.message.EmailMessage]:
    found = []
    for item in site.sink.messages:
        mail = email.message_from_bytes(item.data, policy=email.policy.default)
        if address in [r.lower() for r in item.rcpt_tos]:
            found.append(mail)
    return found


def test_release_quarantined_zip_bomb(admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    """GIVEN 028 quarantined WHEN an admin releases it THEN it is decided again, by that admin, on record."""
    pk = site.case_pk(corpus_dir, "028")
    assert site.outcome(pk) == "quarantined"
    page = admin_page
    page.goto(site.url + "/?ket_qua=quarantined")
    page.click(f"a[href='/thu/{pk}'] >> nth=0")
    page.click("text=Giải phóng khỏi cách ly")
    expect(page.locator(".flash")).to_contain_text("Đã giải phóng thư khỏi cách ly")
    assert site.outcome(pk) not in (None, "quarantined")
    expect(page.locator("table.events")).to_contain_text("Giải phóng khỏi cách ly")
    with session(site.worker.engine) as db:
        events = db.exec(select(Event).where(Event.message_pk == pk, Event.kind == "released")).all()
    assert len(events) == 1 and '"actor": "quantri"' in events[0].detail
    expect(page.locator("form[action$='/giai-phong']")).to_have_count(0)


def test_attach_unknown_sender_to_unit_answers_once(admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    """GIVEN 024 waiting for review WHEN an admin attaches it to a unit THEN one acknowledgement goes out."""
    pk = site.case_pk(corpus_dir, "024")
    page = admin_page
    page.goto(f"{site.url}/thu/{pk}")
    sender = page.locator("dl.facts dd").nth(1).inner_text().split()[0]
    before = len(_sent_to(site, sender))
    assert before == 1  # the "pending verification" answer
    page.select_option("select[name=unit]", "THPT-YKB")
    page.click("text=Gán cho đơn vị")
    expect(page.locator(".flash")).to_contain_text("Đã gán thư cho đơn vị")
    expect(page.locator("dl.facts").first).to_contain_text("Đã tiếp nhận")
    site.sink.wait_for(1)
    answers = _sent_to(site, sender)
    assert len(answers) == before + 1
    assert "pending" not in str(answers[-1]["Message-ID"])
    expect(page.locator("article.reply")).to_have_count(2)
    # The page no longer offers to attach it: a second post is refused and nothing more is sent.
    expect(page.locator("select[name=unit]")).to_have_count(0)
    page.reload()
    assert len(_sent_to(site, sender)) == before + 1


def test_correct_a_field_is_recorded_with_who(admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    pk = site.case_pk(corpus_dir, "004")
    page = admin_page
    page.goto(f"{site.url}/thu/{pk}")
    form = page.locator("form.correct").first
    form.locator("select[name=field]").select_option("gender")
    form.locator("input[name=value]").fill("Nữ")
    form.locator("button").click()
    expect(page.locator(".flash")).to_contain_text("Đã sửa «Giới tính»")
    expect(page.locator("article.nominee").first).to_contain_text("Nữ")
    expect(page.locator("table.events")).to_contain_text("Sửa thông tin gương điển hình")
    expect(page.locator("table.events")).to_contain_text("người thực hiện: quantri")
