"""Parser benchmark: documents parsed per second for each shape, and peak memory while parsing
a 20 MB attachment (a .docx full of photos, a PDF of the same size).

Documents are built here (python-docx, openpyxl, fpdf2 when installed); the .doc and, without
fpdf2, the PDF come from the shared corpus. Prints figures, asserts nothing; runs in under 60 s.

Usage: .venv/bin/python bench/parse.py [--seconds 1.5]
"""

from __future__ import annotations

import argparse
import email
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from PIL import Image  # noqa: E402

from parsers.body import parse_body  # noqa: E402
from parsers.models import DocumentInput  # noqa: E402
from parsers.registry import parse_document  # noqa: E402
from tests.parsers import docbuild  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "emails"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BIG = 20 * 1024 * 1024
SUMMARY = ("Hoàn thành xuất sắc nhiệm vụ năm học; giáo viên dạy giỏi cấp tỉnh; sáng kiến kinh "
           "nghiệm được công nhận cấp tỉnh; bồi dưỡng 12 học sinh giỏi cấp tỉnh.")
FORM = [("Họ và tên", "Phạm Thị Lan"), ("Đối tượng", "Nhà giáo"), ("Chức vụ", "Giáo viên Ngữ văn"),
        ("Đơn vị công tác", "Trường THPT Hoa Lư A"), ("Tóm tắt thành tích nổi bật", SUMMARY),
        ("Sản phẩm đổi mới, sáng tạo", "Dạy học theo dự án"),
        ("Minh chứng", "https://drive.google.com/drive/folders/bench")]


def _docx(build: Callable[[object], None]) -> bytes:
    document = docbuild.new()
    build(document)
    return docbuild.to_bytes(document)


def form_docx() -> bytes:
    def build(d: object) -> None:
        d.add_paragraph("PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024")  # type: ignore[attr-defined]
        docbuild.form_table(d, FORM)  # type: ignore[arg-type]
    return _docx(build)


def report_docx() -> bytes:
    lines = ["BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC LÝ LỊCH", "- Họ tên: Đinh Văn Hùng",
             "- Sinh ngày: 12/03/1978", "- Chức vụ: Hiệu trưởng",
             "- Đơn vị công tác: Trường THCS Ninh Giang", "II. THÀNH TÍCH ĐẠT ĐƯỢC",
             *[f"{i}. {SUMMARY}" for i in range(1, 9)], "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
             "- Bằng khen của Chủ tịch UBND tỉnh năm 2023"]
    return _docx(lambda d: [d.add_paragraph(line) for line in lines])  # type: ignore[attr-defined]


LIST_HEADER = ["STT", "Họ và tên", "Chức vụ, đơn vị", "Cấp học", "Tóm tắt thành tích", "Minh chứng"]


def list_rows(count: int) -> list[list[str]]:
    return [[str(i), f"Nguyễn Thị Hoa {i}", "Giáo viên, Trường Tiểu học Ninh Khánh", "Tiểu học",
             SUMMARY, f"https://drive.google.com/file/d/{i}"] for i in range(1, count + 1)]


def list_docx() -> bytes:
    def build(d: object) -> None:
        d.add_paragraph("DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024")  # type: ignore[attr-defined]
        table = d.add_table(rows=0, cols=len(LIST_HEADER))  # type: ignore[attr-defined]
        for row in [LIST_HEADER, *list_rows(10)]:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    return _docx(build)


def list_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024"])
    for row in [LIST_HEADER, *list_rows(10)]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tcvn3_docx() -> bytes:
    rows = [("Hä vµ tªn", "§Æng M¹nh Dòng"), ("Chøc vô", "Gi¸o viªn"),
            ("§¬n vÞ c«ng t¸c", "Tr­êng THCS Yªn M¹c"),
            ("Tãm t¾t thµnh tÝch", "Líp chñ nhiÖm cã nhiÒu häc sinh giái")]

    def build(d: object) -> None:
        docbuild.form_table(d, rows)  # type: ignore[arg-type]
        for row in d.tables[0].rows:  # type: ignore[attr-defined]
            for cell in row.cells:
                docbuild.set_font(cell.paragraphs[0], ".VnTime")
    return _docx(build)


def corpus_attachment(case: str, suffix: str) -> bytes | None:
    for path in sorted(CORPUS.glob(f"{case}-*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in msg.walk():
            data = part.get_payload(decode=True)
            if (part.get_filename() or "").lower().endswith(suffix) and isinstance(data, bytes):
                return data
    return None


def text_pdf(pages: int = 2, images: list[bytes] | None = None) -> bytes | None:
    """A typed PDF form (fpdf2 with DejaVu for Vietnamese), else the corpus one."""
    try:
        from fpdf import FPDF
    except ImportError:
        return corpus_attachment("006", ".pdf")
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            for label, value in FORM:
                pdf.multi_cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 6, SUMMARY * 8, new_x="LMARGIN", new_y="NEXT")
        if images:
            pdf.image(io.BytesIO(images[page % len(images)]), x=10, y=150, w=120)
    return bytes(pdf.output())


BODY_TEXT = "Kính gửi Sở GDĐT,\n\n" + "\n".join(f"{k}: {v}" for k, v in FORM) + "\n\nTrân trọng."
BODY_HTML = "<div>Kính gửi Sở GDĐT,<br><br>" + "<br>".join(
    f"<b>{k}:</b> {v}" for k, v in FORM) + "<br><br>Trân trọng.</div>"


def photo(size: int) -> bytes:
    """A PNG of noise, so it neither compresses in the zip nor shrinks in the PDF."""
    side = int((size / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG",
                                                                         compress_level=0)
    return out.getvalue()


def big_docx() -> bytes:
    def build(d: object) -> None:
        d.add_paragraph("PHIẾU ĐĂNG KÝ")  # type: ignore[attr-defined]
        docbuild.form_table(d, FORM)  # type: ignore[arg-type]
        for _ in range(4):
            d.add_picture(io.BytesIO(photo(BIG // 4)))  # type: ignore[attr-defined]
    return _docx(build)


def big_pdf() -> bytes | None:
    return text_pdf(pages=4, images=[photo(BIG // 4) for _ in range(4)])  # distinct: fpdf2 dedupes


def shapes() -> dict[str, Callable[[], object]]:
    """Each shape's one-document parse, as the intake calls it."""
    def doc(name: str, data: bytes | None) -> Callable[[], object] | None:
        if data is None:
            return None
        item = DocumentInput(filename=name, data=data)
        return lambda: parse_document(item)
    found = {
        "docx form": doc("form.docx", form_docx()),
        "docx ND98 report": doc("bc.docx", report_docx()),
        "docx DANH SÁCH list (10 rows)": doc("ds.docx", list_docx()),
        "xlsx list (10 rows)": doc("ds.xlsx", list_xlsx()),
        "text PDF": doc("form.pdf", text_pdf()),
        ".doc via antiword": doc("bc.doc", corpus_attachment("008", ".doc")),
        "mail body, plain": lambda: parse_body(BODY_TEXT, None),
        "mail body, HTML": lambda: parse_body(None, BODY_HTML),
        "TCVN3 docx": doc("tcvn3.docx", tcvn3_docx()),
    }
    return {name: run for name, run in found.items() if run is not None}


def rate(run: Callable[[], object], seconds: float) -> float:
    """Documents per second over about `seconds` (after one warm-up parse)."""
    run()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run()
        count += 1
    return count / elapsed


def peak_rss_kb() -> int:
    """This process's peak resident size: VmHWM, because ru_maxrss carries the parent's peak
    over fork+exec on Linux and would hide the child's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory(path: Path) -> dict[str, float]:
    """Peak memory of one parse of the document at `path`, in this (fresh) process."""
    item = DocumentInput(filename=path.name, data=path.read_bytes())
    before = peak_rss_kb()
    tracemalloc.start()
    started = time.perf_counter()
    parse_document(item)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    after = peak_rss_kb()
    return {"size_mb": len(item.data) / 2**20, "seconds": took,
            "tracemalloc_peak_mb": peak / 2**20, "maxrss_delta_mb": (after - before) / 1024}


def report_memory(workdir: Path) -> None:
    """Build each 20 MB document here, then parse it in a fresh process so maxrss is its own."""
    for name, build in (("big.docx", big_docx), ("big.pdf", big_pdf)):
        data = build()
        if data is None:
            print(f"  {name}: skipped (no PDF builder and no corpus PDF)")
            continue
        path = workdir / name
        path.write_bytes(data)
        done = subprocess.run([sys.executable, __file__, "--memory", str(path)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not done.stdout.strip():
            print(f"  {name}: failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        m = json.loads(done.stdout)
        print(f"  {name:<8} {m['size_mb']:5.1f} MB: parsed in {m['seconds']:.2f} s, "
              f"tracemalloc peak {m['tracemalloc_peak_mb']:.1f} MB, "
              f"peak RSS +{m['maxrss_delta_mb']:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.5, help="time spent on each shape")
    parser.add_argument("--memory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        print(json.dumps(memory(args.memory)))
        return
    print("documents parsed per second")
    for name, run in shapes().items():
        print(f"  {name:<32} {rate(run, args.seconds):8.1f} /s")
    print("peak memory parsing a 20 MB attachment (fresh process each)")
    with tempfile.TemporaryDirectory(prefix="dhtt-bench-") as workdir:
        report_memory(Path(workdir))


if __name__ == "__main__":
    main()
