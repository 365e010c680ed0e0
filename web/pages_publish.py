"""The publicity section (issue 10, point 4): staff approve the text and photo of each selected
exemplar, withdraw a publication, and publish the site ("Xuất bản" runs what `dhtt publish` runs).
Viewers see; only admins change."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from domain.wording import publicity as wording
from reports.publish import MAX_PHOTO_BYTES, publish, publish_problem
from reports.site import SiteFolderError
from reports.site.photos import PhotoError, reencode
from store import publications
from store.council import Exemplar
from store.models import WebUser
from store.publications import EmptyText, PrivateDataInText, PublicationRefused
from web.deps import Database, RowId, admin_form, context, viewer
from web.rendering import flash, render

router = APIRouter()
log = logging.getLogger(__name__)
THUMBNAIL_SIDE = 320
MAX_FORM_TEXT = publications.MAX_TEXT


def _exemplar(db: Session, exemplar_id: int) -> Exemplar:
    row = db.get(Exemplar, exemplar_id)
    if row is None or exemplar_id not in publications.publishable_ids(db):
        raise HTTPException(404)
    return row


def site_folder(request: Request) -> Path:
    settings = context(request).settings
    return settings.path(settings.reports.site_dir)


@router.get("/cong-bo")
def publish_list(request: Request, db: Database, user: WebUser = Depends(viewer)) -> Response:
    rows = publications.publishable(db)
    return render(request, "publish_list.html", user=user, rows=rows, folder=site_folder(request),
                  unit_name=context(request).unit_name, state_text=wording.STATE_TEXT)


@router.get("/cong-bo/{exemplar_id}")
def publish_form(request: Request, exemplar_id: RowId, db: Database, user: WebUser = Depends(viewer)) -> Response:
    return _form(request, db, _exemplar(db, exemplar_id), user)


def _form(request: Request, db: Session, exemplar: Exemplar, user: WebUser, text: str | None = None,
          photo: int | None = None) -> Response:
    exemplar_id = exemplar.id or 0
    publication = publications.get(db, exemplar_id)
    if text is None:
        text = publication.text if publication and publication.text else publications.prefilled_text(db, exemplar_id)
        photo = publication.photo_attachment_id if publication else None
    return render(request, "publish_form.html", user=user, exemplar=exemplar, publication=publication, text=text,
                  chosen=photo, photos=publications.photo_choices(db, exemplar_id),
                  unit_name=context(request).unit_name, nominations=publications.nominations(db, exemplar_id))


@router.get("/cong-bo/{exemplar_id}/anh/{attachment_id}")
def thumbnail(exemplar_id: RowId, attachment_id: RowId, db: Database, _user: WebUser = Depends(viewer)) -> Response:
    """A small re-encoded copy of one of the exemplar's images, to choose the photo by sight."""
    item = next((a for a in publications.photo_choices(db, exemplar_id) if a.id == attachment_id), None)
    if item is None:
        raise HTTPException(404)
    try:
        if Path(item.path).stat().st_size > MAX_PHOTO_BYTES:
            raise HTTPException(404)
        data = reencode(Path(item.path).read_bytes(), THUMBNAIL_SIDE)
    except (OSError, PhotoError):
        raise HTTPException(404) from None
    return Response(data, media_type="image/jpeg")


@router.post("/cong-bo/{exemplar_id}/duyet")
def approve(request: Request, exemplar_id: RowId, db: Database, text: str = Form(""), photo: str = Form(""),
            user: WebUser = Depends(admin_form)) -> Response:
    exemplar = _exemplar(db, exemplar_id)
    target = f"/cong-bo/{exemplar_id}"
    if len(text) > MAX_FORM_TEXT or (photo and not photo.isdigit()):
        flash(request, wording.BAD_FORM, "error")
        return RedirectResponse(target, status_code=303)
    try:
        publications.approve(db, exemplar_id, text, int(photo) if photo else None, user.name)
    except PrivateDataInText as err:
        # The form again with what staff typed, so their editing is not lost.
        flash(request, wording.private_in_text(err.traces), "error")
        return _form(request, db, exemplar, user, text=text, photo=int(photo) if photo else None)
    except EmptyText:
        flash(request, wording.EMPTY_TEXT, "error")
        return RedirectResponse(target, status_code=303)
    except PublicationRefused as err:
        log.warning("approval of exemplar %s refused: %s", exemplar_id, err)
        flash(request, wording.FOREIGN_PHOTO, "error")
        return RedirectResponse(target, status_code=303)
    flash(request, wording.APPROVED.format(name=exemplar.name))
    return RedirectResponse(target, status_code=303)


@router.post("/cong-bo/{exemplar_id}/thu-hoi")
def withdraw(request: Request, exemplar_id: RowId, db: Database, user: WebUser = Depends(admin_form)) -> Response:
    exemplar = _exemplar(db, exemplar_id)
    try:
        publications.withdraw(db, exemplar_id, user.name)
    except PublicationRefused:
        flash(request, wording.NOT_APPROVED, "error")
    else:
        flash(request, wording.WITHDRAWN.format(name=exemplar.name))
    return RedirectResponse(f"/cong-bo/{exemplar_id}", status_code=303)


@router.post("/cong-bo/xuat-ban")
def publish_site(request: Request, _user: WebUser = Depends(admin_form)) -> Response:
    ctx = context(request)
    folder = site_folder(request)
    try:
        done = publish(ctx.engine, ctx.units, folder, ctx.settings.reports.site_url)
    except (SiteFolderError, OSError) as err:
        log.warning("publishing to %s failed: %s", folder, err)
        flash(request, wording.NOT_PUBLISHED.format(folder=folder, problem=publish_problem(err)) + ".", "error")
    else:
        flash(request, wording.PUBLISHED.format(count=done.count, folder=done.folder) + ".")
    return RedirectResponse("/cong-bo", status_code=303)
