"""The web pages served on loopback over a store filled by the real pipeline from the shared corpus,
driven by Debian's Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page
from sqlmodel import select

from domain.mail import RawMessage
from intake.received import receipt_time
from intake.worker import Worker
from store.db import session
from store.models import Message
from tests.integration.helpers import make_settings, make_worker, test_received
from tests.reports.formula_mail import hostile_mail
from tests.servers import SmtpSink, free_port
from web.app import create_app
from web.config import WebSettings
from web.context import WebContext
from web.throttle import SignInThrottle
from web.users import add_user

PASSWORDS = {"quantri": "mat-khau-quan-tri-1", "canbo": "mat-khau-can-bo-22"}
HOSTILE_SENDER = "ke.la@example.org"

# A mail whose HTML tries every way to run script in the page that shows it.
HOSTILE = f"""From: Nguoi La <{HOSTILE_SENDER}>
To: phongcntt.soninhbinh@moet.edu.vn
Subject: <script>window.__pwned = "subject"</script> Ho so
Date: Mon, 17 Jun 2024 09:00:00 +0700
Message-ID: <hostile-1@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p id="greeting">Xin chao</p><script>window.__pwned = "script"; parent.__pwned = "parent"</script>
<img src="x" onerror="window.__pwned = 'onerror'; parent.__pwned = 'onerror'">
<svg onload="window.__pwned = 'svg'"></svg><a href="javascript:window.__pwned='link'">bam vao day</a>
<iframe src="javascript:parent.__pwned='frame'"></iframe>
""".replace("\n", "\r\n").encode()


BIDI_SENDER = "pgd.yenmo@ninhbinh.edu.vn"
# A file name with a right-to-left override: shown raw it would read "hosoexe.docx".
BIDI_NAME = "hoso\u202excod.exe"


def bidi_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Phong GDDT Yen Mo <{BIDI_SENDER}>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Ho so minh chung"
    msg["Date"] = "Mon, 17 Jun 2024 10:00:00 +0700"
    msg["Message-ID"] = "<bidi-1@ninhbinh.edu.vn>"
    msg.set_content("Kinh gui So, don vi gui tep minh chung.")
    msg.add_attachment(b"MZ not really a program", maintype="application", subtype="octet-stream",
                       filename=BIDI_NAME + "\u200b\ufeff")
    # A form that cannot be read: the answer to the unit names it.
    msg.add_attachment(b"not a zip", maintype="application", filename="phieu\u2067xcod\u2069.docx",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg.as_bytes()


# A form of formulas and DDE calls, in a quarter no other test reads (its Excel list is downloaded).
FORMULA_QUARTER, FORMULA_SENT = "2023-Q4", datetime(2023, 12, 18, 2, 0, tzinfo=UTC)
FORMULA_MAIL = hostile_mail("c3nhoquana@ninhbinh.edu.vn", FORMULA_SENT, "<formula-web@ninhbinh.edu.vn>", "IV")
EXTRA_MAILS = 3  # HOSTILE, bidi_mail() and FORMULA_MAIL, imported with the corpus


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


@dataclass
class WebSite:
    url: str
    worker: Worker
    sink: SmtpSink
    ctx: WebContext

    def message_pk(self, rfc_message_id: str) -> int:
        with session(self.worker.engine) as db:
            found = db.exec(select(Message.id).where(Message.rfc_message_id == rfc_message_id)).first()
        assert found is not None, rfc_message_id
        return found

    def case_pk(self, corpus_dir: Path, case: str) -> int:
        data = next((corpus_dir / "emails").glob(f"{case}-*.eml")).read_bytes()
        match = re.search(rb"^Message-ID:\s*(<[^>]+>)", data, re.M | re.I)
        assert match
        return self.message_pk(match.group(1).decode())

    def outcome(self, message_pk: int) -> str | None:
        with session(self.worker.engine) as db:
            row = db.get(Message, message_pk)
            return row.outcome if row else None


def _raw(data: bytes) -> RawMessage:
    # The corpus's own receipt time, as the IMAP server would give it; Received:/Date: otherwise.
    moment = test_received(data) or receipt_time(data, datetime.now(UTC))
    return RawMessage(data=data, received_at=moment, origin="import")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[WebSite]:
    """GIVEN every corpus mail (and one hostile HTML mail) through the real pipeline, served on loopback."""
    tmp = tmp_path_factory.mktemp("web")
    sink = SmtpSink()
    sink.start()
    worker = make_worker(make_settings(_NoImap(), sink, f"sqlite:///{tmp / 'dhtt.sqlite'}", tmp))
    files = sorted((corpus_dir / "emails").glob("*.eml"))
    worker.import_messages([_raw(p.read_bytes()) for p in files] + [_raw(HOSTILE), _raw(bidi_mail()),
                                                                 _raw(FORMULA_MAIL)])
    with session(worker.engine) as db:
        add_user(db, "quantri", PASSWORDS["quantri"], "admin")
        add_user(db, "canbo", PASSWORDS["canbo"], "viewer")
    from web.context import web_settings

    # Not the default (3): the throttle tests show the configured number is the one applied.
    web = web_settings(worker.settings).model_copy(update={"max_failed_sign_ins": 4})
    with served(worker, sink, web) as site:
        yield site
    sink.stop()


@contextmanager
def served(worker: Worker, sink: SmtpSink, web: WebSettings | None = None) -> Iterator[WebSite]:
    """The web pages of `worker`'s store, served on loopback; the worker is closed after."""
    from web.context import web_settings

    ctx = WebContext(settings=worker.settings, web=web or web_settings(worker.settings), engine=worker.engine,
                     units=worker.units, secret="test-secret-" + "x" * 32, make_worker=lambda: worker)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "web server did not start"
        time.sleep(0.02)
    try:
        yield WebSite(f"http://127.0.0.1:{port}", worker, sink, ctx)
    finally:
        server.should_exit = True
        thread.join(5)
        worker.close()  # its reader processes must not outlive the tests


class FrozenClock:
    """The throttle's clock, moved only by the test: waits are checked without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(site: WebSite) -> FrozenClock:
    # Every test signs in from 127.0.0.1: one test's failures must not slow the next one down.
    frozen = FrozenClock()
    site.ctx.throttle = SignInThrottle.for_settings(site.ctx.web, clock=frozen)
    return frozen


def sign_in(page: Page, site: WebSite, name: str) -> None:
    page.goto(site.url + "/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(site.url + "/")


@pytest.fixture
def admin_page(browser: Browser, site: WebSite) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="vi-VN", viewport={"width": 1360, "height": 900})
    page = context.new_page()
    sign_in(page, site, "quantri")
    yield page
    context.close()


def client_at(site: WebSite, address: str = "127.0.0.1") -> tuple[httpx.Client, str]:
    """An HTTP client connecting from this loopback address, with the sign-in form's CSRF token."""
    client = httpx.Client(base_url=site.url, follow_redirects=False,
                          transport=httpx.HTTPTransport(local_address=address))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text)
    assert token
    return client, token.group(1)


def client_signed_in(site: WebSite, name: str, password: str | None = None) -> tuple[httpx.Client, str]:
    """An HTTP client with a session of this account, and the session's CSRF token."""
    client, form_token = client_at(site)
    answer = client.post("/dang-nhap", data={"name": name, "password": password or PASSWORDS[name],
                                             "csrf": form_token})
    assert answer.status_code == 303, answer.text
    page = client.get("/").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    return client, token.group(1)
