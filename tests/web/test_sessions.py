"""Sessions that end: a cookie copied before sign-out or a password change is refused afterwards;
the sign-in throttle checks at most the configured number of passwords and caps a stranger's lock."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from store.db import session
from tests.web.conftest import PASSWORDS, FrozenClock, WebSite, client_at, client_signed_in
from web.users import VERIFICATIONS, add_user, find_user, set_password


def add_user_once(site: WebSite, name: str, role: str) -> None:
    """An account of this test's own, so ending its sessions leaves the other tests' accounts alone."""
    with session(site.worker.engine) as db:
        if find_user(db, name) is None:
            add_user(db, name, f"mat-khau-{name}-11", role)


def _replay(site: WebSite, cookie: str) -> httpx.Client:
    """A second browser holding only a copy of the captured cookie."""
    thief = httpx.Client(base_url=site.url, follow_redirects=False)
    thief.cookies.set("dhtt_session", cookie)
    return thief


def _refused(answer: httpx.Response) -> bool:
    return answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap")


def test_cookie_copied_before_sign_out_is_refused_after_it(site: WebSite, corpus_dir: Path) -> None:
    """GIVEN an admin's session cookie copied while signed in WHEN the admin signs out THEN the copy
    opens no page and its admin action (with the session's own CSRF token) changes nothing."""
    add_user_once(site, "thoat", "admin")
    client, token = client_signed_in(site, "thoat", "mat-khau-thoat-11")
    cookie = client.cookies["dhtt_session"]
    pk = site.case_pk(corpus_dir, "021")
    assert _replay(site, cookie).get(f"/thu/{pk}").status_code == 200  # the copy works before
    assert _refused(client.post("/dang-xuat", data={"csrf": token}))
    thief = _replay(site, cookie)
    before = site.outcome(pk)
    for path in ("/", f"/thu/{pk}", f"/thu/{pk}/eml", "/quy/2024-Q2/danh-sach.xlsx", "/tinh-trang"):
        assert _refused(thief.get(path)), path
    assert _refused(thief.post(f"/thu/{pk}/xu-ly-lai", data={"csrf": token}))
    assert site.outcome(pk) == before
    again, _ = client_signed_in(site, "thoat", "mat-khau-thoat-11")  # signing in again still works
    assert again.get("/").status_code == 200


def test_new_password_ends_every_session(site: WebSite) -> None:
    """GIVEN a viewer signed in in two browsers WHEN the operator sets a new password
    (what `dhtt user passwd` does) THEN both sessions end; the new password signs in."""
    add_user_once(site, "doimk", "viewer")
    first, _ = client_signed_in(site, "doimk", "mat-khau-doimk-11")
    second, _ = client_signed_in(site, "doimk", "mat-khau-doimk-11")
    with session(site.worker.engine) as db:
        set_password(db, "doimk", "mat-khau-moi-doimk-22")
    assert _refused(first.get("/")) and _refused(second.get("/"))
    fresh, _ = client_signed_in(site, "doimk", "mat-khau-moi-doimk-22")
    assert fresh.get("/").status_code == 200


def _guess(client: httpx.Client, token: str, name: str, password: str) -> httpx.Response:
    return client.post("/dang-nhap", data={"name": name, "password": password, "csrf": token})


def test_forty_parallel_guesses_check_only_the_configured_number(site: WebSite) -> None:
    """GIVEN max_failed_sign_ins = 4 WHEN 40 wrong passwords for one account arrive at once
    THEN 4 passwords are checked (Argon2 runs 4 times), the other 36 are told to wait."""
    client, token = client_at(site)
    before = VERIFICATIONS.value
    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda i: _guess(client, token, "canbo", f"doan-sai-{i}"), range(40)))
    assert VERIFICATIONS.value - before == site.ctx.web.max_failed_sign_ins == 4
    codes = sorted(a.status_code for a in answers)
    assert codes == [401] * 4 + [429] * 36


def _wait(answer: httpx.Response) -> int:
    found = re.search(r"chờ (\d+) giây", answer.text)
    assert answer.status_code == 429 and found, answer.status_code
    return int(found.group(1))


def test_stranger_guessing_a_name_slows_himself_not_its_owner(site: WebSite, clock: FrozenClock) -> None:
    """GIVEN a stranger at one address who keeps guessing the viewer's password, waiting each time
    as told WHEN the viewer signs in from his own address THEN he waits at most the name's cap
    (max_name_wait_seconds) and gets in, while the stranger is still kept waiting far longer."""
    stranger, s_token = client_at(site, "127.0.0.2")
    failures = 0
    while failures < 10:
        answer = _guess(stranger, s_token, "canbo", "khong-dung-dau")
        if answer.status_code == 429:
            clock.now += _wait(answer)
        else:
            assert answer.status_code == 401
            failures += 1
    owner, o_token = client_at(site, "127.0.0.3")
    owner_wait = _wait(_guess(owner, o_token, "canbo", PASSWORDS["canbo"]))
    assert 0 < owner_wait <= site.ctx.web.max_name_wait_seconds
    clock.now += owner_wait
    assert _guess(owner, o_token, "canbo", PASSWORDS["canbo"]).status_code == 303
    stranger_wait = _wait(_guess(stranger, s_token, "quantri", "doan-tiep"))
    assert stranger_wait > site.ctx.web.max_name_wait_seconds
