"""File names are shown as they are: no right-to-left override or invisible character reorders or
hides any part of them, in the mail page, its download, or the answer to the unit."""

from __future__ import annotations

import email
import email.policy

from sqlmodel import select

from store.db import session
from store.models import Attachment
from tests.web.conftest import BIDI_NAME, BIDI_SENDER, WebSite, client_signed_in

INVISIBLE = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200e", "\u200f", "\u061c", "\u200b", "\ufeff")


def _attachment(site: WebSite) -> Attachment:
    with session(site.worker.engine) as db:
        pk = site.message_pk("<bidi-1@ninhbinh.edu.vn>")
        return db.exec(select(Attachment).where(Attachment.message_pk == pk, Attachment.content_type ==
                                                "application/octet-stream")).one()


def _visible(text: str) -> bool:
    return not any(c in text for c in INVISIBLE)


def test_override_in_a_file_name_is_removed_on_the_way_in(site: WebSite) -> None:
    """GIVEN a mail whose attachment is "hoso<RLO>xcod.exe<ZWSP><BOM>" WHEN it is recorded
    THEN the name kept, shown on the mail page and given to the download is "hosoxcod.exe"."""
    item = _attachment(site)
    assert item.filename == "hosoxcod.exe"
    client, _ = client_signed_in(site, "canbo")
    page = client.get(f"/thu/{item.message_pk}").text
    assert "hosoxcod.exe" in page and _visible(page)
    download = client.get(f"/thu/{item.message_pk}/tep/{item.id}")
    assert "hosoxcod.exe" in download.headers["content-disposition"]
    mails = [email.message_from_bytes(m.data, policy=email.policy.default) for m in site.sink.messages
             if BIDI_SENDER in [r.lower() for r in m.rcpt_tos]]
    answers = [m for m in mails if m["In-Reply-To"] == "<bidi-1@ninhbinh.edu.vn>"]
    assert len(answers) == 1
    for part in ("plain", "html"):
        text = answers[0].get_body((part,)).get_content()  # type: ignore[union-attr]
        assert "phieuxcod.docx" in text and _visible(text), part


def test_names_kept_before_the_cleaning_are_cleaned_when_shown(site: WebSite) -> None:
    """GIVEN a name recorded with its override (before names were cleaned on the way in)
    WHEN staff open the mail or download the file THEN the override is not there."""
    item = _attachment(site)
    with session(site.worker.engine) as db:
        row = db.get(Attachment, item.id)
        assert row is not None
        row.filename = BIDI_NAME + "\u2066.docx\u2069"
        db.add(row)
    try:
        client, _ = client_signed_in(site, "canbo")
        page = client.get(f"/thu/{item.message_pk}").text
        assert "hosoxcod.exe.docx" in page and _visible(page)
        download = client.get(f"/thu/{item.message_pk}/tep/{item.id}")
        assert "hosoxcod.exe.docx" in download.headers["content-disposition"]
    finally:
        with session(site.worker.engine) as db:
            row = db.get(Attachment, item.id)
            assert row is not None
            row.filename = item.filename
            db.add(row)
