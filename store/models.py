"""SQLModel tables: all that dhtt keeps (the intake's records and the web's accounts). Stage models
(pydantic) live in intake/ and parsers/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import moment


class Message(SQLModel, table=True):
    """One delivery of one mail: recorded before anything else is done with it."""

    __table_args__ = (
        UniqueConstraint("folder", "uidvalidity", "uid", name="uq_message_mailbox_uid"),
        # The intake log is read newest first, page after page: one index serves the sort and the cursor.
        Index("ix_message_received_at_id", "received_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True, max_length=64)
    rfc_message_id: str = Field(default="", index=True)  # the Message-ID header
    origin: str = Field(default="imap", max_length=16)
    folder: str = ""
    uidvalidity: int = 0
    uid: int | None = None
    received_at: datetime = moment()
    recorded_at: datetime = moment()
    spool_path: str
    size: int = 0
    sender: str = Field(default="", index=True)
    subject: str = ""
    status: str = Field(default="received", max_length=16)  # received | decided | done
    outcome: str | None = Field(default=None, index=True, max_length=16)
    reasons: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    unit_code: str | None = Field(default=None, index=True)
    quarter: str | None = Field(default=None, index=True, max_length=8)
    late: bool = False
    reply_kind: str = Field(default="none", max_length=16)
    submission_id: int | None = Field(default=None, index=True)  # no FK: submission points back here
    forwarded_by: str | None = None
    failures: int = 0
    last_error: str | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = moment(default=None)
    decided_at: datetime | None = moment(default=None)
    moved: bool = False
    override_unit: str | None = None  # staff attached an unknown sender's mail to this unit
    released: bool = False  # staff released it from quarantine: decide without the check that held it
    auth_results: str | None = None  # the receiving server's Authentication-Results header
    # What reading the mail found (intake.analysis.Analysis as JSON): threads and corrections reuse it
    # instead of parsing the mail again.
    analysis: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Submission(SQLModel, table=True):
    """A conversation with a unit about its nominations; carries the reference number."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=32)
    unit_code: str | None = Field(default=None, index=True)
    quarter: str = Field(index=True, max_length=8)
    status: str = Field(max_length=16)
    sender: str = ""
    first_message_pk: int = Field(foreign_key="message.id")
    created_at: datetime = moment()
    updated_at: datetime = moment()


class Nominee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    unit_code: str | None = Field(default=None, index=True)
    quarter: str | None = Field(default=None, index=True, max_length=8)
    kind: str = Field(max_length=16)
    category: str = Field(max_length=16)
    name: str = Field(index=True)
    name_key: str = Field(default="", index=True)  # folded name, to find resubmissions
    position: str | None = None
    workplace: str | None = None
    school_level: str | None = Field(default=None, max_length=16)
    birth_date: str | None = None
    gender: str | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    innovations: str | None = Field(default=None, sa_column=Column(Text))
    awards: str | None = Field(default=None, sa_column=Column(Text))
    source: str = ""
    active: bool = True  # False once a resubmission replaced it, or its mail was not accepted
    superseded_by: int | None = Field(default=None, foreign_key="nominee.id")
    exemplar_id: int | None = Field(default=None, foreign_key="exemplar.id", index=True)  # store.council


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", index=True)
    filename: str
    content_type: str = ""
    size: int = 0
    sha256: str = Field(max_length=64)
    path: str
    role: str = Field(default="evidence", max_length=16)  # document | evidence | archive | unreadable
    # A signed PDF's signatures as checked (parsers.pdf_signature.SignatureCheck as JSON); None: not signed.
    signature: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    nominee_id: int = Field(foreign_key="nominee.id", index=True)
    filename: str | None = None
    sha256: str | None = Field(default=None, max_length=64)
    url: str | None = None


class Reply(SQLModel, table=True):
    """An outgoing mail, stored whole before it is sent, so a restart resends the same bytes."""

    __table_args__ = (
        # The reply caps count recent mail to an address: the index answers it without reading a
        # row, each of which holds the stored message (migrations 0013_reply_recent, 0014_reply_recipients).
        Index("ix_reply_created_at_recipients", "created_at", "recipients"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int | None = Field(default=None, foreign_key="message.id", index=True)
    rfc_message_id: str = Field(unique=True)
    kind: str = Field(max_length=16)  # ack | rejection | pending | alert | digest
    recipients: str
    subject: str
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default="queued", index=True, max_length=16)  # queued | sending | sent | failed
    attempts: int = 0
    created_at: datetime = moment()
    sent_at: datetime | None = moment(default=None)
    last_error: str | None = None
    claimed_by: str | None = None  # the worker sending it: two workers never send the same reply
    claimed_until: datetime | None = moment(default=None)


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = moment(index=True)
    message_pk: int | None = Field(default=None, foreign_key="message.id", index=True)
    kind: str = Field(max_length=32)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Checkpoint(SQLModel, table=True):
    """Where the mailbox was last read: per folder, its UIDVALIDITY and the highest UID recorded."""

    folder: str = Field(primary_key=True)
    uidvalidity: int
    last_uid: int = 0
    updated_at: datetime = moment()


class Counter(SQLModel, table=True):
    """Per-quarter sequence for reference numbers."""

    name: str = Field(primary_key=True, max_length=32)
    value: int = 0


class MailboxHealth(SQLModel, table=True):
    id: int = Field(default=1, primary_key=True)
    last_ok_at: datetime | None = moment(default=None)
    down_since: datetime | None = moment(default=None)
    down_alerted: bool = False
    mode: str = "polling"  # idle | polling
    signin_down_since: datetime | None = moment(default=None)  # OAuth2 sign-in failing since (migration 0006_signin)
    signin_cause: str | None = None  # SignInFailed.cause
    signin_alerted: bool = False
    secret_warned: str | None = None  # the secret_expires date already announced to the admins


WEB_ROLES = ("viewer", "admin")


class WebUser(SQLModel, table=True):
    """A person who may sign in to the web pages; the password is kept only as an Argon2id hash."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    password_hash: str
    role: str = Field(default="viewer", max_length=16)  # viewer | admin
    active: bool = True
    created_at: datetime = moment()
    last_sign_in_at: datetime | None = moment(default=None)
    # Sessions carry the generation they were opened under; sign-out and a new password raise it, so
    # every cookie issued before stops working at once (the signed cookie itself cannot be recalled).
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


import store.council  # noqa: E402,F401  (the exemplar table the nominee refers to; registered with the rest)
import store.publicity  # noqa: E402,F401  (the publication table, which refers to exemplar and attachment)
