"""Content-addressed files on disk: every raw message and attachment, fsynced before use."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """Files named by their SHA-256 under one root; names from mail never become paths."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, kind: str, digest: str, suffix: str = "") -> Path:
        return self.root / kind / digest[:2] / f"{digest}{suffix}"

    def put(self, kind: str, data: bytes, suffix: str = "", durable: bool = True) -> tuple[str, Path]:
        """Store bytes (fsynced when `durable`); return (sha256, path). The same bytes twice is a no-op."""
        digest = sha256_hex(data)
        path = self.path_for(kind, digest, suffix)
        if path.exists() and path.stat().st_size == len(data):
            return digest, path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        # rename is atomic: a crash leaves either no file or the whole file, never a torn one.
        os.replace(tmp, path)
        if durable:
            _fsync_dir(path.parent)
        return digest, path

    def put_message(self, data: bytes) -> tuple[str, Path]:
        return self.put("raw", data, ".eml")

    def put_file(self, data: bytes) -> tuple[str, Path]:
        # Attachments are cut from the raw message, which is already durable: after a power loss
        # they can be cut again, so they skip the two fsyncs that the raw bytes must pay.
        return self.put("files", data, durable=False)
