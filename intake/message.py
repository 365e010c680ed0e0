"""Raw bytes → InboundMessage: decoded headers, bodies, attachments, forwarded mails, all bounded.

Every header value is cut to a limit before it is decoded (RFC 2047 decoding is quadratic in the
stdlib), nesting is cut at a depth, and file parts past a count are only counted, never kept.
"""

from __future__ import annotations

import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import logging
import re
import unicodedata
from datetime import datetime
from email.message import Message as EmailMessage
from typing import Any

from pydantic import BaseModel

from intake.authentication import MAX_HEADER
from intake.charsets import decode_bytes
from intake.filenames import clean_filename
from intake.models import Attachment, InboundMessage
from intake.smime import claims_signed, is_signature, is_smime, signed_content, smime_type
from intake.spool import sha256_hex
from parsers.tnef import expand_tnef, is_tnef

log = logging.getLogger(__name__)

_MSGID = re.compile(r"<[^<>\s]+>")
# An address people and servers agree on: dot-atom local part, a host name with at least one dot.
_ADDR_SPEC = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                        r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
_QUOTED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MAX_FROM = 2048  # characters of a From header; a longer one is not a person's mail client
_MAX_AUTH_RESULTS = 32  # Authentication-Results headers kept; ours is the topmost
_SCREEN_HEADERS = (
    "auto-submitted", "x-autoreply", "x-autorespond", "precedence", "list-id", "list-unsubscribe",
    "return-path", "authentication-results", "x-failed-recipients", "in-reply-to", "references",
    "content-type", "content-class",
)


def _raw_text(data: bytes, hint: str | None = None) -> str:
    """Raw 8-bit header bytes (RFC 6532 or an old client's own charset): UTF-8 when valid, else the
    mail's declared charset `hint` (its top-level Content-Type), else the usual guesses."""
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data, hint)


def _unmangle(text: str, hint: str | None = None) -> str:
    """Undo the surrogate escapes that raw 8-bit header bytes get in the compat32 policy."""
    return _raw_text(text.encode("utf-8", "surrogateescape"), hint)


def _header_str(value: Any, hint: str | None = None) -> str:
    """A header as text; raw 8-bit bytes (an 'unknown-8bit' Header) are read as `_raw_text` does."""
    if isinstance(value, email.header.Header):
        pieces = []
        for chunk, charset in email.header.decode_header(value):
            if isinstance(chunk, bytes):
                known = charset and charset not in ("unknown-8bit", "us-ascii")
                chunk = decode_bytes(chunk, charset) if known else _raw_text(chunk, hint)
            pieces.append(chunk)
        return "".join(pieces)
    return _unmangle(str(value), hint)


def _encoded_words(text: str) -> str:
    """RFC 2047 encoded words decoded, each run by the charset chain of `decode_bytes` (the stdlib's
    make_header decodes strictly by the declared name and fails on Outlook's gb2312 or ks_c_5601)."""
    try:
        chunks = email.header.decode_header(text)
    except (email.errors.HeaderParseError, ValueError, IndexError):
        return text
    pieces = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(chunk)
        elif charset is None:  # unencoded text between words, given back as raw-unicode-escape bytes
            pieces.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            pieces.append(decode_bytes(chunk, charset.partition("*")[0]))  # RFC 2231 "utf-8*vi"
    return "".join(pieces)


UNREADABLE_BODY = "UnreadableBody"  # a defect: the MIME tree could not be parsed, headers only
SMIME_ENCRYPTED = "SmimeEncrypted"  # a defect: the mail (or a part of it) is S/MIME-encrypted
REPORT_PART = "ReportPart"  # a defect prefix: a receipt's, abuse report's or bounce's machine part
_REPORT_PARTS = frozenset({"message/delivery-status", "message/disposition-notification",
                           "message/feedback-report", "message/global-delivery-status",
                           "message/global-disposition-notification"})

HEADER_LIMIT = 16 * 1024  # bytes of one header value kept for decoding, when no limit is given


def decode_header_text(value: Any, limit: int = HEADER_LIMIT, hint: str | None = None) -> str:
    """Any header value (RFC 2047, raw 8-bit, plain) → NFC text on one line, from its first
    `limit` characters only: decoding encoded words is quadratic in the standard library.
    `hint` is the mail's declared charset, for raw 8-bit bytes that are not UTF-8."""
    if value is None:
        return ""
    text = _header_str(value, hint)[:limit]
    if "=?" in text:
        text = _encoded_words(text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _message_ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


class MessageLimits(BaseModel):
    """How much of one mail is looked at: header values, header fields, file parts, nesting."""

    max_header_bytes: int = HEADER_LIMIT
    max_header_fields: int = 1000  # top-level fields; a mail needs a few dozen
    max_parts: int = 50  # file parts kept; more are counted (the mail is then refused unread)
    max_depth: int = 8  # nesting of multiparts and forwarded mails looked into
    max_message_bytes: int = 50 * 1024 * 1024  # a bigger mail is refused from its headers alone


def _header_end(data: bytes) -> int:
    """The index just past the header block's last line (the whole mail when no blank line)."""
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i >= 0]
    return min(ends) + 1 if ends else len(data)


_DELIMITER = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", re.M)  # RFC 2046 bchars
_FIELD_START = re.compile(rb"^[^ \t\r\n]", re.M)


def _cut_field(field: bytes, limit: int) -> bytes:
    """A header field cut to `limit` bytes at a fold when one is near, still ending its line."""
    if len(field) <= limit:
        return field
    cut = field[:limit]
    fold = cut.rfind(b"\n")
    if fold > limit // 2:
        return cut[:fold + 1]
    return cut.rstrip(b"\r\n") + b"\n"


def bound_headers(data: bytes, limits: MessageLimits) -> bytes:
    """The mail with each top-level header field cut to `max_header_bytes` and the fields past
    `max_header_fields` dropped, in linear time and before any parsing or decoding."""
    end = _header_end(data)
    if end <= limits.max_header_bytes:
        return data  # no field can be over the limit: the common case costs one find
    head = data[:end]
    starts: list[int] = []
    for match in _FIELD_START.finditer(head):
        starts.append(match.start())
        if len(starts) > limits.max_header_fields:
            break
    stops = starts[1:] if len(starts) > limits.max_header_fields else starts[1:] + [end]
    pieces = [_cut_field(head[a:b], limits.max_header_bytes) for a, b in zip(starts, stops)]
    return b"".join(pieces) + data[end:]


def _decode_text_part(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    return unicodedata.normalize("NFC", decode_bytes(data, part.get_content_charset()))


def _part_filename(part: EmailMessage, limit: int) -> str | None:
    holder = EmailMessage()
    for header in ("content-disposition", "content-type"):
        if part.get(header) is not None:
            holder[header] = _header_str(part.get(header))[:limit]
    raw = holder.get_param("filename", header="content-disposition") or holder.get_param("name")
    if isinstance(raw, tuple):  # RFC 2231 (charset, lang, text): by the charset chain, not strictly
        charset, _, text = raw
        raw = decode_bytes(bytes(text, "raw-unicode-escape"), charset) if charset else text
    if isinstance(raw, str):
        raw = raw.strip()
    return decode_header_text(raw, limit) if raw else None


def _flat_comments(text: str) -> bool:
    """Parentheses balanced and not nested: `unit@x)<evil@y>` hides in a stray one, and the stdlib
    parser recurses once per nested level. A bounce's `MAILER-DAEMON@x (Mail Delivery System)` passes."""
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth not in (0, 1):
            return False
    return depth == 0


def _address(value: str, hint: str | None = None) -> tuple[str, str]:
    """(display name, lower-cased address) of a From header holding exactly one well-formed address;
    ("", "") for anything else: a malformed header must never read as someone's address."""
    text = " ".join(_unmangle(value or "", hint).split())
    if len(text) > _MAX_FROM or not _flat_comments(_QUOTED_STRING.sub('""', text)):
        return "", ""
    try:
        header = email.policy.default.header_factory("from", text)
    except (email.errors.HeaderParseError, IndexError, AttributeError, TypeError, ValueError, RecursionError):
        return "", ""  # the stdlib's header parser fails on some junk instead of recording a defect
    found = list(header.addresses)
    if header.defects or len(found) != 1 or any(g.display_name is not None for g in header.groups):
        return "", ""
    addr = found[0].addr_spec.lower()
    # Two parsers must agree (the old one is what a malformed header used to fool): Python 3.11.7's
    # getaddresses has no strict mode yet, so the agreement is checked here.
    if not _ADDR_SPEC.fullmatch(addr) or not _old_parser_agrees(text, addr):
        return "", ""
    return decode_header_text(found[0].display_name), addr


def _old_parser_agrees(text: str, addr: str) -> bool:
    try:
        return [a.lower() for _, a in email.utils.getaddresses([text])] == [addr]
    except (RecursionError, ValueError, IndexError, TypeError):  # it recurses per nested group
        return False


def _sender(msg: EmailMessage) -> tuple[str, str]:
    """The From address, provided there is exactly one From header: with two, we and the receiving
    server's DMARC check might each read a different one."""
    values = msg.get_all("from", [])
    return _address(str(values[0]), _hint(msg)) if len(values) == 1 else ("", "")


def _hint(msg: EmailMessage) -> str | None:
    """The charset the mail declares at its top (the header block alone holds it, so the subject
    recorded from the headers and the one read with the body are the same text)."""
    return msg.get_content_charset()


class _Walker:
    """Collects bodies, attachments and nested mails from one MIME tree, within `limits`."""

    def __init__(self, limits: MessageLimits, depth: int = 0) -> None:
        self.limits = limits
        self.depth = depth
        self.text: list[str] = []
        self.html: list[str] = []
        self.attachments: list[Attachment] = []
        self.forwarded: list[InboundMessage] = []
        self.defects: set[str] = set()
        self.parts = 0  # file parts seen, kept or not

    def walk(self, part: EmailMessage, depth: int = 0) -> None:
        """Read one part; a part the standard library cannot read spoils only itself."""
        try:
            self._walk(part, depth)
        except MemoryError:
            raise  # the reader's memory limit is the mail's, not the part's
        except Exception as err:  # noqa: BLE001 - any parser failure on a part: note it and go on
            log.warning("unreadable MIME part skipped: %s: %s", type(err).__name__, err)
            self.defects.add(f"UnreadablePart:{type(err).__name__}")

    def _walk(self, part: EmailMessage, depth: int = 0) -> None:
        self.defects.update(type(d).__name__ for d in part.defects)
        if depth + self.depth > self.limits.max_depth:
            self.defects.add("NestingTooDeep")
            return
        ctype = part.get_content_type()
        if ctype in _REPORT_PARTS:  # the machine-readable half of a report (the parser nests it as
            self.defects.add(f"{REPORT_PART}:{ctype.partition('/')[2]}")  # a message): never a body
        elif ctype == "message/rfc822":
            self._nested(part, depth)
        elif part.is_multipart():
            for child in part.get_payload() or []:
                if isinstance(child, EmailMessage):
                    self.walk(child, depth + 1)
        else:
            self._leaf(part, ctype, depth)

    def _nested(self, part: EmailMessage, depth: int) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        self.parts += 1  # a forwarded mail counts as a file towards the limit
        if isinstance(inner, EmailMessage) and self.parts <= self.limits.max_parts:
            self.forwarded.append(parse_email(inner, self.limits, self.depth + depth + 1))

    def _smime(self, part: EmailMessage, depth: int) -> None:
        """An opaque S/MIME part: a signed one is read as the entity it signs, one level down; an
        encrypted one (or one we cannot open) is marked, so the unit is told we cannot read it."""
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        kind = smime_type(part)
        signed = kind == "signed-data" or (not kind and claims_signed(data))
        inner = signed_content(data) if signed else None
        if inner is None:  # a signed one we cannot open is damaged, not encrypted
            self.defects.add(UNREADABLE_BODY if signed else SMIME_ENCRYPTED)
            return
        entity = email.message_from_bytes(bound_headers(inner, self.limits), policy=email.policy.compat32)
        self.walk(entity, depth + 1)

    def _without_boundary(self, part: EmailMessage, ctype: str, depth: int) -> bool:
        """A multipart whose boundary parameter is missing (or wrong): its body's first delimiter
        line says what the boundary is, so the parts are read with it rather than lost."""
        payload = part.get_payload()
        if not isinstance(payload, str) or (found := _DELIMITER.search(payload)) is None:
            return False
        boundary = found.group(1).removesuffix("--")
        head = f'Content-Type: {ctype}; boundary="{boundary}"\r\n\r\n'
        again = email.message_from_string(head + payload, policy=email.policy.compat32)
        if not again.is_multipart():
            return False
        self.defects.add("BoundaryGuessed")
        self.walk(again, depth + 1)
        return True

    def _leaf(self, part: EmailMessage, ctype: str, depth: int = 0) -> None:
        name = _part_filename(part, self.limits.max_header_bytes)
        disposition = (part.get_content_disposition() or "").lower()
        if is_signature(ctype, name):
            return  # a detached S/MIME signature (.p7s): neither a document nor evidence
        if ctype == TOO_DEEP:
            self.defects.add("NestingTooDeep")
            return
        if is_smime(ctype, name):
            self._smime(part, depth)
            return
        if name is None and ctype in ("text/plain", "text/html") and disposition != "attachment":
            (self.text if ctype == "text/plain" else self.html).append(_decode_text_part(part))
            return
        if ctype.startswith("multipart/") and self._without_boundary(part, ctype, depth):
            return  # `walk` bounds the depth of any guess within a guess
        if ctype.startswith("multipart/") or ctype == "text/rfc822-headers":
            return
        self.parts += 1
        if self.parts > self.limits.max_parts:
            return  # counted, never decoded nor kept: the mail is refused for its number of files
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        # winmail.dat (Outlook's TNEF): the files inside stand for it, as if attached directly.
        inside = expand_tnef(data) if isinstance(data, bytes) and is_tnef(ctype, name, data) else None
        if inside:
            self.attachments.extend(Attachment(
                filename=clean_filename(f.filename, f.content_type, len(self.attachments) + 1 + i),
                content_type=f.content_type, data=f.data, sha256=sha256_hex(f.data), inline=False,
            ) for i, f in enumerate(inside))
            return
        self.attachments.append(Attachment(
            filename=clean_filename(name, ctype, len(self.attachments) + 1), content_type=ctype,
            data=data, sha256=sha256_hex(data), inline=disposition == "inline",
        ))


def _auth_results(msg: EmailMessage) -> list[str]:
    """Every Authentication-Results header, topmost first, unfolded; which one counts is the
    pipeline's choice (only our own receiving server's)."""
    values = msg.get_all("authentication-results", [])[:_MAX_AUTH_RESULTS]
    return [" ".join(_header_str(v)[:MAX_HEADER].split()) for v in values]


def _headers(msg: EmailMessage) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in _SCREEN_HEADERS:
        value = msg.get(key)
        if value is not None:
            found[key] = decode_header_text(value)
    return found


def _recipients(msg: EmailMessage, cap: int) -> list[str]:
    """To and Cc addresses; a field the old address parser cannot read (it recurses once per nested
    comment or group, so thousands of them exhaust the stack) gives none, the others still count."""
    found: list[str] = []
    for value in (msg.get_all("to", []) + msg.get_all("cc", []))[:50]:
        try:
            found.extend(a.lower() for _, a in email.utils.getaddresses([_unmangle(str(value)[:cap])]) if a)
        except (RecursionError, ValueError, IndexError, TypeError):
            continue
    return found


def _date(msg: EmailMessage) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(str(msg.get("date", "")))
    except (TypeError, ValueError, IndexError):
        return None


def _field(msg: EmailMessage, name: str, limit: int) -> str:
    return str(msg.get(name, ""))[:limit]


def parse_email(msg: EmailMessage, limits: MessageLimits | None = None, depth: int = 0) -> InboundMessage:
    """An InboundMessage from an already-parsed email tree (the top mail or a forwarded one)."""
    limits = limits or MessageLimits()
    cap = limits.max_header_bytes
    name, sender = _sender(msg)  # header values are already bounded (bound_headers)
    walker = _Walker(limits, depth)
    walker.walk(msg)
    headers = _headers(msg)
    return InboundMessage(
        rfc_message_id=(_message_ids(_field(msg, "message-id", cap)) or [""])[0],
        subject=decode_header_text(msg.get("subject"), cap, _hint(msg)),
        sender=sender, sender_name=name,
        recipients=_recipients(msg, cap),
        date_header=_date(msg),
        in_reply_to=_message_ids(headers.get("in-reply-to", "")),
        references=_message_ids(headers.get("references", "")),
        headers=headers,
        auth_results=_auth_results(msg),
        content_type=msg.get_content_type(),
        text="\n\n".join(walker.text) or None,
        html="\n".join(walker.html) or None,
        attachments=walker.attachments,
        forwarded=walker.forwarded,
        defects=sorted(walker.defects),
        parts=walker.parts,
    )


def parse_header_block(data: bytes, limits: MessageLimits) -> EmailMessage:
    """The top-level header fields only, each bounded before parsing; the body is not read."""
    bounded = bound_headers(data[:_header_end(data)], limits)
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(bounded)


def parse_headers(data: bytes, limits: MessageLimits | None = None) -> tuple[str, str, str]:
    """(Message-ID, sender address, subject) from the bounded header block only: what recording needs."""
    limits = limits or MessageLimits()
    head = parse_header_block(data, limits)
    cap = limits.max_header_bytes
    return ((_message_ids(_field(head, "message-id", cap)) or [""])[0],
            _sender(head)[1], decode_header_text(head.get("subject"), cap, _hint(head)))


def _parse_tree(data: bytes, limits: MessageLimits) -> InboundMessage:
    tree = email.message_from_bytes(data, policy=email.policy.compat32)
    return parse_email(tree, limits)


_KEEP_CONTAINERS = 64  # multipart and message/* parts kept as containers when a tree is too deep
_CONTAINER = re.compile(rb"^content-type:[ \t]*(?=(?:multipart|message)/)", re.I | re.M)
TOO_DEEP = "application/x-dhtt-too-deep"  # what a container past the kept ones is turned into


def _flatten_deep(data: bytes) -> bytes:
    """The mail with every container header past the first `_KEEP_CONTAINERS` turned into an opaque
    leaf type (its old type kept as a parameter), in one linear pass: the outer parts, which come
    first, stay readable."""
    seen = 0

    def rewrite(match: re.Match[bytes]) -> bytes:
        nonlocal seen
        seen += 1
        return match.group(0) if seen <= _KEEP_CONTAINERS else f"Content-Type: {TOO_DEEP}; was=".encode()

    return _CONTAINER.sub(rewrite, data)


def parse_message(data: bytes, limits: MessageLimits | None = None) -> InboundMessage:
    """Parse raw RFC 5322 bytes within `limits`; never raises on malformed MIME (defects are recorded)."""
    limits = limits or MessageLimits()
    if len(data) > limits.max_message_bytes:  # refused for its size: its body is never parsed
        return parse_email(parse_header_block(data, limits), limits).model_copy(update={"size": len(data)})
    bounded = bound_headers(data, limits)
    try:
        return _parse_tree(bounded, limits).model_copy(update={"size": len(data)})
    except MemoryError:
        raise
    except RecursionError:
        # The stdlib parser recurses once per nesting level: a tree thousands deep (a forward of a
        # forward of …) exhausts it. Past the first levels, containers are read as opaque leaves.
        log.warning("MIME tree too deep for the parser: nested containers past %d flattened", _KEEP_CONTAINERS)
        bounded = _flatten_deep(bounded)
    try:
        parsed = _parse_tree(bounded, limits)
        parsed = parsed.model_copy(update={"defects": sorted({*parsed.defects, "NestingTooDeep"})})
    except MemoryError:
        raise
    except Exception as err:  # noqa: BLE001 - the last resort before the worker's retries
        # The body cannot be read at all: the header block alone still gives the mail its outcome
        # now (a reading problem), rather than failing until the worker quarantines it.
        log.warning("mail body unreadable, headers only: %s: %s", type(err).__name__, err)
        parsed = parse_email(parse_header_block(data, limits), limits)
        parsed = parsed.model_copy(update={"defects": sorted({*parsed.defects, UNREADABLE_BODY})})
    return parsed.model_copy(update={"size": len(data)})
