"""Robots are recognised by their headers: one case per reason code."""

from __future__ import annotations

import pytest

from domain.codes import ReasonCode
from intake.message import parse_message
from intake.screening import ScreenSettings, screen

SETTINGS = ScreenSettings(own_addresses=["phongcntt.soninhbinh@moet.edu.vn"])


def mail(headers: str, sender: str = "c3test@ninhbinh.edu.vn") -> bytes:
    return (f"From: Truong <{sender}>\r\nTo: phongcntt.soninhbinh@moet.edu.vn\r\nSubject: x\r\n"
            f"Message-ID: <a@b>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\nNội dung\r\n").encode()


@pytest.mark.parametrize(("headers", "sender", "code"), [
    ("Auto-Submitted: auto-replied\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.auto_reply),
    ("Auto-Submitted: auto-generated\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.auto_reply),
    ("X-Autoreply: yes\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.auto_reply),
    ("", "MAILER-DAEMON@mx.example.vn", ReasonCode.bounce),
    ("Return-Path: <>\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.bounce),
    ("", "PhongCNTT.SoNinhBinh@moet.edu.vn", ReasonCode.own_address),
    ("List-Id: <gv.lists.example.vn>\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.mailing_list),
    ("Precedence: bulk\r\n", "c3test@ninhbinh.edu.vn", ReasonCode.mailing_list),
])
def test_robot_mail_is_screened(headers: str, sender: str, code: ReasonCode) -> None:
    reasons = screen(parse_message(mail(headers, sender)), SETTINGS)
    assert code in [r.code for r in reasons]


def test_a_person_passes() -> None:
    assert screen(parse_message(mail("Auto-Submitted: no\r\n")), SETTINGS) == []


def test_delivery_report_is_a_bounce() -> None:
    data = (b"From: Mail Delivery System <mailer@mx.example.vn>\r\nSubject: Undelivered\r\n"
            b"Message-ID: <d@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
            b"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
            b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n\r\n--b--\r\n")
    assert [r.code for r in screen(parse_message(data), SETTINGS)] == [ReasonCode.bounce]
