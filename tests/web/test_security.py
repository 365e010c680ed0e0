"""Nothing is visible signed out, viewers change nothing, forms need their token, mail HTML runs nothing."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.web.conftest import HOSTILE_SENDER, PASSWORDS, WebSite, client_signed_in, sign_in

PAGES = ["/", "/?ket_qua=accepted", "/thu/{pk}", "/thu/{pk}/eml", "/thu/{pk}/tep/1", "/quy", "/quy/2024-Q2",
         "/quy/2024-Q2/danh-sach.docx", "/quy/2024-Q2/danh-sach.xlsx", "/tinh-trang"]
ACTIONS = ["/thu/{pk}/xu-ly-lai", "/thu/{pk}/giai-phong", "/thu/{pk}/gan-don-vi", "/guong/1/sua", "/dang-xuat"]


@pytest.mark.parametrize("path", PAGES + ACTIONS)
def test_signed_out_is_sent_to_sign_in(site: WebSite, path: str) -> None:
    with httpx.Client(base_url=site.url, follow_redirects=False) as client:
        url = path.format(pk=1)
        answer = client.post(url, data={"unit": "THPT-YKB"}) if path in ACTIONS else client.get(url)
    if path == "/dang-xuat":  # no session: the form is refused before anything else
        assert answer.status_code == 403
        return
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dang-nhap?tiep=")


def test_viewer_cannot_change_anything(site: WebSite, corpus_dir: Path) -> None:
    """GIVEN a viewer's session with a valid CSRF token WHEN it posts every admin action THEN 403, no change."""
    client, token = client_signed_in(site, "canbo")
    pk = site.case_pk(corpus_dir, "020")
    before = site.outcome(pk)
    page = client.get(f"/thu/{pk}").text
    assert "Xử lý của quản trị viên" not in page and "form.correct" not in page
    for path in ACTIONS[:-1]:
        answer = client.post(path.format(pk=pk), data={"csrf": token, "unit": "THPT-YKB", "field": "name",
                                                       "value": "Sửa trái phép"})
        assert answer.status_code == 403, path
        assert "chỉ có quyền xem" in answer.text
    assert site.outcome(pk) == before
    assert "Sửa trái phép" not in client.get(f"/thu/{pk}").text


def test_forms_without_their_token_are_refused(site: WebSite, corpus_dir: Path) -> None:
    client, token = client_signed_in(site, "quantri")
    pk = site.case_pk(corpus_dir, "021")
    before = site.outcome(pk)
    for data in ({}, {"csrf": "forged-" + token[7:]}):
        answer = client.post(f"/thu/{pk}/xu-ly-lai", data=data)
        assert answer.status_code == 403
        assert "Biểu mẫu không hợp lệ" in answer.text
    assert site.outcome(pk) == before
    fresh = httpx.Client(base_url=site.url, follow_redirects=False)
    fresh.get("/dang-nhap")
    refused = fresh.post("/dang-nhap", data={"name": "quantri", "password": PASSWORDS["quantri"]})
    assert refused.status_code == 403
    assert fresh.get("/").status_code == 303  # still signed out


def test_repeated_failed_sign_ins_are_slowed_down(site: WebSite) -> None:
    client = httpx.Client(base_url=site.url, follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text)
    assert token
    codes = [client.post("/dang-nhap", data={"name": "quantri", "password": "sai", "csrf": token.group(1)}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 401]
    answer = client.post("/dang-nhap", data={"name": "quantri", "password": PASSWORDS["quantri"], "csrf": token.group(1)})
    assert answer.status_code == 429 and "Đề nghị chờ" in answer.text


def test_sign_out_ends_the_session(browser: Browser, site: WebSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, site, "canbo")
    page.click("text=Đăng xuất")
    page.goto(site.url + "/tinh-trang")
    assert "/dang-nhap" in page.url
    context.close()


def test_hostile_mail_html_runs_nothing(admin_page: Page, site: WebSite) -> None:
    """GIVEN a mail whose HTML carries <script>, onerror= and javascript: links WHEN staff open it
    THEN its text shows in the sandboxed frame and no script ran, in the page or in the frame."""
    page = admin_page
    page.goto(site.url + "/?tim=" + HOSTILE_SENDER)
    page.click("table.log tbody tr a >> nth=0")
    frame_element = page.locator("iframe.mailbody")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    assert "Xin chao" in frame.locator("body").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    srcdoc = frame_element.get_attribute("srcdoc") or ""
    assert not re.search(r"<script|onerror|onload|javascript:", srcdoc, re.I)
    assert "&lt;script&gt;" in page.content()  # the subject is shown as text, not markup
    policy = page.request.get(page.url).headers["content-security-policy"]
    assert "script-src 'none'" in policy  # and the page itself would refuse any script that slipped by
