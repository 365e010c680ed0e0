"""The shared corpus mails, read by the parsers and checked against the expected files."""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest

from parsers.body import parse_body
from parsers.models import DocumentInput, NominationDraft, ParsedDocument
from parsers.registry import parse_document
from parsers.vntext import collapse_ws, nfc

from tests.conftest import CORPUS_DIR as CORPUS


PARTS = (CORPUS, CORPUS / "next")  # cases 001-029, then 030-041


def _message(case: str) -> EmailMessage:
    (path,) = [p for part in PARTS for p in sorted((part / "emails").glob(f"{case}-*.eml"))]
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _expected(case: str) -> dict[str, Any]:
    (path,) = [p for part in PARTS for p in sorted((part / "expected").glob(f"{case}-*.json"))]
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _documents(case: str) -> list[ParsedDocument]:
    """Every attachment (nested forwarded mails included) that parses as a document."""
    found = []
    for part in _message(case).walk():
        data = part.get_payload(decode=True)
        if part.get_filename() and isinstance(data, bytes):
            doc = DocumentInput(filename=part.get_filename() or "", data=data,
                                content_type=part.get_content_type())
            parsed = parse_document(doc)
            if parsed is not None:
                found.append(parsed)
    return found


def _body(case: str) -> ParsedDocument | None:
    msg = _message(case)
    texts: dict[str, str] = {}
    for part in msg.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html") and not part.get_filename():
            texts.setdefault(kind, str(part.get_content()))  # type: ignore[attr-defined]
    return parse_body(texts.get("text/plain"), texts.get("text/html"))


def _norm(text: str | None) -> str:
    return collapse_ws(nfc(text or ""))


def _check(drafts: list[NominationDraft], expected: dict[str, Any]) -> None:
    by_name = {_norm(d.name): d for d in drafts}
    assert len(drafts) == len(expected["nominees"])
    for want in expected["nominees"]:
        draft = by_name[_norm(want["name"])]
        assert (draft.kind, draft.category) == (want["kind"], want["category"])
        assert draft.school_level == want["school_level"]
        if want["workplace_contains"]:
            assert want["workplace_contains"] in _norm(draft.workplace)
        for phrase in want["summary_contains"]:
            assert phrase in _norm(draft.summary)


# The typed documents of both parts (the scans are read by OCR in tests/parsers/test_ocr.py, and
# winmail.dat is opened by the mail reader, not here).
@pytest.mark.parametrize("case", ["001", "002", "004", "005", "010", "013", "016", "017", "018",
                                  "032", "033", "034", "035", "036", "037", "039"])
def test_corpus_documents(case: str) -> None:
    expected = _expected(case)
    docs = [d for d in _documents(case) if d.nominations]
    assert len(docs) == 1
    _check(docs[0].nominations, expected)
    assert docs[0].quarter == expected["quarter"]


def test_corpus_links_attach_to_their_nominee() -> None:
    (doc,) = [d for d in _documents("002") if d.nominations]
    assert all(len(d.links) == 1 for d in doc.nominations)


def test_corpus_missing_summary_form() -> None:
    (doc,) = [d for d in _documents("021") if d.nominations]
    (draft,) = doc.nominations
    assert draft.name and draft.category == "nha_giao" and draft.summary is None
    assert draft.links


@pytest.mark.parametrize("case", ["007", "011", "012"])
def test_corpus_bodies(case: str) -> None:
    expected = _expected(case)
    parsed = _body(case)
    assert parsed is not None
    _check(parsed.nominations, expected)
    links = sum(len(d.links) for d in parsed.nominations) + len(parsed.links)
    assert links >= expected["nominees"][0]["evidence_min"]
    assert parsed.quarter in (None, expected["quarter"])


@pytest.mark.parametrize("case", ["013", "015", "020", "040"])
def test_corpus_cover_notes_have_no_nomination(case: str) -> None:
    assert _body(case) is None
