"""Parser benchmark: documents parsed per second for each shape, and peak memory while parsing
a 20 MB attachment (a .docx full of photos, a PDF of the same size). Then OCR pages per second
(a scanned page, a photo) against bare tesseract on the same page, .xls/.ods rows per second
against the same rows in .xlsx (openpyxl), a 20-page scanned PDF's time and peak memory, and
digital-signature checks per second (a PDF signed under a throwaway CA, and an unsigned one).

Documents are built here (python-docx, openpyxl, fpdf2 when installed); the .doc and, without
fpdf2, the PDF come from the shared corpus. Prints figures, asserts nothing; runs in a few minutes (OCR is most of it).

Usage: .venv/bin/python bench/parse.py [--seconds 1.5] [--skip shapes memory sheets ocr signatures]
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

from parsers import ocr, ocr_engine  # noqa: E402
from parsers.body import parse_body  # noqa: E402
from parsers.models import DocumentInput  # noqa: E402
from parsers.registry import parse_document  # noqa: E402
from tests.parsers import docbuild, pagebuild  # noqa: E402

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
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest tesseract run
    return {"size_mb": len(item.data) / 2**20, "seconds": took,
            "tracemalloc_peak_mb": peak / 2**20, "maxrss_delta_mb": (after - before) / 1024,
            "child_maxrss_mb": children / 1024}


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


SHEET_ROWS = 300


def sheet_rows() -> list[list[str]]:
    return [LIST_HEADER, *list_rows(SHEET_ROWS)]


def big_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in sheet_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_xls() -> bytes:
    import xlwt  # type: ignore[import-untyped]  # test-only writer

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS")
    for r, row in enumerate(sheet_rows()):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    doc = OpenDocumentSpreadsheet()
    table = Table(name="DS")
    for row in sheet_rows():
        tr = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def report_sheets(seconds: float) -> None:
    """List rows per second of .xls and .ods (calamine) against the same rows in .xlsx."""
    docs = {name: DocumentInput(filename=name, data=build())
            for name, build in (("ds.xlsx", big_xlsx), ("ds.xls", big_xls), ("ds.ods", big_ods))}
    rows = {name: SHEET_ROWS * rate(lambda d=doc: parse_document(d), seconds)
            for name, doc in docs.items()}
    base = rows["ds.xlsx"]
    print(f"list rows per second ({SHEET_ROWS}-row sheet; baseline: the same rows as .xlsx, openpyxl)")
    for name, value in rows.items():
        print(f"  {name:<8} {value:10.0f} rows/s   {value / base:6.2f}x the .xlsx rate")
    data = docs["ds.xlsx"].data
    by_openpyxl = SHEET_ROWS * rate(lambda: _openpyxl_rows(data), seconds)
    by_calamine = SHEET_ROWS * rate(lambda: _calamine_rows(data), seconds)
    print(f"  reading the .xlsx rows only: openpyxl {by_openpyxl:8.0f} rows/s, calamine "
          f"{by_calamine:8.0f} rows/s ({by_calamine / by_openpyxl:.1f}x)")


def _openpyxl_rows(data: bytes) -> object:
    from parsers.xlsx import sheet_rows as xlsx_rows

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return [xlsx_rows(ws) for ws in book.worksheets]


def _calamine_rows(data: bytes) -> object:
    from python_calamine import CalamineWorkbook

    from parsers.sheets import sheet_rows as calamine_rows

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [calamine_rows(book.get_sheet_by_name(name)) for name in book.sheet_names]


def _bare_tesseract(page: bytes) -> Callable[[], object]:
    """The baseline: tesseract alone on the page image, no preparation, no layout."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cmd = [ocr_engine.TESSERACT, "stdin", "stdout", "-l", ocr_engine.LANGUAGE, "--psm", "3"]
    return lambda: subprocess.run(cmd, input=page, capture_output=True, env=env, check=True)


def report_ocr(seconds: float) -> None:
    """OCR pages per second, a scan and a photo, each against bare tesseract on the same page."""
    scan_page = pagebuild.report_pages()[0]
    photo_page = pagebuild.form_page()
    cases = {
        "scanned PDF page": (DocumentInput(filename="scan.pdf", data=pagebuild.pdf_of(scan_page)),
                             scan_page),
        "photo of a page (JPEG)": (DocumentInput(filename="anh.jpg",
                                                 data=pagebuild.jpeg_of(photo_page)), photo_page),
    }
    print("OCR pages per second (baseline: bare tesseract -l vie on the same page image)")
    for name, (doc, image) in cases.items():
        png = io.BytesIO()
        image.save(png, "PNG")
        ours = rate(lambda d=doc: parse_document(d), seconds)
        bare = rate(_bare_tesseract(png.getvalue()), seconds)
        print(f"  {name:<24} {ours:6.2f} pages/s   bare {bare:6.2f} pages/s   "
              f"ratio {bare / ours:5.2f}x the time")
    evidence = DocumentInput(filename="lop.jpg", data=pagebuild.jpeg_of(pagebuild.photo(4000, 3000)))
    print(f"  {'evidence photo (12 MP)':<24} {rate(lambda: parse_document(evidence), seconds):6.1f} "
          f"photos/s (cheap look only)")


def report_scan_memory(workdir: Path) -> None:
    """A 20-page scanned PDF parsed in a fresh process: with the page cap, and with all pages."""
    path = workdir / "scan20.pdf"
    pages = pagebuild.report_pages()
    path.write_bytes(pagebuild.pdf_of(*(pages * 10)))
    for cap in (ocr.MAX_PAGES, 20):
        done = subprocess.run([sys.executable, __file__, "--memory", str(path), "--ocr-pages",
                               str(cap)], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not done.stdout.strip():
            print(f"  scan20.pdf: failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        m = json.loads(done.stdout)
        print(f"  scan20.pdf {m['size_mb']:4.1f} MB, {min(cap, 20)} pages read: {m['seconds']:.1f} s, "
              f"peak RSS +{m['maxrss_delta_mb']:.1f} MB (tesseract at most {m['child_maxrss_mb']:.0f} MB)")


def report_signatures(seconds: float) -> None:
    """Signature checks per second: signed (root installed), and unsigned (only the /ByteRange scan)."""
    from parsers.pdf_signature import check_signatures
    from tests.parsers.signbuild import authority, plain_pdf, sign

    ca = authority()
    unsigned = plain_pdf(*[f"Dòng {i} của báo cáo thành tích" for i in range(30)])
    signed = sign(unsigned, ca)
    print("PDF signature checks per second (offline, root installed)")
    for name, data in (("signed PDF", signed), ("unsigned PDF", unsigned)):
        print(f"  {name:<32} {rate(lambda d=data: check_signatures(d, [ca.root_pem]), seconds):8.1f} /s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.5, help="time spent on each shape")
    parser.add_argument("--memory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ocr-pages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--skip", nargs="*", default=[], choices=["shapes", "memory", "sheets", "ocr", "signatures"],
                        help="parts not to run")
    args = parser.parse_args()
    if args.memory:
        if args.ocr_pages:
            ocr.MAX_PAGES = args.ocr_pages
        print(json.dumps(memory(args.memory)))
        return
    if "signatures" not in args.skip:
        report_signatures(args.seconds)
    if "sheets" not in args.skip:
        report_sheets(args.seconds)
    if "ocr" not in args.skip:
        report_ocr(args.seconds)
        print("a 20-page scanned PDF (fresh process each)")
        with tempfile.TemporaryDirectory(prefix="dhtt-bench-") as workdir:
            report_scan_memory(Path(workdir))
    if "shapes" in args.skip:
        return
    print("documents parsed per second")
    for name, run in shapes().items():
        print(f"  {name:<32} {rate(run, args.seconds):8.1f} /s")
    if "memory" in args.skip:
        return
    print("peak memory parsing a 20 MB attachment (fresh process each)")
    with tempfile.TemporaryDirectory(prefix="dhtt-bench-") as workdir:
        report_memory(Path(workdir))


if __name__ == "__main__":
    main()
