#!/usr/bin/env bash
# Installs what dhtt and its tests use, only where missing: Debian packages (as root) and .venv.
# Sourced by scripts/test.sh and scripts/run.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}

# Debian packages started or called for real; each is checked so a ready machine skips apt.
missing=()
{ command -v dovecot || [ -x /usr/sbin/dovecot ]; } >/dev/null 2>&1 || missing+=(dovecot-core)
dpkg -s dovecot-imapd >/dev/null 2>&1 || missing+=(dovecot-imapd)
dpkg -s dovecot-submissiond >/dev/null 2>&1 || missing+=(dovecot-submissiond)  # SMTP with XOAUTH2
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v antiword >/dev/null 2>&1 || missing+=(antiword)          # old Word .doc
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)  # .rtf, .doc fallback
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)      # OCR of scans and photos
dpkg -s tesseract-ocr-vie >/dev/null 2>&1 || missing+=(tesseract-ocr-vie)   # its Vietnamese model
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)   # OCR tests draw pages
command -v chromium >/dev/null 2>&1 || missing+=(chromium)        # browser tests of the web pages
# The published site's checks (html-validate, axe-core) come from npm and run on Node.js.
{ command -v node && command -v npm; } >/dev/null 2>&1 || missing+=(nodejs npm)
# docs/render.sh and the printed-layout tests: Calc for the .xlsx, poppler for PNG pages, and the
# metric twin of Times New Roman, without which the layout is judged in a wider substitute font.
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 \
  || missing+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
dpkg -s fonts-liberation2 >/dev/null 2>&1 || missing+=(fonts-liberation2)
command -v "$PYTHON" >/dev/null 2>&1 || missing+=(python3)
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
pg_wanted=false
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || pg_wanted=true

if [ ${#missing[@]} -gt 0 ] || $pg_wanted; then
  if [ "$(id -u)" -ne 0 ]; then
    $pg_wanted && missing+=(postgresql)
    echo "Missing system packages; install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  if $pg_wanted; then
    # Prefer the version the tests were checked with, else whatever the distribution ships.
    if apt-cache policy postgresql-15 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      missing+=(postgresql-15)
    else
      missing+=(postgresql)
    fi
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the dependencies changed: pip takes seconds even when nothing is to do.
stamp=.venv/.dhtt-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  echo "$wanted" >"$stamp"
fi

# The published site's checks (tests/reports/site_checks.py): html-validate and axe-core from npm,
# pinned by tests/js/package-lock.json (html-validate 9: it runs on Debian's Node.js 18 as well);
# installed again only when that lock file changed.
js_stamp=tests/js/node_modules/.dhtt-installed
js_wanted=$(sha256sum tests/js/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$js_stamp" 2>/dev/null)" != "$js_wanted" ]; then
  (cd tests/js && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$js_wanted" >"$js_stamp"
fi
