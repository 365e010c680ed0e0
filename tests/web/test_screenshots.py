"""The log, a mail and the quarter page render in the browser; with DHTT_WEB_SCREENSHOTS=docs the
screenshots land in docs/ for the README:

    DHTT_WEB_SCREENSHOTS=docs .venv/bin/pytest tests/web/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import WebSite

TARGET = os.environ.get("DHTT_WEB_SCREENSHOTS")


def test_take_screenshots(admin_page: Page, site: WebSite, corpus_dir: Path, tmp_path: Path) -> None:
    out = Path(TARGET) if TARGET else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page = admin_page
    page.goto(site.url + "/?quy=2024-Q2")
    page.screenshot(path=str(out / "web-nhat-ky.png"))
    page.goto(f"{site.url}/thu/{site.case_pk(corpus_dir, '004')}")
    page.frame_locator("iframe.mailbody").locator("p").first.wait_for()
    # A viewport as tall as the page: headless full-page captures leave sandboxed frames blank.
    page.set_viewport_size({"width": 1360, "height": page.evaluate("document.body.scrollHeight")})
    page.screenshot(path=str(out / "web-thu.png"))
    page.set_viewport_size({"width": 1360, "height": 900})
    page.goto(site.url + "/quy/2024-Q2")
    page.screenshot(path=str(out / "web-quy.png"), full_page=True)
    _council_pages(page, site, out)
    for name in ("web-nhat-ky.png", "web-thu.png", "web-quy.png", "web-xet-chon.png", "web-guong.png"):
        shot = (out / name).read_bytes()
        assert shot.startswith(b"\x89PNG") and len(shot) > 20_000, name  # a real page, not a blank one


def _council_pages(page: Page, site: WebSite, out: Path) -> None:
    """A review of 2024-Q4 with one decision, and the exemplar nominated twice (016, 017)."""
    page.goto(site.url + "/xet-chon")
    page.fill("input[name=title]", "Xét chọn gương điển hình tiên tiến quý IV năm 2024")
    page.fill("input[name=scope]", "2024-Q4")
    page.click("form.filters button")
    expect(page.locator("h1")).to_contain_text("quý IV")
    form = page.locator("form.decide").nth(0)
    form.locator("select[name=status]").select_option("not_selected")
    form.locator("input[name=reason]").fill("Thành tích chưa nổi bật so với các gương khác trong quý")
    form.locator("button").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi kết quả")
    page.goto(page.url.split("#")[0])
    page.screenshot(path=str(out / "web-xet-chon.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 1300},
                    full_page=True)
    page.click("text=Ngô Đức Sơn")
    expect(page.locator("h1")).to_have_text("Ngô Đức Sơn")
    page.screenshot(path=str(out / "web-guong.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 1300},
                    full_page=True)
