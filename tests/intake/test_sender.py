"""Who a mail speaks for, and who gets an answer: the From header, our server's Authentication-Results,
forwards by Sở offices, backscatter and reply loops, decided as a pure function on mails built here."""

from __future__ import annotations

import email
import email.policy
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from domain.authentication import Verdict
from domain.codes import Outcome, ReasonCode, ReplyKind
from domain.decision import Decision
from domain.wording.reasons import MALFORMED_FROM
from intake.analysis import Reading
from intake.authentication import authenticate, parse_auth_results, trusted_results
from intake.message import parse_message
from intake.models import InboundMessage
from intake.outgoing import ReplySettings
from intake.pipeline import PipelineSettings, decide
from intake.prefetch import read_mail
from intake.replies import build_reply
from intake.screening import ScreenSettings
from store.units import load_units
from tests.mailgen import forward_mail, nomination_mail, restamp

UNITS = load_units(None)
WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
SCHOOL = "c3chuyenlvt@ninhbinh.edu.vn"
OFFICE = "chuyenvien.gdtrh@ninhbinh.edu.vn"  # a Sở office (phong_thuoc_so)
KIM_SON_B = "c3kimsonb@ninhbinh.edu.vn"
SETTINGS = PipelineSettings(screen=ScreenSettings(own_addresses=["phongcntt.soninhbinh@moet.edu.vn"]))
REPLIES = ReplySettings(sender="phongcntt.soninhbinh@moet.edu.vn", sender_name="Sở Giáo dục và Đào tạo Ninh Bình",
                        message_id_domain=SETTINGS.message_id_domain)
OURS = "mx.moet.edu.vn"


@dataclass
class History:
    """The store's answers; `sent` records the replies decided so far, as the outbox would."""

    sent: list[str] = field(default_factory=list)

    def duplicate_of(self, msg: InboundMessage) -> None:
        return None

    def thread_of(self, msg: InboundMessage) -> None:
        return None

    def active_nominees(self, unit_code: str, quarter: str) -> list:  # type: ignore[type-arg]
        return []

    def replies_last_hour(self, address: str) -> int:
        return self.sent.count(address)

    def replies_last_day(self, address: str) -> int:
        return self.sent.count(address)


def nomination(sender: str = SCHOOL, index: int = 1, school: str = "Trường THPT chuyên Lương Văn Tụy") -> bytes:
    return nomination_mail(index, sender, school, WHEN, random.Random(index))


def read(msg: InboundMessage, settings: PipelineSettings = SETTINGS) -> Reading:
    """What the reader hands the decision: the mail, unwrapped by our server's verdict, and read."""
    return read_mail(msg, UNITS, settings.limits, settings.authserv_ids)


def decided(data: bytes, history: History | None = None, settings: PipelineSettings = SETTINGS) -> Decision:
    return decide(read(parse_message(data), settings), WHEN, UNITS, history or History(), settings)


def ar(results: str, authserv_id: str | None = OURS) -> str:
    return f"Authentication-Results: {authserv_id}; {results}" if authserv_id else f"Authentication-Results: {results}"


# -- the From header: exactly one well-formed address, or an unknown sender -----------------------------
@pytest.mark.parametrize("from_header", [
    f"{SCHOOL}, evil@attacker.example",  # two addresses
    f"{SCHOOL} <evil@attacker.example>",  # the unit's address as an unquoted display name
    f"{SCHOOL})<evil@attacker.example>",  # a stray parenthesis
    f"Trường: {SCHOOL};",  # group syntax
    f"Trường: {SCHOOL}, evil@attacker.example;",
    "",  # empty
    f"<{SCHOOL}> <evil@attacker.example>",
    f"{SCHOOL}@attacker.example",  # two @
    f"Trường <{SCHOOL}> evil@attacker.example",  # text after the address
    f"Trường ((nested)) <{SCHOOL}>",
])
def test_a_malformed_or_multi_address_from_is_an_unknown_sender_and_gets_no_reply(from_header: str) -> None:
    decision = decided(restamp(nomination(), from_header=from_header))
    assert (decision.outcome, decision.unit_code, decision.reply) == (Outcome.needs_review, None, ReplyKind.none)
    assert [r.detail for r in decision.reasons if r.code == ReasonCode.unknown_sender] == [MALFORMED_FROM]


@pytest.mark.parametrize("from_header", [
    SCHOOL, f"<{SCHOOL}>", f'"Trường THPT chuyên Lương Văn Tụy" <{SCHOOL}>', f"Trường THPT chuyên <{SCHOOL}>",
    f"=?utf-8?b?VHLGsOG7nW5n?= <{SCHOOL.upper()}>", f'"{SCHOOL}" <{SCHOOL}>',
])
def test_one_well_formed_address_is_the_unit(from_header: str) -> None:
    decision = decided(restamp(nomination(), from_header=from_header))
    assert (decision.outcome, decision.unit_code, decision.reply) == (Outcome.accepted, "THPT-LVT", ReplyKind.ack)


def test_two_from_headers_are_an_unknown_sender() -> None:
    data = restamp(nomination(), above=["From: evil@attacker.example"])
    assert parse_message(data).sender == ""
    assert decided(data).reply == ReplyKind.none


def test_a_quoted_unit_address_as_display_name_is_the_real_address_behind_it() -> None:
    decision = decided(restamp(nomination(), from_header=f'"{SCHOOL}" <evil@attacker.example>'))
    assert decision.unit_code is None and decision.sender == "evil@attacker.example"


# -- our server's Authentication-Results, and only ours ------------------------------------------------
FROM_DOMAIN = "header.from=ninhbinh.edu.vn"


@pytest.mark.parametrize(("headers", "verdict"), [
    ([], Verdict.absent),
    ([ar(f"dmarc=pass {FROM_DOMAIN}")], Verdict.passed),
    ([ar(f"spf=pass smtp.mailfrom=bounce@ninhbinh.edu.vn; dmarc=none {FROM_DOMAIN}")], Verdict.passed),
    ([ar(f"spf=none; dkim=pass header.d=ninhbinh.edu.vn; dmarc=none {FROM_DOMAIN}")], Verdict.passed),
    # Exchange Online writes no authserv-id at all
    ([ar(f"spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=ninhbinh.edu.vn; dkim=none (message not signed) "
         f"header.d=none;dmarc=pass action=none {FROM_DOMAIN};compauth=pass reason=100", None)], Verdict.passed),
    ([ar(f"spf=pass smtp.mailfrom=noreply@attacker.example; dkim=none; dmarc=fail (p=QUARANTINE) {FROM_DOMAIN}")],
     Verdict.failed),
    ([ar(f"dmarc=quarantine {FROM_DOMAIN}")], Verdict.failed),
    ([ar(f"dmarc=reject {FROM_DOMAIN}")], Verdict.failed),
    ([ar(f"spf=fail smtp.mailfrom=ninhbinh.edu.vn; dmarc=none {FROM_DOMAIN}")], Verdict.failed),
    ([ar(f"spf=fail smtp.mailfrom=ninhbinh.edu.vn; dkim=pass header.d=attacker.example; dmarc=none")],
     Verdict.failed),
    ([ar(f"spf=pass smtp.mailfrom=noreply@attacker.example; dmarc=none {FROM_DOMAIN}")], Verdict.unverified),
    ([ar(f"spf=softfail smtp.mailfrom=ninhbinh.edu.vn; dmarc=none {FROM_DOMAIN}")], Verdict.unverified),
    ([ar("dmarc=pass header.from=attacker.example")], Verdict.unverified),  # our server read another From
    # a header lower down came with the mail: only the topmost, which our server added, counts
    ([ar(f"spf=fail smtp.mailfrom=ninhbinh.edu.vn; dmarc=none {FROM_DOMAIN}"), ar(f"dmarc=pass {FROM_DOMAIN}")],
     Verdict.failed),
    ([ar(f"dmarc=fail {FROM_DOMAIN}"), ar(f"dmarc=pass {FROM_DOMAIN}")], Verdict.failed),
    ([ar(f"dmarc=pass {FROM_DOMAIN}"), ar(f"dmarc=fail {FROM_DOMAIN}")], Verdict.passed),
])
def test_only_the_topmost_authentication_results_counts(headers: list[str], verdict: Verdict) -> None:
    msg = parse_message(restamp(nomination(), above=headers))
    assert authenticate(msg.sender, trusted_results(msg.auth_results, [])).verdict == verdict
    decision = decide(read(msg), WHEN, UNITS, History(), SETTINGS)
    if verdict in (Verdict.passed, Verdict.absent):
        assert (decision.outcome, decision.unit_code, decision.reply) == (Outcome.accepted, "THPT-LVT", ReplyKind.ack)
        return
    assert (decision.outcome, decision.unit_code) == (Outcome.needs_review, None)
    [reason] = [r for r in decision.reasons if r.code == ReasonCode.unknown_sender]
    assert "ninhbinh.edu.vn" in reason.detail and "Máy chủ nhận thư của Sở" in reason.detail
    # No backscatter: a failed sender gets nothing; one merely unverified gets the fixed pending letter.
    assert decision.reply == (ReplyKind.none if verdict == Verdict.failed else ReplyKind.pending)


@pytest.mark.parametrize(("headers", "unit"), [
    # ours (topmost carrying our id) failed; a forged pass with our id lower down changes nothing
    ([ar(f"dmarc=fail {FROM_DOMAIN}"), ar(f"dmarc=pass {FROM_DOMAIN}")], None),
    # a relay of ours on top with another id is skipped; our MX's verdict counts
    ([ar(f"dmarc=pass {FROM_DOMAIN}", "relay.internal"), ar(f"spf=fail; dmarc=none {FROM_DOMAIN}")], None),
    ([ar(f"dmarc=fail {FROM_DOMAIN}", "relay.internal"), ar(f"dmarc=pass {FROM_DOMAIN}", "MX.MOET.EDU.VN")],
     "THPT-LVT"),
    # a sender's own header with another id never counts: no verdict of ours is "absent"
    ([ar(f"dmarc=pass {FROM_DOMAIN}", "mx.attacker.example")], "THPT-LVT"),
    ([ar(f"dmarc=fail {FROM_DOMAIN}", "mx.attacker.example")], "THPT-LVT"),
])
def test_with_authserv_id_configured_only_headers_carrying_it_count(headers: list[str], unit: str | None) -> None:
    settings = SETTINGS.model_copy(update={"authserv_ids": [OURS, "backup.moet.edu.vn"]})
    decision = decided(restamp(nomination(), above=headers), settings=settings)
    assert decision.unit_code == unit


def test_the_parser_reads_comments_quotes_and_versions() -> None:
    parsed = parse_auth_results('mx.moet.edu.vn 1; spf=pass (a; "b" (nested)) smtp.mailfrom="x@a.vn";\n\t'
                                'dkim/1 = pass header.d=A.VN (ok); dmarc=pass header.from=a.vn')
    assert parsed.authserv_id == "mx.moet.edu.vn"
    assert [(r.method, r.result) for r in parsed.results] == [("spf", "pass"), ("dkim", "pass"), ("dmarc", "pass")]
    assert parsed.results[0].properties == {"smtp.mailfrom": "x@a.vn"}
    assert parsed.results[1].properties == {"header.d": "a.vn"}
    assert parse_auth_results("mx.moet.edu.vn; none").results == []


# -- forwards by a Sở office --------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "unit", "reply"), [
    ([], "THPT-KSB", ReplyKind.ack),  # our server recorded no verdict: the office is taken at its word
    ([ar("dmarc=pass header.from=ninhbinh.edu.vn")], "THPT-KSB", ReplyKind.ack),
    ([ar("spf=pass smtp.mailfrom=attacker.example; dmarc=fail header.from=ninhbinh.edu.vn")], None, ReplyKind.none),
    # unverified: the office's own mail (no nomination in it) waits for staff, unanswered
    ([ar("spf=pass smtp.mailfrom=attacker.example; dmarc=none header.from=ninhbinh.edu.vn")], None,
     ReplyKind.none),
])
def test_a_forward_is_the_inner_units_only_when_the_offices_own_mail_is_vouched_for(
        headers: list[str], unit: str | None, reply: ReplyKind) -> None:
    inner = nomination(KIM_SON_B, school="Trường THPT Kim Sơn B")
    decision = decided(restamp(forward_mail(OFFICE, inner, WHEN), above=headers))
    assert (decision.unit_code, decision.reply) == (unit, reply)
    assert decision.forwarded_by == (OFFICE if unit else None)


def test_a_school_forwarding_another_schools_mail_speaks_only_for_itself() -> None:
    inner = nomination(KIM_SON_B, school="Trường THPT Kim Sơn B")
    decision = decided(forward_mail(SCHOOL, inner, WHEN))
    assert decision.unit_code == "THPT-LVT" and decision.forwarded_by is None


# -- backscatter: what a stranger's mail may make us send -------------------------------------------------
SPAM_SUBJECT = "KHUYẾN MÃI LỚN http://spam.example/offer truy cập ngay"
SPAM_NAME = "Mua Thuốc Giá Rẻ"


def _stranger_mail(headers: list[str]) -> bytes:
    data = nomination("khuyenmai@spam.example", school="Trường http://spam.example/school")
    return restamp(data, above=headers, subject=SPAM_SUBJECT,
                   from_header=f'"{SPAM_NAME} www.spam.example" <khuyenmai@spam.example>')


def _text_of(data: bytes) -> str:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    parts = [str(parsed["Subject"]), str(parsed["To"])]
    parts += [str(p.get_content()) for p in parsed.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


def test_a_stranger_who_failed_authentication_gets_no_reply_at_all() -> None:
    headers = [ar("spf=fail smtp.mailfrom=spam.example; dmarc=none header.from=spam.example")]
    decision = decided(_stranger_mail(headers))
    assert (decision.outcome, decision.reply) == (Outcome.needs_review, ReplyKind.none)
    assert decision.nominations  # staff still see what it would record


def test_a_stranger_who_did_not_fail_gets_our_fixed_pending_letter_quoting_nothing_of_theirs() -> None:
    for headers in ([], [ar("spf=pass smtp.mailfrom=spam.example; dmarc=pass header.from=spam.example")]):
        data = _stranger_mail(headers)
        original = parse_message(data)
        decision = decided(data)
        assert decision.reply == ReplyKind.pending and decision.nominations
        reply = build_reply(decision, original, key="9.abc", reference="DHTT-2024Q2-0009", unit_name=None,
                            quota=None, settings=REPLIES)
        assert reply is not None and reply.subject == "[DHTT-2024Q2-0009] Đã nhận, chờ xác minh"
        raw = reply.to_bytes(REPLIES, WHEN)
        shown = _text_of(raw)
        for theirs in ("spam.example/", "www.spam", "KHUYẾN MÃI", SPAM_NAME, decision.nominations[0].name,
                       "Phiếu đăng ký", "ảnh minh chứng", "drive.google.com", "Giải Nhất"):
            assert theirs not in shown and theirs.encode() not in raw, theirs
        assert "chờ cán bộ Sở xác minh" in shown


# -- loops: every reply to an address counts, whatever the threading headers say ---------------------------
def test_a_robot_answering_with_our_reference_but_no_threading_headers_is_capped() -> None:
    """GIVEN a robot that answers each of our replies with "Re: [DHTT-2024Q2-0001] …" and no
    In-Reply-To/References WHEN it sends 11 mails in an hour THEN it gets at most the hourly cap."""
    history = History()
    for n in range(11):
        data = restamp(nomination(index=n), subject=f"Re: [DHTT-2024Q2-0001] Đã tiếp nhận hồ sơ (lần {n})")
        decision = decided(data, history)
        if decision.reply != ReplyKind.none:
            history.sent.append(decision.sender)
        else:
            assert decision.has(ReasonCode.auto_reply)
    assert len(history.sent) == SETTINGS.max_replies_per_hour


def test_a_unit_sending_separate_nominations_is_answered_each_time_up_to_the_daily_cap() -> None:
    history = History()
    for n in range(12):  # more than the hourly cap, in one hour, none of them answering us
        decision = decided(nomination(index=n), history)
        assert decision.reply == ReplyKind.ack
        history.sent.append(decision.sender)
    history.sent += [SCHOOL] * (SETTINGS.max_replies_per_day - len(history.sent))
    capped = decided(nomination(index=99), history)
    assert capped.outcome == Outcome.accepted and capped.reply == ReplyKind.none
    assert "mỗi ngày" in next(r.detail for r in capped.reasons if r.code == ReasonCode.auto_reply)
