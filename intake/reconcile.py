"""`dhtt reconcile`: every mail the mailbox holds is either recorded or listed here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlmodel import select

from intake.message import parse_headers
from intake.spool import sha256_hex
from intake.worker import Worker
from store.db import session
from store.models import Message


class Unaccounted(BaseModel):
    folder: str
    uid: int | None
    received_at: datetime
    sender: str
    subject: str


class ReconcileReport(BaseModel):
    checked: int = 0
    missing: list[Unaccounted] = Field(default_factory=list)
    undecided: list[int] = Field(default_factory=list)  # recorded, not yet decided

    @property
    def complete(self) -> bool:
        return not self.missing and not self.undecided

    def lines(self, tz: ZoneInfo) -> list[str]:
        """The report for staff, times in the Sở's time zone like the intake log."""
        out = [f"Đã đối chiếu {self.checked} thư trong hộp thư."]
        for item in self.missing:
            out.append(f"CHƯA GHI NHẬN: {item.folder} UID {item.uid} {item.received_at.astimezone(tz):%d/%m/%Y %H:%M} "
                       f"{item.sender} — {item.subject}")
        if self.undecided:
            out.append(f"Đã ghi nhận nhưng chưa xử lý: {len(self.undecided)} thư (mã {self.undecided[:20]}).")
        out.append("Mọi thư đều đã được ghi nhận." if self.complete else "Có thư chưa được ghi nhận đầy đủ.")
        return out


def reconcile_mailbox(worker: Worker) -> ReconcileReport:
    """Compare the inbox and our folders with the recorded messages, by content hash."""
    imap = worker.settings.imap
    with session(worker.engine) as db:
        recorded = {m.sha256: m for m in db.exec(select(Message))}
    report = ReconcileReport(undecided=sorted(m.id or 0 for m in recorded.values() if m.status == "received"))
    with worker.open_mailbox() as mailbox:
        for folder in (imap.inbox, imap.processed_folder, imap.quarantine_folder):
            for raw in mailbox.read_folder(folder):
                report.checked += 1
                if sha256_hex(raw.data) in recorded:
                    continue
                _, sender, subject = parse_headers(raw.data)  # the bounded header block only
                report.missing.append(Unaccounted(folder=folder, uid=raw.uid, received_at=raw.received_at,
                                                  sender=sender, subject=subject))
    return report
