"""The mail page of hostile mails: a huge encoded-word header and a 300-deep message/rfc822 nest are
shown within the intake's reading bounds, as a page, never a 500."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from domain.mail import RawMessage
from store.db import session
from tests.hostiledocs import encoded_words, raw_with_subject, rfc822_nest
from tests.integration.helpers import make_settings, make_worker
from tests.servers import SmtpSink
from tests.web.conftest import PASSWORDS, WebSite, client_signed_in, served
from web.users import add_user

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """GIVEN a store of its own holding only the two hostile mails, served on loopback."""
    tmp = tmp_path_factory.mktemp("web-limits")
    with SmtpSink() as sink:
        worker = make_worker(make_settings(_NoImap(), sink, f"sqlite:///{tmp / 'dhtt.sqlite'}", tmp,
                                           reader_processes=0))
        worker.import_messages([RawMessage(data=data, received_at=WHEN, origin="import") for data in (
            rfc822_nest("<nest@attacker.example>", 300),
            raw_with_subject("<subject@attacker.example>", encoded_words(30_000_000)))])
        with session(worker.engine) as db:
            add_user(db, "quantri", PASSWORDS["quantri"], "admin")
        with served(worker, sink) as site:
            yield site


def test_a_300_deep_rfc822_nest_shows_its_page(hostile_site: WebSite) -> None:
    client, _ = client_signed_in(hostile_site, "quantri")
    answer = client.get(f"/thu/{hostile_site.message_pk('<nest@attacker.example>')}")
    assert answer.status_code == 200
    assert "Fwd 299" in answer.text


def test_a_30_mb_encoded_word_subject_shows_its_page_at_once(hostile_site: WebSite) -> None:
    client, _ = client_signed_in(hostile_site, "quantri")
    pk = hostile_site.message_pk("<subject@attacker.example>")
    started = time.monotonic()
    answers = [client.get(f"/thu/{pk}") for _ in range(3)]  # decoded within bounds on every view
    assert time.monotonic() - started < 15
    assert all(a.status_code == 200 for a in answers)
    assert "Phiếu đề xuất gương điển hình" in answers[-1].text


def test_the_hostile_mails_were_decided(hostile_site: WebSite) -> None:
    for rfc_id in ("<nest@attacker.example>", "<subject@attacker.example>"):
        assert hostile_site.outcome(hostile_site.message_pk(rfc_id)) is not None
