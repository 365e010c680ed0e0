"""A revoked grant as the admins and monitoring see it: alerts, /healthz, and the way back."""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta

from fastapi.testclient import TestClient

from intake.tokens import Grant, GrantStore
from store.db import session
from store.models import MailboxHealth
from tests.integration.helpers import make_worker, wait_until
from tests.integration.oauth_rig import *  # noqa: F403 - the rig's fixtures
from tests.integration.oauth_rig import oauth_settings, write_secret
from tests.integration.test_oauth import ADMIN, _alerts, _answers, _mails, _serve
from web.app import create_app
from web.context import WebContext, web_settings


def _row(worker):  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        return db.get(MailboxHealth, 1)


def test_revoked_grant_alerts_shows_on_healthz_and_recovers_after_new_sign_in(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a worker whose grant the provider revoked, and a secret expiring in 10 days
    WHEN it runs THEN /healthz reports the sign-in failure by cause (503), the admins' failure alert
    waits for a way out, and once an operator signs in again the worker recovers by itself and the
    admins get one failure alert, one recovery alert and one expiry warning."""
    idp = oauth_account.idp
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, flow="refresh_token",
                              poll_seconds=5, admins=[ADMIN])
    settings.oauth2.secret_expires = date.today() + timedelta(days=10)
    store = GrantStore(tmp_path / "oauth2" / "grant.json")
    revoked = idp.consent(oauth_account.client_id)
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token=revoked))
    idp.revoke_all()
    worker = make_worker(settings)
    web = TestClient(create_app(WebContext(settings=settings, web=web_settings(settings), engine=worker.engine,
                                           units=worker.units, secret="x" * 32, make_worker=lambda: worker)))
    stop, thread = _serve(worker)
    try:
        assert wait_until(lambda: (row := _row(worker)) is not None and row.signin_alerted, 30)
        answer = web.get("/healthz")
        assert answer.status_code == 503
        assert answer.json()["signin_cause"] == "invalid_grant" and answer.json()["status"] == "degraded"
        assert revoked not in answer.text
        ids = _mails(oauth_account, 2)
        store.save(Grant(provider="generic", flow="refresh_token", refresh_token=idp.consent(oauth_account.client_id)))
        assert wait_until(lambda: len(_alerts(oauth_sink, "signin_up")) == 1, 60), "no recovery"
        assert wait_until(lambda: _answers(oauth_sink) == sorted(ids), 30), "mail not answered after recovery"
        assert wait_until(lambda: len(_alerts(oauth_sink, "secret_expiring")) == 1, 15), "no expiry warning"
    finally:
        stop.set()
        thread.join(timeout=60)
    assert [len(_alerts(oauth_sink, k)) for k in ("signin_down", "signin_up", "secret_expiring")] == [1, 1, 1]
    down = email.message_from_bytes(_alerts(oauth_sink, "signin_down")[0].data, policy=email.policy.default)
    assert "dhtt auth login" in down.get_body(("plain",)).get_content()
    warning = email.message_from_bytes(_alerts(oauth_sink, "secret_expiring")[0].data, policy=email.policy.default)
    assert (date.today() + timedelta(days=10)).strftime("%d/%m/%Y") in warning.get_body(("plain",)).get_content()
    assert web.get("/healthz").status_code == 200
