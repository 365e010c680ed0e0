#!/usr/bin/env bash
# Renders the Sở's documents to PNG for the README: the quarterly list (.docx → PDF → PNG, via
# LibreOffice headless and pdftoppm), the nomination template, and the staff digest (HTML → PNG,
# via headless Chromium). The data is the shared corpus, imported through the real intake.
#
# Usage: docs/render.sh            (from the repository root; needs soffice, pdftoppm, chromium)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
OUT="$ROOT/docs"
WORK="$(mktemp -d /tmp/dhtt-render.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

for tool in soffice pdftoppm chromium; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

cat >"$WORK/config.toml" <<TOML
[smtp]
host = "127.0.0.1"
port = 9
security = "none"
[database]
url = "sqlite:///$WORK/dhtt.sqlite"
[intake]
storage_dir = "$WORK/storage"
staff = ["thidua@ninhbinh.edu.vn"]
TOML

cd "$ROOT"
# A file, not stdin, with a main guard: the intake reads mail in worker processes that re-import it.
cat >"$WORK/build.py" <<'PYTHON'
import base64, sys
from datetime import UTC, date, datetime
from pathlib import Path

from cli import _read_files
from reports.context import report_context
from reports.digest import build_digest
from reports.digest_mail import digest_mail
from reports.quarterly import load_quarter, write_quarter_reports
from reports.template_docx import template_bytes
from scheduler import build_app
from settings import load_settings
from store.db import session


def main() -> None:
    work = Path(sys.argv[1])
    settings = load_settings(work / "config.toml")
    worker = build_app(settings, "docs").worker
    corpus = Path("..") / "shared" / "corpus" / "emails"
    worker.import_messages(_read_files(sorted(corpus.glob("*.eml"))))
    ctx = report_context(settings)
    data = load_quarter(worker.engine, "2024-Q2", worker.units, ctx)
    write_quarter_reports(data, ctx, work, date(2024, 6, 21))
    (work / "mau-phieu.docx").write_bytes(template_bytes(ctx.reports, ctx.replies.sender))
    with session(worker.engine) as db:
        digest = build_digest(db, datetime(2024, 6, 20, 0, 0, tzinfo=UTC), worker.units, ctx)
    mail = digest_mail(digest, ctx, "preview")
    html = mail.html
    if mail.chart_png:  # a browser has no cid: parts; inline the chart as a data URI instead
        html = html.replace("cid:chart@dhtt", "data:image/png;base64," + base64.b64encode(mail.chart_png).decode())
    (work / "digest.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
PYTHON
PYTHONPATH="$ROOT" "$PY" "$WORK/build.py" "$WORK"

# One LibreOffice profile per run, so a desktop session's soffice does not swallow the conversion.
soffice -env:UserInstallation="file://$WORK/lo-profile" --headless --convert-to pdf --outdir "$WORK" \
  "$WORK/danh-sach-guong-dien-hinh-tien-tien-2024-Q2.docx" "$WORK/mau-phieu.docx" >/dev/null
pdftoppm -r 80 -png -f 1 -l 2 "$WORK/danh-sach-guong-dien-hinh-tien-tien-2024-Q2.pdf" "$WORK/report"
pdftoppm -r 80 -png -f 1 -l 1 "$WORK/mau-phieu.pdf" "$WORK/template"
cp "$WORK"/report-1.png "$OUT/quarterly-report-page1.png"
cp "$WORK"/report-2.png "$OUT/quarterly-report-page2.png"
cp "$WORK"/template-1.png "$OUT/nomination-template.png"

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,2200 \
  --screenshot="$OUT/staff-digest.png" "file://$WORK/digest.html" 2>/dev/null
echo "Wrote: $(cd "$OUT" && ls quarterly-report-page*.png nomination-template.png staff-digest.png | tr '\n' ' ')"
