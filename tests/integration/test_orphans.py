"""No orphans: a worker's reader processes (and multiprocessing's resource tracker) end with it,
whether it is killed at any moment around the reader's start or exits normally."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKER = '''
import sys, time
from pathlib import Path

import intake.worker  # noqa: F401 - spawn imports this module again in the reader: a real start-up window
from intake.analysis import AnalysisLimits
from intake.prefetch import Reader
from store.units import load_units

if __name__ == "__main__":
    reader = Reader(load_units(None), AnalysisLimits(), 1, 2048, Path(sys.argv[1]))
    reader.warm_up()
    print("reader started", flush=True)
    if sys.argv[2] == "exit":
        list(reader.read([]))
        reader._started.result(timeout=120)  # the reader has run a task: it is fully up
        sys.exit(0)  # no close(): a normal exit must stop the reader by itself
    time.sleep(120)
'''


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries `mark`: the worker's descendants, wherever reparented."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _start(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], str]:
    script = tmp_path / "worker_script.py"
    script.write_text(WORKER, encoding="utf-8")
    mark = f"dhtt-orphan-test-{uuid.uuid4()}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "DHTT_TEST_MARK": mark}
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "files"), mode], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "reader started"
    return proc, mark


def _gone(mark: str, within: float = 10.0) -> list[int]:
    deadline = time.monotonic() + within
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _marked(mark)
    for pid in left:  # never leave them to the next test run
        os.kill(pid, signal.SIGKILL)
    return left


_RNG = random.Random(14)  # random moments, the same ones on every run
DELAYS = sorted(round(_RNG.uniform(0, 1.5), 2) for _ in range(6))


@pytest.mark.parametrize("delay", DELAYS)
def test_a_worker_killed_around_its_reader_start_leaves_no_process(tmp_path: Path, delay: float) -> None:
    """GIVEN a worker whose reader process was just spawned (still importing)
    WHEN the worker is killed with SIGKILL `delay` seconds later THEN no reader nor tracker is left."""
    proc, mark = _start(tmp_path, "wait")
    time.sleep(delay)
    proc.kill()
    proc.wait()
    assert _gone(mark) == []


def test_a_worker_that_exits_normally_leaves_no_process(tmp_path: Path) -> None:
    proc, mark = _start(tmp_path, "exit")
    assert proc.wait(timeout=60) == 0
    assert _gone(mark, within=5) == []
