"""What our receiving server said about a mail's sender: Authentication-Results (RFC 8601) → a verdict.

Parsed by hand: `authres`, the one long-standing library, was last released in 2019 and refuses the
header Exchange Online writes (no authserv-id before the first result), which is the very server
the Sở's mailbox may sit behind; we need only method, result and a few properties, all pure text.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from domain.authentication import Authentication, Verdict

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PAIR = re.compile(r"([A-Za-z0-9_.\-/]+)\s*=\s*(" + _QUOTED + r'|[^\s;"]*)')
_DMARC_FAILED = frozenset({"fail", "quarantine", "reject"})
_SPF_FAILED = frozenset({"fail"})
MAX_HEADER = 8192  # a longer Authentication-Results was not written by a mail server


class MethodResult(BaseModel):
    """One `method=result` with its properties, e.g. dmarc=pass header.from=example.vn."""

    method: str
    result: str
    properties: dict[str, str] = Field(default_factory=dict)  # "header.from" → "example.vn"


class AuthResults(BaseModel):
    """One parsed Authentication-Results header."""

    authserv_id: str | None = None  # None: the header opens with a result (Exchange Online)
    results: list[MethodResult] = Field(default_factory=list)
    raw: str = ""

    def of(self, method: str) -> list[MethodResult]:
        return [r for r in self.results if r.method == method]


def _strip_comments(value: str) -> str:
    """The value without (comments), which may nest; quoted strings are kept as they are."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for ch in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"' and depth == 0:
            quoted = True
        elif ch == "(":
            depth += 1
            continue
        elif ch == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return "".join(out)


def _split(value: str) -> list[str]:
    """The value cut at semicolons that are not inside a quoted string."""
    parts = re.findall(r'(?:' + _QUOTED + r'|[^;"])+|;', value)
    pieces, current = [], ""
    for part in parts:
        if part == ";":
            pieces.append(current)
            current = ""
        else:
            current += part
    return [p.strip() for p in pieces + [current] if p.strip()]


def _result(text: str) -> MethodResult | None:
    pairs = _PAIR.findall(text)
    if not pairs:
        return None
    (method, result), rest = pairs[0], pairs[1:]
    props = {key.lower(): value.strip('"').lower() for key, value in rest if "." in key}
    return MethodResult(method=method.split("/")[0].lower(), result=result.lower(), properties=props)


def parse_auth_results(value: str) -> AuthResults:
    """One header value → its authserv-id and results; unreadable pieces are skipped, never raised."""
    raw = " ".join(value[:MAX_HEADER].split())
    pieces = _split(_strip_comments(raw))
    authserv_id: str | None = None
    if pieces and "=" not in pieces[0]:
        authserv_id = pieces.pop(0).split()[0].lower() if pieces[0].split() else None
    results = [r for r in (_result(p) for p in pieces) if r is not None]
    return AuthResults(authserv_id=authserv_id, results=results, raw=raw)


def trusted_results(headers: list[str], authserv_ids: list[str]) -> AuthResults | None:
    """The header our own receiving server wrote: the topmost one, or the topmost carrying one of
    `authserv_ids` when they are configured. A header lower down may have come with the mail."""
    if not authserv_ids:
        return parse_auth_results(headers[0]) if headers else None
    wanted = {a.strip().lower() for a in authserv_ids}
    for header in headers:
        parsed = parse_auth_results(header)
        if parsed.authserv_id in wanted:
            return parsed
    return None


def _domain(value: str | None) -> str | None:
    if not value:
        return None
    return value.rpartition("@")[2].strip().strip(".").lower() or None


def aligned(domain: str | None, from_domain: str) -> bool:
    """DMARC's relaxed alignment, without the public suffix list: the same domain, or one inside
    the other. Only the owner of a domain can make SPF or DKIM pass for it or its subdomains."""
    if not domain or not from_domain:
        return False
    return domain == from_domain or domain.endswith("." + from_domain) or from_domain.endswith("." + domain)


def _first(results: AuthResults, method: str) -> MethodResult | None:
    found = results.of(method)
    return found[0] if found else None


def authenticate(from_address: str, results: AuthResults | None) -> Authentication:
    """The verdict on `from_address` given our server's results (None: it wrote none)."""
    from_domain = from_address.rpartition("@")[2].lower() if "@" in from_address else ""
    if results is None or not any(results.of(m) for m in ("dmarc", "spf", "dkim")):
        return Authentication(verdict=Verdict.absent, from_domain=from_domain)
    dmarc, spf = _first(results, "dmarc"), _first(results, "spf")
    dkims = results.of("dkim")
    dkim = next((d for d in dkims if d.result == "pass" and aligned(_domain(d.properties.get("header.d")),
                                                                    from_domain)), dkims[0] if dkims else None)
    found = Authentication(
        verdict=Verdict.unverified, from_domain=from_domain, dmarc=dmarc.result if dmarc else None,
        spf=spf.result if spf else None, dkim=dkim.result if dkim else None,
        spf_domain=_domain(spf.properties.get("smtp.mailfrom")) if spf else None,
        dkim_domain=_domain(dkim.properties.get("header.d")) if dkim else None)
    return found.model_copy(update={"verdict": _verdict(found, dmarc)})


def _verdict(found: Authentication, dmarc: MethodResult | None) -> Verdict:
    if found.dmarc in _DMARC_FAILED:
        return Verdict.failed
    if found.dmarc == "pass":
        # The server's From domain must be ours: two parsers reading one From differently is the attack.
        checked = _domain(dmarc.properties.get("header.from")) if dmarc else None
        return Verdict.passed if checked in (None, found.from_domain) else Verdict.unverified
    # No DMARC verdict (none, bestguesspass, temperror, …): SPF or DKIM must vouch for the From domain.
    if found.spf == "pass" and aligned(found.spf_domain, found.from_domain):
        return Verdict.passed
    if found.dkim == "pass" and aligned(found.dkim_domain, found.from_domain):
        return Verdict.passed
    if found.spf in _SPF_FAILED:
        return Verdict.failed
    return Verdict.unverified
