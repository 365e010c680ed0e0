"""Run the shared corpus's next/ cases (or any case number of emails/) through message parsing and content analysis (no IMAP, no
store) and compare nominee names, categories and levels with the expected files.

For the formats work (scans, .xls/.ods/.odt, winmail.dat); the full corpus goes through IMAP in
the corpus tests. Usage: .venv/bin/python scripts/check_next_cases.py [030 031 …]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake.analysis import analyse  # noqa: E402
from intake.message import parse_message  # noqa: E402
from parsers.vntext import collapse_ws, nfc  # noqa: E402

NEXT = ROOT.parent / "shared" / "corpus" / "next"
DEFAULT = ("030", "031", "032", "033", "034", "038")


def _norm(text: str | None) -> str:
    return collapse_ws(nfc(text or ""))


def check(case: str) -> list[str]:
    """Mismatches of one case, as lines."""
    (eml,) = sorted((NEXT / "emails").glob(f"{case}-*.eml")) or sorted(
        (NEXT.parent / "emails").glob(f"{case}-*.eml"))
    expected = json.loads((eml.parent.parent / "expected" / f"{eml.stem}.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    analysis = analyse(parse_message(eml.read_bytes()))
    took = time.perf_counter() - started
    problems: list[str] = []
    drafts = {_norm(d.name): d for d in analysis.drafts}
    for want in expected["nominees"]:
        got = drafts.pop(_norm(want["name"]), None)
        if got is None:
            problems.append(f"missing nominee {want['name']!r}")
            continue
        for key, value in (("category", got.category), ("school_level", got.school_level),
                           ("kind", got.kind)):
            if (value.value if value else None) != want[key]:
                problems.append(f"{want['name']}: {key} {value} != {want[key]}")
        if want.get("workplace_contains") and want["workplace_contains"] not in _norm(got.workplace):
            problems.append(f"{want['name']}: workplace {got.workplace!r}")
        for phrase in want["summary_contains"]:
            if _norm(phrase) not in _norm(got.summary):
                problems.append(f"{want['name']}: summary lacks {phrase!r}")
    problems.extend(f"unexpected nominee {name!r}" for name in drafts)
    codes = {r.code.value for r in analysis.reasons}
    problems.extend(f"reason {code} missing" for code in expected["reasons_include"]
                    if code not in codes and code not in ("late", "quota_short", "resubmission"))
    print(f"{eml.name}: {'ok' if not problems else 'MISMATCH'} ({took:.1f} s, "
          f"{len(analysis.drafts)} drafts, {len(analysis.evidence)} evidence, reasons {sorted(codes)})")
    return problems


def main() -> int:
    failed = 0
    for case in sys.argv[1:] or DEFAULT:
        problems = check(case)
        failed += bool(problems)
        for line in problems:
            print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
