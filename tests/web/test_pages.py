"""The pages in a real browser: sign in, filter and search the log, open a mail, download it, the quarter."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import EXTRA_MAILS, WebSite


def test_log_lists_every_mail_with_vietnamese_words(admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    """GIVEN the corpus recorded WHEN the log opens THEN each mail is a row, outcomes and reasons in words."""
    page = admin_page
    expect(page.locator("h1")).to_have_text("Nhật ký tiếp nhận")
    rows = page.locator("table.log tbody tr")
    expect(rows).to_have_count(len(list((corpus_dir / "emails").glob("*.eml"))) + EXTRA_MAILS)
    expect(page.locator("table.log")).to_contain_text("Đã tiếp nhận")
    expect(page.locator("table.log")).to_contain_text("Thư trả lời tự động")
    expect(page.locator("table.log")).not_to_contain_text("auto_reply")


def test_filter_by_outcome_and_search_by_exemplar(admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    """WHEN filtering by outcome, then searching a name without diacritics THEN only matching mails remain."""
    page = admin_page
    page.select_option("select[name=ket_qua]", "needs_review")
    page.click("form.filters button[type=submit]")
    expect(page.locator("table.log tbody")).to_contain_text("Chờ cán bộ xác minh")
    for badge in page.locator("table.log tbody td .badge").all_inner_texts():
        assert badge in ("Chờ cán bộ xác minh", "Muộn")
    page.goto(site.url + "/")
    page.fill("input[name=tim]", "tran hong dung")
    page.click("form.filters button[type=submit]")
    rows = page.locator("table.log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("gmail.com")


def test_filter_by_reason_and_unit(admin_page: Page, site: WebSite) -> None:
    page = admin_page
    page.goto(site.url + "/?ly_do=late")
    texts = page.locator("table.log tbody tr").all_inner_texts()
    assert texts and all("Nộp muộn" in t for t in texts)
    page.goto(site.url + "/?don_vi=THPT-BM")
    expect(page.locator("table.log tbody tr")).to_have_count(1)


def test_one_mail_shows_exemplars_files_reply_history_and_downloads_eml(
        admin_page: Page, site: WebSite, corpus_dir: Path) -> None:
    """WHEN a mail is opened from the log THEN its exemplars, evidence, reply and events show; the .eml downloads."""
    page = admin_page
    pk = site.case_pk(corpus_dir, "001")
    page.goto(site.url + "/")
    page.click(f"a[href='/thu/{pk}'] >> nth=0")
    page.wait_for_url(f"{site.url}/thu/{pk}")
    expect(page.locator("h2", has_text="Gương điển hình")).to_be_visible()
    expect(page.locator("article.nominee").first).to_contain_text("Tóm tắt thành tích")
    expect(page.locator("article.reply")).to_contain_text("Thư xác nhận tiếp nhận")
    expect(page.locator("table.events")).to_contain_text("Ghi nhận thư vào hệ thống")
    expect(page.locator("table.kv")).to_contain_text("Mã định danh thư")
    with page.expect_download() as info:
        page.click("text=Tải thư gốc (.eml)")
    saved = Path(info.value.path())
    original = next((corpus_dir / "emails").glob("001-*.eml")).read_bytes()
    assert saved.read_bytes() == original
    evidence = page.locator("article.nominee a[download]").first
    with page.expect_download() as info:
        evidence.click()
    assert Path(info.value.path()).stat().st_size > 0


def test_quarter_page_puts_silent_units_first_with_reports(admin_page: Page, site: WebSite) -> None:
    page = admin_page
    page.click("text=Tổng hợp theo quý")
    expect(page.locator("h1")).to_contain_text("Tổng hợp Quý")
    first = page.locator("table.quota tbody tr").first
    expect(first).to_have_class("silent")
    expect(page.locator("table.quota")).to_contain_text("Mầm non")
    expect(page.locator("svg.chart")).to_be_visible()
    with page.expect_download() as info:
        page.click("text=Tải danh sách (Excel)")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def test_health_page_and_json(admin_page: Page, site: WebSite) -> None:
    page = admin_page
    page.click("text=Tình trạng hệ thống")
    expect(page.locator("dl.health")).to_contain_text("Thư đang cách ly")
    answer = page.request.get(site.url + "/healthz")
    body = answer.json()
    assert {"status", "mailbox", "outbox_backlog", "quarantined", "last_read_at", "mode"} - set(body) == {"mailbox"}
