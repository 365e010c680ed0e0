"""The real test servers behave the way the integration tests rely on."""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from imapclient import IMAPClient

from tests.conftest import ImapAccount
from tests.servers import Dovecot, PostgresCluster, SmtpSink

VIETNAM = timezone(timedelta(hours=7))
SUBJECT = "Đề nghị tuyên dương gương điển hình tiên tiến"


def _mail(subject: str = SUBJECT) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Trường THCS Yên Mô <thcs@example.test>"
    msg["To"] = "dhtt@example.test"
    msg["Subject"] = subject
    msg.set_content("Kính gửi Sở GDĐT Ninh Bình.\n")
    return msg.as_bytes()


def _connect(account: ImapAccount) -> IMAPClient:
    client = IMAPClient(account.host, account.port, ssl=False, timeout=10)
    client.normalise_times = False  # keep INTERNALDATE's own offset
    client.login(account.user, account.password)
    return client


def test_append_keeps_internaldate_and_content(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    sent_at = datetime(2024, 3, 8, 16, 45, 12, tzinfo=VIETNAM)
    uid = dovecot.append(imap_account.user, imap_account.password, "INBOX", _mail(), sent_at)

    with _connect(imap_account) as client:
        client.select_folder("INBOX")
        fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"])[uid]

    assert fetched[b"INTERNALDATE"] == sent_at
    # Dovecot serves CRLF whatever it stored: compare the parsed mail, not bytes.
    assert email.message_from_bytes(fetched[b"BODY[]"], policy=email.policy.default)["Subject"] == SUBJECT
    assert b"\\Seen" not in fetched[b"FLAGS"]


def test_idle_reports_an_append_from_another_connection(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    with _connect(imap_account) as watcher:
        watcher.select_folder("INBOX")
        watcher.idle()
        dovecot.append(imap_account.user, imap_account.password, "INBOX", _mail())
        responses = watcher.idle_check(timeout=5)
        watcher.idle_done()

    assert (1, b"EXISTS") in responses


def test_tls_listener_serves_the_self_signed_certificate(imap_account: ImapAccount) -> None:
    assert imap_account.ssl_port and imap_account.cafile
    context = ssl.create_default_context(cafile=str(imap_account.cafile))
    with IMAPClient(imap_account.host, imap_account.ssl_port, ssl_context=context, timeout=10) as client:
        client.login(imap_account.user, imap_account.password)
        assert b"IDLE" in client.capabilities()


def test_uidvalidity_survives_restart(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    account = (imap_account.user, imap_account.password)
    uid = dovecot.append(*account, "INBOX", _mail())
    before = dovecot.folder_uids(*account, "INBOX")

    dovecot.restart()

    assert dovecot.folder_uids(*account, "INBOX") == before
    assert before[1] == [uid]


def test_recreated_folder_gets_new_uidvalidity(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    account = (imap_account.user, imap_account.password)
    dovecot.append(*account, "Nominations", _mail())
    first_validity, _ = dovecot.folder_uids(*account, "Nominations")

    dovecot.delete_folder(*account, "Nominations")
    uid = dovecot.append(*account, "Nominations", _mail())

    validity, uids = dovecot.folder_uids(*account, "Nominations")
    assert validity != first_validity
    assert uids == [uid]


def test_folders_nest_and_keep_vietnamese_names(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    account = (imap_account.user, imap_account.password)
    nested = f"DHTT{dovecot.separator}Processed"
    for folder in (nested, "Đã xử lý"):
        dovecot.append(*account, folder, _mail())

    with _connect(imap_account) as client:
        listed = {name: delimiter for _, delimiter, name in client.list_folders()}

    assert listed[nested] == dovecot.separator.encode()
    assert "Đã xử lý" in listed


def test_users_do_not_see_each_other(dovecot: Dovecot, imap_account: ImapAccount) -> None:
    dovecot.add_user("neighbour@test.invalid", "pw")
    dovecot.append("neighbour@test.invalid", "pw", "INBOX", _mail())

    assert dovecot.folder_uids(imap_account.user, imap_account.password, "INBOX")[1] == []


def test_smtp_sink_receives_utf8_mail(smtp_sink: SmtpSink) -> None:
    sender, recipient = "phòng.tccb@example.test", "trường.thcs@example.test"
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as client:
        client.sendmail(sender, [recipient], _mail(), mail_options=["SMTPUTF8"])

    (message,) = smtp_sink.wait_for(1, timeout=5)

    assert (message.mail_from, message.rcpt_tos) == (sender, [recipient])
    assert email.message_from_bytes(message.data, policy=email.policy.default)["Subject"] == SUBJECT


def test_smtp_sink_spools_messages_as_eml(tmp_path: Path) -> None:
    with SmtpSink(spool_dir=tmp_path) as sink, smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
        client.sendmail("dhtt@example.test", ["thcs@example.test"], _mail())
        sink.wait_for(1)

    (spooled,) = tmp_path.glob("*.eml")
    assert email.message_from_bytes(spooled.read_bytes(), policy=email.policy.default)["Subject"] == SUBJECT


def test_postgres_cluster_stores_rows(pg_cluster: PostgresCluster) -> None:
    engine = sa.create_engine(pg_cluster.create_database("servers_check"))
    table = sa.Table(
        "unit", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text)
    )
    try:
        with engine.begin() as conn:
            table.create(conn)
            conn.execute(table.insert(), [{"name": "Trường THCS Yên Mô"}])
        with engine.connect() as conn:
            assert conn.execute(sa.select(table.c.name)).scalars().all() == ["Trường THCS Yên Mô"]
    finally:
        engine.dispose()


def test_database_url_is_an_empty_writable_database(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert sa.inspect(conn).get_table_names() == []
            conn.execute(sa.text("CREATE TABLE probe (name TEXT)"))
            conn.execute(sa.text("INSERT INTO probe VALUES ('Ninh Bình')"))
    finally:
        engine.dispose()
