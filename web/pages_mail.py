"""One mail: headers, exemplars, evidence and attachment downloads, the original .eml, replies, history."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session

from intake.filenames import visible_text
from store.models import Attachment, Message, WebUser
from web.deps import Database, RowId, context, viewer
from web.mailview import HEADER_TEXT, event_detail, mail_view
from web.rendering import render

router = APIRouter()


def _message(db: Session, message_pk: int) -> Message:
    message = db.get(Message, message_pk)
    if message is None:
        raise HTTPException(404)
    return message


def _download(path: str, filename: str, media_type: str) -> FileResponse:
    # Always a download, never shown in the page's origin: an attached .html must not run as our site.
    if not Path(path).is_file():
        raise HTTPException(404)
    return FileResponse(path, filename=filename, media_type=media_type, content_disposition_type="attachment")


@router.get("/thu/{message_pk}")
def mail_page(request: Request, message_pk: RowId, db: Database, user: WebUser = Depends(viewer)) -> Response:
    ctx = context(request)
    view = mail_view(db, _message(db, message_pk))
    return render(request, "mail.html", user=user, view=view, unit_name=ctx.unit_name, units=ctx.units.units,
                  event_detail=event_detail, header_text=HEADER_TEXT)


@router.get("/thu/{message_pk}/eml")
def original(message_pk: RowId, db: Database, _user: WebUser = Depends(viewer)) -> Response:
    message = _message(db, message_pk)
    return _download(message.spool_path, f"thu-{message_pk}.eml", "message/rfc822")


@router.get("/thu/{message_pk}/tep/{attachment_pk}")
def attachment(message_pk: RowId, attachment_pk: RowId, db: Database, _user: WebUser = Depends(viewer)) -> Response:
    item = db.get(Attachment, attachment_pk)
    if item is None or item.message_pk != message_pk:
        raise HTTPException(404)
    name = visible_text(item.filename or "").strip() or f"tep-{attachment_pk}"
    return _download(item.path, name, "application/octet-stream")
