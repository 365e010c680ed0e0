"""Reading a mail within bounds: header values cut before decoding, files past the limit counted but
never kept, nesting and size capped, each budget's words in Vietnamese."""

from __future__ import annotations

from domain.wording.reasons import document_too_complex
from intake.analysis import AnalysisLimits, analyse
from intake.message import MessageLimits, bound_headers, parse_headers, parse_message
from tests.hostiledocs import SCHOOL, encoded_words, mail, many_attachments, raw_with_subject, rfc822_nest
from tests.hostiledocs import many_paragraphs_docx

SMALL = MessageLimits(max_header_bytes=2048, max_header_fields=10)


def test_each_header_field_is_cut_and_fields_past_the_limit_dropped() -> None:
    fields = "".join(f"X-Filler-{i}: {i}\r\n" for i in range(50))
    data = raw_with_subject("<a@x>", encoded_words(100_000)).replace(b"MIME-Version", fields.encode() + b"MIME-Version")
    bounded = bound_headers(data, SMALL)
    head, _, body = bounded.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\n") if line and not line[:1].isspace()]
    assert len(lines) == 10 and len(head) < 10 * 2048
    assert body.strip() == "Kính gửi Sở.".encode()


def test_small_headers_are_left_byte_for_byte() -> None:
    data = mail("<b@x>", subject="Phiếu đăng ký").as_bytes()
    assert bound_headers(data, MessageLimits()) is data


def test_a_huge_encoded_word_subject_is_decoded_from_its_first_bytes_only() -> None:
    message_id, sender, subject = parse_headers(raw_with_subject("<c@x>", encoded_words(2_000_000)), SMALL)
    assert (message_id, sender) == ("<c@x>", SCHOOL)
    assert subject.startswith("Phiếu đề xuất gương điển hình") and len(subject) < 2048


def test_files_past_the_limit_are_counted_not_kept() -> None:
    parsed = parse_message(many_attachments("<d@x>", 500), MessageLimits(max_parts=50))
    assert parsed.parts == 500 and len(parsed.attachments) == 50


def test_nesting_is_read_down_to_the_depth_limit() -> None:
    parsed = parse_message(rfc822_nest("<e@x>", 300), MessageLimits(max_depth=5))
    depth = 0
    while parsed.forwarded:
        parsed, depth = parsed.forwarded[0], depth + 1
    assert depth == 6 and "NestingTooDeep" in parsed.defects


def test_a_mail_over_the_size_limit_is_read_from_its_headers_alone() -> None:
    data = mail("<f@x>", files=[("a.bin", b"x" * 200_000)]).as_bytes()
    parsed = parse_message(data, MessageLimits(max_message_bytes=100_000))
    assert parsed.sender == SCHOOL and parsed.size == len(data) and parsed.attachments == []


def test_a_docx_of_countless_paragraphs_is_unreadable_with_a_vietnamese_detail() -> None:
    msg = parse_message(mail("<g@x>", files=[("phieu.docx", many_paragraphs_docx(200_000))]).as_bytes())
    [reason] = [r for r in analyse(msg, AnalysisLimits()).reasons if r.where == "phieu.docx"]
    assert reason.code == "unreadable_attachment"
    assert reason.detail == document_too_complex(50_000) and "50.000" in reason.detail
