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


class SignInFailed(MailboxLoginFailed):
    """IMAP or SMTP sign-in failed, or no access token could be had; `cause` says what to fix.

    A MailboxLoginFailed, so code that handled a refused password handles this too. str() is English
    and never holds a token or a secret: the providers' error descriptions are kept, tokens are not.
    """

    CAUSES = ("password_refused", "password_not_offered", "token_refused", "invalid_client", "secret_expired",
              "invalid_grant", "consent_required", "tenant_not_found", "mailbox_permission",
              "smtp_auth_disabled", "provider_unreachable", "not_signed_in", "config")

    def __init__(self, cause: str, detail: str = "") -> None:
        assert cause in self.CAUSES, cause
        self.cause = cause
        self.detail = detail
        super().__init__(f"sign-in failed ({cause}){': ' + detail if detail else ''}")
class ReadingStopped(IntakeError):
    """Reading one mail overran the reader's time or memory and the reader was replaced; the mail is
    quarantined at once. `detail` says so in Vietnamese, for staff."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
