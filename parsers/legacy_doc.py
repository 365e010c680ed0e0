"""Old Word files (.doc, Word 97-2003) and RTF: converted to text by antiword, or LibreOffice
when antiword fails and soffice is installed, then read like any text document."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import olefile

from parsers import textform
from parsers.errors import UnreadableDocument
from parsers.legacy_charset import convert_legacy
from parsers.models import DocumentInput, ParsedDocument
from parsers.office import check_encrypted, is_ole

log = logging.getLogger(__name__)

RTF_MAGIC = b"{\\rtf"
ANTIWORD_TIMEOUT = 30  # seconds; antiword reads a normal .doc in milliseconds
SOFFICE_TIMEOUT = 120  # LibreOffice's first start builds a profile, which is slow
_DOC_SUFFIXES = (".doc", ".dot", ".rtf")


class LegacyDocParser:
    """Parser for Word 97-2003 .doc and RTF files, through an external converter."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score 90 for an OLE file with a WordDocument stream or RTF data, 40 for the name."""
        if doc.data.startswith(RTF_MAGIC) or _is_word_ole(doc.data):
            return 90
        if doc.filename.lower().endswith(_DOC_SUFFIXES) and not doc.data.startswith(b"PK"):
            return 40  # claim it so the sender hears that it is unreadable
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Convert to text and parse it; raise EncryptedDocument or UnreadableDocument."""
        check_encrypted(doc.data, doc.filename)
        text, legacy = convert_legacy(document_text(doc))
        result = textform.parse_text(text, doc.filename, shape="doc")
        result.legacy_encoding = result.legacy_encoding or legacy
        result.text = result.text or text
        return result


def _is_word_ole(data: bytes) -> bool:
    """True for a compound file holding a WordDocument stream."""
    if not is_ole(data):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists("WordDocument"))
    except (OSError, ValueError):
        return False


def document_text(doc: DocumentInput) -> str:
    """The document's plain text, from antiword (.doc) or LibreOffice (either format)."""
    with tempfile.TemporaryDirectory(prefix="dhtt-doc-") as workdir:
        suffix = ".rtf" if doc.data.startswith(RTF_MAGIC) else ".doc"
        path = Path(workdir) / f"input{suffix}"  # never the sender's file name on disk
        path.write_bytes(doc.data)
        errors: list[str] = []
        if suffix == ".doc":
            text = _run_antiword(path, errors)
            if text is not None:
                return text
        text = _run_soffice(path, Path(workdir), errors)
        if text is not None:
            return text
    raise UnreadableDocument(doc.filename, "; ".join(errors) or "no converter for this file")


def _run_antiword(path: Path, errors: list[str]) -> str | None:
    """Text from antiword (UTF-8, unwrapped lines), or None with the reason in `errors`."""
    exe = shutil.which("antiword")
    if exe is None:
        errors.append("antiword is not installed")
        return None
    out = _run([exe, "-m", "UTF-8.txt", "-w", "0", str(path)], ANTIWORD_TIMEOUT, None, errors)
    if out is None:
        return None
    text = out.decode("utf-8", errors="replace")
    if not text.strip():
        errors.append("antiword found no text")
        return None
    return text


def _run_soffice(path: Path, workdir: Path, errors: list[str]) -> str | None:
    """Text from LibreOffice headless (only when soffice is on PATH), or None."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        errors.append("LibreOffice (soffice) is not installed")
        return None
    outdir = workdir / "out"
    # A private profile: soffice must not touch the user's, and two runs must not share one.
    profile = (workdir / "profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(outdir), str(path)]
    env = {**os.environ, "HOME": str(workdir)}
    if _run(cmd, SOFFICE_TIMEOUT, env, errors) is None:
        return None
    produced = outdir / (path.stem + ".txt")
    if not produced.is_file():
        errors.append("LibreOffice produced no text")
        return None
    return produced.read_text(encoding="utf-8-sig", errors="replace")


def _run(cmd: list[str], timeout: int, env: dict[str, str] | None,
         errors: list[str]) -> bytes | None:
    """Run a converter without a shell; its stdout, or None with the failure in `errors`."""
    name = Path(cmd[0]).name
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        errors.append(f"{name} timed out after {timeout} s")
        return None
    except OSError as exc:
        errors.append(f"{name} could not start: {exc}")
        return None
    if done.returncode != 0:
        # The temp path means nothing to the sender; name the file generically.
        stderr = done.stderr.decode("utf-8", errors="replace").replace(cmd[-1], "the file")
        detail = stderr.strip().splitlines()
        errors.append(f"{name} failed: {detail[-1] if detail else done.returncode}")
        return None
    return done.stdout
