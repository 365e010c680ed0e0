"""S/MIME parts: a detached signature is skipped, an opaque signed mail is opened, an encrypted one
is recognised (we hold no key: it cannot be read).

The content of an opaque signed-data part is reached with a minimal BER reader: the project has no
ASN.1 library (cryptography's pkcs7 module loads certificates only), and the path to the content is
four fixed steps. Signatures are not verified: a signed mail is read like an unsigned one.
"""

from __future__ import annotations

from email.message import Message as EmailMessage

SIGNATURE_TYPES = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature"})
_MIME_TYPES = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # OID 1.2.840.113549.1.7.2
_MAX_DEPTH = 16  # nesting of BER elements read; the path to the content is 5 deep


class _Malformed(ValueError):
    """Not the BER we expect: the part is treated as unreadable (encrypted or broken)."""


def is_signature(ctype: str, filename: str | None) -> bool:
    """A detached signature (.p7s): neither a document nor evidence."""
    return ctype in SIGNATURE_TYPES or (filename or "").lower().endswith(".p7s")


def is_smime(ctype: str, filename: str | None) -> bool:
    """An opaque S/MIME part: signed or encrypted content as one CMS object (.p7m)."""
    return ctype in _MIME_TYPES or (filename or "").lower().endswith(".p7m")


def smime_type(part: EmailMessage) -> str:
    return str(part.get_param("smime-type") or "").strip().lower()


def _element(data: bytes, pos: int, depth: int = 0) -> tuple[int, int, int, int]:
    """(tag, content start, content end, next position) of the BER element at `pos`."""
    if depth > _MAX_DEPTH or pos + 2 > len(data):
        raise _Malformed("truncated or too deep")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if tag & 0x1F == 0x1F:
        raise _Malformed("high tag number")
    if first == 0x80:  # indefinite length: children up to the end-of-contents octets
        if not tag & 0x20:
            raise _Malformed("indefinite primitive")
        start = pos
        while data[pos:pos + 2] != b"\0\0":
            pos = _element(data, pos, depth + 1)[3]
            if pos + 2 > len(data):
                raise _Malformed("no end of contents")
        return tag, start, pos, pos + 2
    if first & 0x80:
        count = first & 0x7F
        if count > 4 or pos + count > len(data):
            raise _Malformed("bad length")
        length, pos = int.from_bytes(data[pos:pos + count], "big"), pos + count
    else:
        length = first
    if pos + length > len(data):
        raise _Malformed("truncated")
    return tag, pos, pos + length, pos + length


def _children(data: bytes, start: int, end: int, depth: int) -> list[tuple[int, int, int]]:
    found = []
    while start < end:
        tag, a, b, start = _element(data, start, depth)
        found.append((tag, a, b))
    return found


def _octets(data: bytes, tag: int, start: int, end: int, depth: int) -> bytes:
    """An OCTET STRING's bytes, primitive or constructed of pieces (as streaming signers write)."""
    if tag == 0x04:
        return data[start:end]
    if tag != 0x24:
        raise _Malformed("not an octet string")
    return b"".join(_octets(data, t, a, b, depth + 1) for t, a, b in _children(data, start, end, depth + 1))


def claims_signed(data: bytes) -> bool:
    """The signed-data OID opens the object (within its first bytes): a signed mail, whether or not
    its content can then be reached."""
    return _SIGNED_DATA in data[:32]


def signed_content(data: bytes) -> bytes | None:
    """The encapsulated content of a CMS SignedData (the signed MIME entity); None when `data` is
    not one (enveloped, i.e. encrypted, or broken)."""
    try:
        tag, start, end, _ = _element(data, 0)
        oid, wrapper = _children(data, start, end, 1)[:2]
        if tag != 0x30 or oid[0] != 0x06 or data[oid[1]:oid[2]] != _SIGNED_DATA or wrapper[0] != 0xA0:
            return None
        (signed, *_) = _children(data, wrapper[1], wrapper[2], 2)
        encap = _children(data, signed[1], signed[2], 3)[2]
        _, explicit = _children(data, encap[1], encap[2], 4)[:2]
        (octets, *_) = _children(data, explicit[1], explicit[2], 5)
        return _octets(data, *octets, depth=6)
    except (_Malformed, ValueError, IndexError):  # ValueError: too few elements to unpack
        return None
