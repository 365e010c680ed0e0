"""What reading made of each attached file is stored with it, so staff see the form apart from its evidence."""

from __future__ import annotations

import random

from sqlmodel import select

from store.db import session
from store.models import Attachment
from tests.integration.test_hostile import SCHOOL, WHEN, _feed, _worker
from tests.mailgen import nomination_mail


def test_the_form_is_stored_as_the_document_and_the_photo_as_evidence(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    data = nomination_mail(1, SCHOOL, "Trường THPT chuyên Lương Văn Tụy", WHEN, random.Random(1))
    worker = _worker(tmp_path, smtp_sink)
    message = _feed(worker, data)
    assert message.outcome == "accepted"
    with session(worker.engine) as db:
        rows = db.exec(select(Attachment).where(Attachment.message_pk == message.id)).all()
        roles = {row.filename.rsplit(".", 1)[1]: row.role for row in rows}
    assert roles == {"docx": "document", "jpg": "evidence"}
