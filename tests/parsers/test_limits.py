"""Hostile documents are read within their budget: dense ruling lines, countless paragraphs."""

from __future__ import annotations

import pytest

from intake.budget import time_budget
from parsers.errors import DocumentTooComplex
from parsers.models import DocumentInput
from parsers.registry import parse_document
from tests.hostiledocs import many_paragraphs_docx, ruled_pdf


def test_pdf_pages_of_dense_ruling_lines_are_read_as_text_within_the_document_budget() -> None:
    """GIVEN ten pages each covered by a grid of ~17,000 line crossings (a minute of table finding)
    THEN the text is read within the default per-document budget of 20 s."""
    data = ruled_pdf(10, 5)
    with time_budget(20):  # raises Overrun (a BaseException) past it: the test fails
        doc = parse_document(DocumentInput(filename="luoi.pdf", content_type="application/pdf", data=data))
    assert doc is not None and "Phieu de xuat guong dien hinh" in doc.text


def test_a_docx_of_a_million_and_a_half_paragraphs_is_refused_within_the_budget() -> None:
    data = many_paragraphs_docx(1_500_000)
    with time_budget(20), pytest.raises(DocumentTooComplex):
        parse_document(DocumentInput(filename="phieu.docx", data=data))
