"""`dhtt publish` and the web's "Xuất bản" button: the publishable rows of the store, as a site, in its folder.

The one place that reads the store and the photo files for the site; reports/site/ stays pure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from domain.codes import Category
from domain.units import UnitDirectory
from domain.wording.council import award_text
from domain.wording.publicity import PROBLEM_TEXT, PublishProblem
from reports.site import Site, SiteExemplar, SiteFolderError, SitePhoto, build_site, write_site
from store import publications
from store.db import session
from store.publications import Award, PublishedRow

log = logging.getLogger(__name__)
MAX_PHOTO_BYTES = 30 * 1024 * 1024  # a bigger file is not read: the page goes out without its photo


@dataclass(frozen=True)
class Published:
    folder: Path
    count: int


def publish(engine: Engine, units: UnitDirectory, out: Path, base_url: str = "") -> Published:
    """Rebuild the site in `out` from the approved publications; returns how many exemplars it shows."""
    with session(engine) as db:
        rows = publications.published(db)
    site = Site(exemplars=[site_exemplar(row, units) for row in rows], base_url=_with_slash(base_url))
    write_site(build_site(site), out)
    log.info("published %d exemplars to %s", len(rows), out)
    return Published(folder=out, count=len(rows))


def site_exemplar(row: PublishedRow, units: UnitDirectory) -> SiteExemplar:
    unit = units.by_code(row.unit_code)
    return SiteExemplar(
        key=f"exemplar-{row.exemplar_id}", name=row.name, position=row.position, workplace=row.workplace,
        unit_name=unit.name if unit else row.workplace or "Đơn vị khác", category=Category(row.category), quarters=row.quarters,
        text=row.text, photo=_photo(row.photo_path), awards=[award_line(a) for a in row.awards],
        published_at=row.approved_at)


def award_line(award: Award) -> str:
    """'Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (Quyết định số 15/QĐ-UBND ngày 10/01/2025)'."""
    text = award_text(award.form, award.level)
    decided = []
    if award.decision_number:
        decided.append(f"Quyết định số {award.decision_number}")
    if award.decision_date:
        decided.append(f"ngày {award.decision_date:%d/%m/%Y}")
    return f"{text} ({' '.join(decided)})" if decided else text


def _photo(path: str | None) -> SitePhoto | None:
    if not path:
        return None
    file = Path(path)
    try:
        if file.stat().st_size > MAX_PHOTO_BYTES:
            log.warning("photo %s too large, published without it", path)
            return None
        return SitePhoto(data=file.read_bytes())
    except OSError as err:
        log.warning("photo %s unreadable, published without it: %s", path, err)
        return None


def _with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"



def publish_problem(err: Exception) -> str:
    """Why the site's folder could not be written, in words the operator reads."""
    if isinstance(err, SiteFolderError):
        return PROBLEM_TEXT[PublishProblem.not_ours]
    if isinstance(err, PermissionError):
        return PROBLEM_TEXT[PublishProblem.permission]
    return PROBLEM_TEXT[PublishProblem.filesystem]
