"""Tesseract, called as a command: page orientation (OSD) and words with their boxes (TSV).

The CLI is called directly rather than through pytesseract: pytesseract writes every image and
result to temporary files and adds nothing we need, while the CLI reads the image on stdin and
writes TSV on stdout, and subprocess's timeout bounds each page. OMP_THREAD_LIMIT=1 keeps one
page on one core: the worker and the reader already share the machine's few cores.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image

TESSERACT = "tesseract"
LANGUAGE = "vie"
PAGE_SECONDS = 60.0  # time limit of one tesseract run (one page); the page is skipped after it
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.MULTILINE)


class OcrFailed(Exception):
    """Tesseract is missing, crashed or ran out of time on one page."""


@dataclass(frozen=True)
class Word:
    """One recognised word, with its box in pixels and tesseract's line identity."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # (block, paragraph, line) as tesseract numbered them

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def center(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


def available() -> bool:
    """True when the tesseract command and its Vietnamese model are installed."""
    if shutil.which(TESSERACT) is None:
        return False
    try:
        done = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True,
                              timeout=20, env=_ENV, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return LANGUAGE in done.stdout.split()


def _run(image: Image.Image, args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run tesseract on `image` (fed as PNM on stdin, the cheapest format to write)."""
    buffer = io.BytesIO()
    image.save(buffer, "PPM")
    try:
        return subprocess.run([TESSERACT, "stdin", "stdout", *args], input=buffer.getvalue(),
                              capture_output=True, timeout=timeout, env=_ENV, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"tesseract ran over {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrFailed(f"tesseract could not run: {exc}") from exc


def orientation(image: Image.Image, timeout: float = PAGE_SECONDS) -> tuple[int, float] | None:
    """(degrees to rotate clockwise, confidence) from OSD, or None when the image has too few
    characters for it to decide: then it is no page of text."""
    done = _run(image, ["--psm", "0", "--dpi", "100"], timeout)
    out = done.stdout.decode("utf-8", "replace")
    rotate, confidence = _ROTATE.search(out), _CONFIDENCE.search(out)
    if done.returncode != 0 or rotate is None:
        return None
    return int(rotate.group(1)), float(confidence.group(1)) if confidence else 0.0


def words(image: Image.Image, dpi: int, timeout: float = PAGE_SECONDS) -> list[Word]:
    """The words tesseract reads in `image` (Vietnamese model, automatic page layout)."""
    done = _run(image, ["-l", LANGUAGE, "--psm", "3", "--dpi", str(dpi), "tsv"], timeout)
    if done.returncode != 0:
        raise OcrFailed(done.stderr.decode("utf-8", "replace").strip()[-300:])
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Word rows (level 5) of tesseract's TSV output, empty words dropped."""
    found: list[Word] = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            block, par, num = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        found.append(Word(cols[11].strip(), left, top, width, height, conf, (block, par, num)))
    return found
