"""Errors of the intake edges, translated from imapclient and smtplib at the boundary."""


class IntakeError(Exception):
    """Base of every intake failure."""


class MailboxUnavailable(IntakeError):
    """The IMAP server cannot be reached or dropped the connection: retried with backoff."""


class MailboxLoginFailed(IntakeError):
    """The IMAP server refused our credentials: an administrator must fix the configuration."""


class OutboxUnavailable(IntakeError):
    """The SMTP relay cannot be reached: replies stay queued and are sent later."""


class ReplyRefused(IntakeError):
    """The SMTP relay refused a reply for good (e.g. every recipient rejected)."""


class ImportFailed(IntakeError):
    """A file given to `dhtt import` could not be read."""


class ReadingStopped(IntakeError):
    """Reading one mail overran the reader's time or memory and the reader was replaced; the mail is
    quarantined at once. `detail` says so in Vietnamese, for staff."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
