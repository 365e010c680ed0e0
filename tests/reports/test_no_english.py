"""No English word reaches a unit or the Sở's staff: every reply to the corpus, the digest, the quarterly
list and the template, read word by word."""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
from datetime import UTC, datetime

from docx import Document
from sqlmodel import Session, select

from reports.digest import build_digest
from reports.digest_mail import digest_mail
from reports.quarterly import report_quarter
from reports.template_docx import template_bytes
from store.models import Evidence, Nominee, Reply
from tests.reports.conftest import Env

# Names we keep as they are, as the Sở's own documents do.
ALLOWED = {"email", "drive", "google", "youtube", "pdf", "word", "excel", "docx", "xlsx", "doc", "xls",
           "zip", "rar", "jpg", "png", "link", "online", "stem", "mbox", "eml", "onedrive", "zalo"}
# What the unit wrote or named is quoted, not ours: addresses, links, file names, references, codes.
QUOTED = re.compile(r"Times New Roman|Unicode|\S+@\S+|https?://\S+|\S+\.(?:docx?|xlsx?|pdf|jpe?g|png|zip|rar)\b|\[?[A-Z]+-\d{4}Q\d-\d+\]?"
                    r"|\"[^\"\n]*\"|“[^”\n]*”", re.I)
# One Vietnamese syllable written without its marks: (initial)(vowels)(final). English words of
# more than one syllable, and most of one, do not fit it.
SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
                      r"(?:uye|uya|oai|oay|uay|uoi|uou|ieu|yeu|[aeiouy]{1,2})"
                      r"(?:ch|ng|nh|[cmnpt])?$", re.I)
WORD = re.compile(r"[^\W\d_]+")


def english_words(text: str) -> set[str]:
    """Words of plain Latin letters that are not a Vietnamese syllable, an acronym or an allowed name."""
    found = set()
    for word in WORD.findall(QUOTED.sub(" ", text)):
        if len(word) < 2 or not word.isascii() or word.isupper() or word.lower() in ALLOWED or SYLLABLE.match(word):
            continue
        found.add(word)
    return found


def _units_own_words(db: Session) -> list[str]:
    """What the units wrote, which replies and lists quote: it may hold English names of their own."""
    quoted: list[str] = []
    for n in db.exec(select(Nominee)):
        for value in (n.name, n.position, n.workplace, n.summary, n.innovations, n.awards):
            quoted.extend(line.strip() for line in (value or "").splitlines() if line.strip())
    quoted.extend(e.filename for e in db.exec(select(Evidence)) if e.filename)
    return sorted(set(quoted), key=len, reverse=True)


def _without(text: str, quoted: list[str]) -> str:
    for piece in quoted:
        text = text.replace(piece, " ")
    return text


def _bodies(raw: bytes) -> list[str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [message["Subject"] or ""]
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            text = part.get_content()
            if part.get_content_type() == "text/html":
                text = html.unescape(re.sub(r"<[^>]+>", " ", text))
            parts.append(text)
    return parts


def test_the_checker_catches_what_leaked_before() -> None:
    assert english_words("Chi tiết kỹ thuật: not a Word package (damaged or truncated)") == {
        "package", "damaged", "or", "truncated"}
    assert english_words("Tệp: password-protected Office document") >= {"password", "protected", "document"}
    assert not english_words("Đơn vị gửi bổ sung minh chứng qua Google Drive, tệp Bang khen.pdf, THPT")


def test_no_english_in_replies_digest_list_and_template(env: Env) -> None:
    """GIVEN every corpus mail answered WHEN every text a person reads is read THEN no English word."""
    with Session(env.engine) as db:
        raws = [r.raw for r in db.exec(select(Reply).where(Reply.kind.in_(("ack", "rejection", "pending"))))]
        quoted = _units_own_words(db)
        digest = digest_mail(build_digest(db, datetime(2024, 6, 20, tzinfo=UTC), env.units, env.ctx),
                             env.ctx, "preview", with_chart=False)
    assert raws
    texts = {f"reply {i}": "\n".join(_bodies(raw)) for i, raw in enumerate(raws)}
    texts["digest"] = digest.text
    docx_path, _ = report_quarter(env.engine, "2024-Q2", env.units, env.ctx, datetime(2024, 6, 21, tzinfo=UTC),
                                  mail=False)
    doc = Document(str(docx_path))
    texts["quarterly list"] = "\n".join([p.text for p in doc.paragraphs]
                                        + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    template = Document(io.BytesIO(template_bytes(env.ctx.reports, env.ctx.replies.sender)))
    texts["template"] = "\n".join(p.text for p in template.paragraphs)
    leaks = {name: words for name, text in texts.items() if (words := english_words(_without(text, quoted)))}
    assert not leaks


def test_no_english_in_council_lists_and_letters(env: Env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a decided review WHEN its four lists and the units' letters are read THEN no English word."""
    from reports.council import write_council_lists
    from intake.letters import announce
    from store.council import ReviewEntry
    from tests.reports.test_council import decided_review

    review = decided_review(env)
    texts: dict[str, str] = {}
    for path in write_council_lists(env.engine, review, env.units, env.ctx.reports, tmp_path, datetime(2024, 9, 1).date()):
        if path.suffix == ".docx":
            doc = Document(str(path))
            texts[path.name] = "\n".join([p.text for p in doc.paragraphs]
                                         + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(path).active
            texts[path.name] = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    with Session(env.engine) as db:
        from domain.council import Decision, Status
        from store import reviews
        from store.council import Exemplar

        thao = db.exec(select(ReviewEntry).join(Exemplar, Exemplar.id == ReviewEntry.exemplar_id).where(
            ReviewEntry.review_id == review, Exemplar.name == "Quách Phương Thảo")).one()
        reviews.decide(db, review, thao.id or 0, Decision(status=Status.selected), "quantri")
        for entry in db.exec(select(ReviewEntry).where(ReviewEntry.review_id == review)):
            announce(db, entry, env.units, env.ctx.replies, datetime(2024, 9, 1, tzinfo=UTC))
        db.commit()
        raws = [r.raw for r in db.exec(select(Reply).where(Reply.kind == "council"))]
        quoted = _units_own_words(db)
    assert len(raws) == 2  # the awarded one and the selected one
    texts.update({f"letter {i}": "\n".join(_bodies(raw)) for i, raw in enumerate(raws)})
    leaks = {name: words for name, text in texts.items() if (words := english_words(_without(text, quoted)))}
    assert not leaks
