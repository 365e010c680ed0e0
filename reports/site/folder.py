"""Writing the built site to its folder: all of it or nothing, in a temporary folder swapped in place.

The folder is rebuilt whole each time, so the page of a withdrawn exemplar is gone after the swap.
Only a folder dhtt made (it holds the marker file) or an empty one is ever replaced: a mistyped
--out pointing at someone's documents is refused instead of deleted.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from reports.site.build import MARKER


class SiteFolderError(Exception):
    """The output folder cannot be written or is not a folder dhtt made."""


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Replace the folder `out` with exactly `files`; readers see the old folder or the new one."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _check_replaceable(out)
        _write(files, out)


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    # The button pressed twice, or the button while `dhtt publish` runs: one swap at a time.
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(files: dict[str, bytes], out: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(files.items()):
            if relative.startswith("/") or ".." in PurePosixPath(relative).parts:
                raise SiteFolderError(f"file outside the site: {relative}")
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700; the portal's web server must read it
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteFolderError(f"{out} is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteFolderError(f"{out} is not empty and was not written by dhtt publish")


def _swap(staging: Path, out: Path) -> None:
    # Two renames on one file system: between them the folder is briefly absent, never half written.
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
