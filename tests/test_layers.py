"""The import direction between the project's packages, checked on every .py file with `ast`.

domain/ is the shared vocabulary and imports nothing of the project; parsers/ reads documents with
nothing but the vocabulary; store/ keeps records and knows no mail transport, report or page;
intake/ reads and answers mail and knows no report, page, scheduler or command line; web/ and
reports/ are given what they need and never import the composition root (scheduler). Both
top-level and function-local imports count (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", ".git", "node_modules", "build", "dist", "__pycache__"}


def project_names(root: Path = ROOT) -> frozenset[str]:
    """The top-level names of the project: its packages and its top-level modules."""
    packages = {p.parent.name for p in root.glob("*/__init__.py") if p.parent.name not in SKIP_DIRS}
    modules = {p.stem for p in root.glob("*.py")}
    return frozenset(packages | modules)


def _cli_names(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n for n in names if n == "cli" or n.startswith("cli_"))


def forbidden(package: str, names: frozenset[str]) -> frozenset[str]:
    """The project names a package must not import."""
    outer = frozenset({"scheduler"}) | _cli_names(names)
    if package == "domain":
        return names - {"domain"}
    if package == "parsers":
        return names - {"domain", "parsers"}
    if package == "store":
        return frozenset({"intake", "web", "reports"}) | outer
    if package == "intake":
        return frozenset({"reports", "web"}) | outer
    if package == "reports":
        return frozenset({"web", "scheduler"})
    if package == "web":
        return frozenset({"scheduler"})
    return frozenset()


def _imported(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The absolute module names an import statement brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # a relative import stays inside its own package
        return [package]
    assert node.module is not None
    return [node.module]


def violations(source: str, filename: str, package: str, names: frozenset[str]) -> list[str]:
    """'file:line: import …' for every import in `source` that `package` must not make."""
    banned = forbidden(package, names)
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if any(module.split(".")[0] in banned for module in _imported(node, package)):
                found.append((node.lineno, f"{filename}:{node.lineno}: {ast.unparse(node)}"))
    return [text for _, text in sorted(found)]


def package_files(package: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / package).rglob("*.py") if not SKIP_DIRS & set(p.parts))


@pytest.mark.parametrize("package", ["domain", "parsers", "store", "intake", "reports", "web"])
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    names = project_names()
    files = package_files(package)
    assert files, f"no .py file found under {package}/"
    found = [v for path in files
             for v in violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), package, names)]
    assert not found, f"{package}/ imports what its layer must not:\n" + "\n".join(found)


def test_project_names_cover_every_package_and_top_level_module() -> None:
    names = project_names()
    assert {"domain", "intake", "parsers", "store", "reports", "web", "scheduler", "settings", "cli",
            "cli_common"} <= names


SYNTHETIC = '''\
from __future__ import annotations
import json
from domain.codes import ReasonCode
from . import sibling

def later():
    from reports.template_docx import template_file
    import web.app as app
    return template_file, app
'''


def test_the_checker_catches_top_level_and_function_local_imports() -> None:
    names = frozenset({"domain", "intake", "parsers", "store", "reports", "web", "scheduler", "settings", "cli",
                       "cli_common"})
    assert violations(SYNTHETIC, "intake/fake.py", "intake", names) == [
        "intake/fake.py:7: from reports.template_docx import template_file",
        "intake/fake.py:8: import web.app as app",
    ]
    domain_found = violations("import json\nfrom parsers.models import DocumentInput\nimport domain.codes\n",
                              "domain/fake.py", "domain", names)
    assert domain_found == ["domain/fake.py:2: from parsers.models import DocumentInput"]
    parsers_found = violations("from store.db import session\nfrom domain.codes import Kind\nimport settings\n",
                               "parsers/fake.py", "parsers", names)
    assert parsers_found == ["parsers/fake.py:1: from store.db import session", "parsers/fake.py:3: import settings"]
    store_found = violations("from intake.models import InboundMessage\nfrom cli_common import CONFIG_OPTION\n"
                             "from domain.mail import RawMessage\nfrom parsers.vntext import fold\n",
                             "store/fake.py", "store", names)
    assert store_found == ["store/fake.py:1: from intake.models import InboundMessage",
                           "store/fake.py:2: from cli_common import CONFIG_OPTION"]
