"""Bad input gets a 400 or 404 page in Vietnamese, never a server error: huge, malformed or
out-of-range ids, filters, cursors and quarters, on every route of the site."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

from tests.reports.formula_mail import HOSTILE, NS, quote_prefixed, sheets, text_cells
from tests.web.conftest import FORMULA_QUARTER, WebSite, client_signed_in
from web import pages_admin, pages_auth, pages_health, pages_log, pages_mail, pages_quarter

HUGE_ID = "9" * 30
CURSOR = "2024-06-01T00:00:00%2B00:00_"
EXPECTED = [
    ("/?quy=" + "2" * 10_000, 400), ("/?tim=" + "a" * 10_000, 400), ("/?ly_do=" + "z" * 5_000, 400),
    ("/?don_vi=%00", 400), ("/?ket_qua=x%00y", 400),
    ("/?sau=khong-phai", 400), ("/?sau=" + CURSOR + HUGE_ID, 400), ("/?truoc=" + CURSOR + "-5", 400),
    ("/?sau=9999-12-31T23:59:59-23:59_1", 400), ("/?sau=2024-06-01T00:00:00_5", 400),
    ("/?truoc=" + CURSOR + "1" * 5_000, 400),
    ("/thu/abc", 404), ("/thu/-1", 404), ("/thu/0", 404), ("/thu/" + HUGE_ID, 404), ("/thu/2147483648", 404),
    ("/thu/2147483647", 404), ("/thu/1e3", 404), ("/thu/" + HUGE_ID + "/eml", 404),
    ("/thu/1/tep/" + HUGE_ID, 404), ("/thu/1/tep/-7", 404),
    ("/quy/9999-Q4", 404), ("/quy/0000-Q1", 404), ("/quy/2024-Q9", 404), ("/quy/" + "Q" * 10_000, 404),
    ("/quy/9999-Q4/danh-sach.xlsx", 404), ("/quy/2024-Q2/danh-sach.exe", 404),
]
WORDS = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy"}
HOSTILE_IDS = ("abc", "-1", "0", HUGE_ID, "%00", "1.5", "x" * 5_000)
HOSTILE_QUERY = "?quy=%00&tim=" + "%E2%80%AE" * 3_000 + "&sau=-1&truoc=" + HUGE_ID


@pytest.fixture(scope="module")
def admin(site: WebSite) -> tuple[httpx.Client, str]:
    return client_signed_in(site, "quantri")


def _vietnamese_page(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, (answer.request.url, answer.status_code)
    assert answer.headers["content-type"].startswith("text/html")
    assert WORDS[status] in answer.text


@pytest.mark.parametrize(("path", "status"), EXPECTED, ids=[p[:40] for p, _ in EXPECTED])
def test_bad_values_get_the_error_page(admin: tuple[httpx.Client, str], path: str, status: int) -> None:
    client, _ = admin
    _vietnamese_page(client.get(path), status)


def test_admin_actions_on_ids_that_do_not_exist(admin: tuple[httpx.Client, str]) -> None:
    client, token = admin
    for path in (f"/thu/{HUGE_ID}/xu-ly-lai", "/thu/abc/giai-phong", "/thu/-3/gan-don-vi",
                 f"/guong/{HUGE_ID}/sua", "/guong/2147483647/sua"):
        _vietnamese_page(client.post(path, data={"csrf": token, "unit": "THPT-YKB", "field": "name"}), 404)


def test_megabyte_form_values_are_refused_quietly(site: WebSite, admin: tuple[httpx.Client, str]) -> None:
    """A 1 MB correction and a 1 MB name or password at sign-in: refused with the usual answers."""
    client, token = admin
    answer = client.post("/guong/1/sua", data={"csrf": token, "field": "name", "value": "A" * 1_000_000})
    assert answer.status_code == 303
    assert "không hợp lệ" in client.get(answer.headers["location"]).text
    fresh = httpx.Client(base_url=site.url, follow_redirects=False)
    form_token = re.search(r'name="csrf" value="([^"]+)"', fresh.get("/dang-nhap?tiep=/" + "a" * 10_000).text)
    assert form_token
    refused = fresh.post("/dang-nhap", data={"name": "n" * 1_000_000, "password": "p" * 1_000_000,
                                              "csrf": form_token.group(1)})
    assert refused.status_code == 401 and "không đúng" in refused.text


def test_a_megabyte_filter_is_refused_before_the_page(site: WebSite, admin: tuple[httpx.Client, str]) -> None:
    """A 1 MB query string (httpx will not send one, so it goes over a plain socket): 400."""
    client, _ = admin
    host, port = site.url.removeprefix("http://").split(":")
    head = (f"GET /?tim={'a' * 1_000_000} HTTP/1.1\r\nHost: {host}\r\n"
            f"Cookie: dhtt_session={client.cookies['dhtt_session']}\r\nConnection: close\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        try:
            conn.sendall(head.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading the whole line
        status_line = conn.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 4"), status_line


def _routes() -> list[APIRoute]:
    modules = (pages_auth, pages_log, pages_mail, pages_admin, pages_quarter, pages_health)
    return [r for m in modules for r in m.router.routes if isinstance(r, APIRoute) and r.path != "/dang-xuat"]


def test_every_route_with_hostile_parameters_answers_without_a_server_error(
        admin: tuple[httpx.Client, str]) -> None:
    """Each route, each path parameter replaced by junk, junk in the query: never a 5xx."""
    client, token = admin
    tried = 0
    for route in _routes():
        params = re.findall(r"{(\w+)}", route.path)
        values = HOSTILE_IDS if params else ("",)
        for value in values:
            path = re.sub(r"{\w+}", value, route.path) if params else route.path
            for method in route.methods:
                answer = (client.post(path, data={"csrf": token, "field": "x" * 100, "value": "\u202e"})
                          if method == "POST" else client.get(path + HOSTILE_QUERY))
                # /healthz answers 503 on purpose while no worker has read the mailbox lately: a
                # monitoring status, with its JSON, not a server error.
                monitoring = path == "/healthz" and answer.json().get("status") in ("unknown", "stale", "degraded")
                assert answer.status_code < 500 or monitoring, (method, path[:80], answer.status_code)
                tried += 1
    assert tried > 50


def test_quarter_list_downloaded_from_the_web_holds_no_formula(admin: tuple[httpx.Client, str],
                                                               tmp_path: Path) -> None:
    """GIVEN a unit's form of formulas and DDE calls WHEN staff download the quarter's Excel list
    from the quarter page THEN the workbook has no formula and shows each value as typed text."""
    client, _ = admin
    answer = client.get(f"/quy/{FORMULA_QUARTER}/danh-sach.xlsx")
    assert answer.status_code == 200
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(answer.content)
    found, styles = sheets(path)
    assert all(sheet.find(".//x:f", NS) is None for sheet in found)
    cells = text_cells(found[0])
    for value in HOSTILE.values():
        assert value in cells and quote_prefixed(styles, cells[value]), value
