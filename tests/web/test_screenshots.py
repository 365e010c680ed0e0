"""The log, a mail and the quarter page render in the browser; with DHTT_WEB_SCREENSHOTS=docs the
screenshots land in docs/ for the README:

    DHTT_WEB_SCREENSHOTS=docs .venv/bin/pytest tests/web/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

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
    for name in ("web-nhat-ky.png", "web-thu.png", "web-quy.png"):
        shot = (out / name).read_bytes()
        assert shot.startswith(b"\x89PNG") and len(shot) > 20_000, name  # a real page, not a blank one
