"""The two checks every published page must pass: a real HTML validator (html-validate) and an
automated accessibility check (axe-core) in Debian's Chromium. Both come from npm, pinned in
tests/js/package-lock.json and installed by scripts/setup.sh.

tests/js/.htmlvalidate.json takes html-validate's recommended and document rules as they are, with
two changes: subresource integrity is required only for resources of another origin (the site's own
style sheet may be edited by the portal's staff), and a page title may be 100 characters long
(exemplar and unit names are long in Vietnamese).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from pathlib import Path

from playwright.sync_api import Browser

JS = Path(__file__).resolve().parents[1] / "js"
HTML_VALIDATE = JS / "node_modules" / "html-validate" / "bin" / "html-validate.mjs"
AXE = JS / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, heading order, skip link target).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def html_problems(pages: Iterable[Path]) -> list[str]:
    """Every validator error, as 'file:line:column rule message'; empty when all pages are valid."""
    files = [str(p) for p in pages]
    assert files, "no page to validate"
    run = subprocess.run(["node", str(HTML_VALIDATE), "--config", str(JS / ".htmlvalidate.json"),
                          "--formatter", "json", *files], capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1), run.stderr  # 1: problems found; anything else: it did not run
    problems = []
    for result in json.loads(run.stdout or "[]"):
        for msg in result["messages"]:
            problems.append(f"{result['filePath']}:{msg['line']}:{msg['column']} {msg['ruleId']} {msg['message']}")
    return problems


def axe_violations(browser: Browser, pages: Iterable[Path], width: int = 390) -> list[str]:
    """Every axe violation of each page opened from disk at a phone's width: 'file rule: nodes'."""
    found: list[str] = []
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 844}, java_script_enabled=True)
    try:
        page = context.new_page()
        for path in pages:
            page.goto(path.resolve().as_uri())
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            for violation in result["violations"]:
                targets = ", ".join(str(n["target"]) for n in violation["nodes"])
                found.append(f"{path.name} {violation['id']}: {targets}")
    finally:
        context.close()
    return found
