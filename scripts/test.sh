#!/usr/bin/env bash
# The test command: installs what the real test servers need (once), then runs pytest.
# Usage: bash scripts/test.sh [pytest args...]   Safe to re-run; CI runs it on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Types first: `mypy --strict` over every package (the file list and strictness are in pyproject.toml).
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest -q "$@"
