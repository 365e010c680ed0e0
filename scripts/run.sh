#!/usr/bin/env bash
# The whole job end to end on the embedded default: a private Dovecot seeded with the sample
# mails in samples/, SQLite under var/demo, replies captured as .eml files; then the intake log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
