"""Scans and photos of nomination documents, read by OCR (tesseract, Vietnamese): image-only
PDFs and JPEG/PNG/TIFF photos of pages become the same blocks a typed document gives, and go
through the same form, report and list logic. Photos that are no document stay evidence after
a cheap look."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no type information
from PIL import Image

from parsers import ocr_engine, ocr_image, ocr_layout, ocr_tables
from parsers.blocks import parse_blocks
from parsers.docx_reader import Block
from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput, ParsedDocument
from parsers.vntext import fold

log = logging.getLogger(__name__)

MAX_PAGES = 10  # pages read per document; a nomination is a few pages, the rest is annexes
DOCUMENT_SECONDS = 240.0  # all pages of one document; each page also has ocr_engine.PAGE_SECONDS
MIN_TEXT_CHARS = 60  # fewer characters on page 1 (a "Scanned by …" stamp) still make a scan
RENDER_DPI = 200  # image-only PDF pages are drawn at this resolution (scans are 150-300 dpi)
MIN_ORIENTATION_CONFIDENCE = 1.0
PHOTO_SIDE = 2000  # a photo's look for orientation and document words is at this size
TITLE_SHARE = 0.45  # the quick read of a photo covers this top share of it
GOOD_READ = 0.6  # share of confident words above which a page is taken as upright (no OSD)
# Words of a nomination document's first page: a photo whose quick read has none of them is
# evidence (a certificate, a newspaper cutting), not worth a full read.
DOCUMENT_WORDS = ("danh sach", "bao cao", "phieu", "ho va ten", "ho ten", "ly lich",
                  "guong dien hinh", "tien tien", "de nghi", "dang ky", "tom tat")
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC)


def image_only_pdf(data: bytes) -> bool:
    """True when the first page is an image with next to no text: a scan (pdfium opens it in
    milliseconds). Scanner apps stamp a line of text on their pages, hence a few characters."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False  # damaged or password-protected: the text PDF parser says which
    try:
        if len(pdf) == 0:
            return False
        page = pdf[0]
        has_text = page.get_textpage().count_chars() >= MIN_TEXT_CHARS
        has_image = any(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in page.get_objects(max_depth=2))
        return has_image and not has_text
    finally:
        pdf.close()


class OcrParser:
    """Image-only PDFs (above the text PDF parser) and photos that look like a page."""

    def __init__(self) -> None:
        self._ready: bool | None = None

    def ready(self) -> bool:
        """Whether tesseract and its Vietnamese model are installed (asked once)."""
        if self._ready is None:
            self._ready = ocr_engine.available()
            if not self._ready:
                log.warning("tesseract with the 'vie' model is missing: scans stay evidence")
        return self._ready

    def handles(self, doc: DocumentInput) -> int | None:
        """95 for a PDF whose first page is only an image, 60 for a photo of a page."""
        if is_pdf(doc.data):
            return 95 if image_only_pdf(doc.data) and self.ready() else None
        if is_image(doc.data) and self.ready():
            try:
                small = ocr_image.load(doc.data, ocr_image.THUMB_SIDE)
                return 60 if ocr_image.looks_like_page(small) else None
            except ocr_image.NotAnImage:
                return None
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """OCR the pages and parse them as a typed document; nothing found reads as before."""
        deadline = time.monotonic() + DOCUMENT_SECONDS
        scan = is_pdf(doc.data)
        # Nothing read: a scan goes to a person (as before OCR), a photo stays evidence.
        empty = ParsedDocument(source=doc.filename, shape="pdf" if scan else "photo")
        try:
            blocks = (read_pages(_pdf_pages(doc), RENDER_DPI, deadline) if scan
                      else read_photo(_photo(doc), deadline))
        except (ValueError, OSError, MemoryError) as exc:
            # Pillow/numpy on an odd image: OCR is a bonus, its failure must not lose the file.
            log.warning("OCR of %s failed: %r", doc.filename, exc)
            return empty
        parsed = parse_blocks(blocks, doc.filename)
        if not parsed.nominations:
            return empty
        parsed.ocr = True
        return parsed


def _pdf_pages(doc: DocumentInput) -> Iterator[Image.Image]:
    """The first MAX_PAGES pages drawn in colour, one at a time (memory stays one page)."""
    try:
        pdf = pdfium.PdfDocument(doc.data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(doc.filename, f"damaged PDF: {exc}") from exc
    try:
        for index in range(min(len(pdf), MAX_PAGES)):
            page = pdf[index]
            # A poster-sized page is drawn smaller: memory stays that of an A4 page or two.
            scale = min(RENDER_DPI / 72, ocr_image.MAX_SIDE / max(max(page.get_size()), 1.0))
            try:
                image = page.render(scale=scale).to_pil().convert("RGB")
            except pdfium.PdfiumError as exc:
                log.warning("page %d of %s could not be drawn: %s", index + 1, doc.filename, exc)
                continue
            finally:
                page.close()
            yield image
    finally:
        pdf.close()


def _photo(doc: DocumentInput) -> Image.Image:
    """The photo, upright, in RGB (a multi-page TIFF gives its first page only)."""
    try:
        return ocr_image.load(doc.data)
    except ocr_image.NotAnImage as exc:
        raise UnreadableDocument(doc.filename, f"damaged image: {exc}") from exc


def read_photo(first: Image.Image, deadline: float) -> list[Block]:
    """Blocks of a photo that passes the second look (text in it says nomination), else []."""
    try:
        grey = ocr_image.suppress_ink(first)
        upright = _upright(grey, PHOTO_SIDE)
        if upright is None:
            return []  # too few characters for OSD: a picture, not a page
        quick = ocr_image.thumbnail(upright, PHOTO_SIDE)
        dpi = _photo_dpi(quick)
        top = quick.crop((0, 0, quick.width, round(quick.height * TITLE_SHARE)))  # titles are on top
        words = ocr_engine.words(top, dpi=dpi, timeout=_left(deadline))
        if not any(word in fold(" ".join(w.text for w in words if w.conf > 40)) for word in DOCUMENT_WORDS):
            return []
        return read_grey(upright, _photo_dpi(first), deadline)[0]
    except ocr_engine.OcrFailed as exc:
        log.warning("OCR of a photo failed: %s", exc)
        return []


def _photo_dpi(image: Image.Image) -> int:
    """A photo's resolution as if the page (A4, 11.7 in tall) filled the frame."""
    return max(70, min(600, round(max(image.size) / 11.7)))


def read_pages(pages: Iterator[Image.Image], dpi: int, deadline: float) -> list[Block]:
    """Blocks of every page read before the deadline; a table continued on the next page
    (no header of its own, same columns) joins the one before."""
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        if time.monotonic() >= deadline:
            log.info("OCR stopped at page %d: document time limit", number)
            break
        try:
            _append(blocks, read_page(page, dpi, deadline))
        except ocr_engine.OcrFailed as exc:
            log.warning("OCR of page %d failed: %s", number, exc)
    return blocks


def _append(blocks: list[Block], page: list[Block]) -> None:
    last_table = next((b for b in reversed(blocks) if b.rows), None)
    first = page[0] if page else None
    if (last_table is not None and first is not None and first.rows
            and len(first.rows[0]) == len(last_table.rows[0])
            and not ocr_layout.has_header(first.rows)):
        last_table.rows.extend(first.rows)
        page = page[1:]
    blocks.extend(page)


def read_page(rgb: Image.Image, dpi: int, deadline: float) -> list[Block]:
    """One page: ink removed, then read as it lies; only when that reads badly (a page scanned
    sideways or upside down) does OSD say how to turn it, and the page is read again."""
    grey = ocr_image.suppress_ink(rgb)
    blocks, quality = read_grey(grey, dpi, deadline)
    if quality >= GOOD_READ:
        return blocks
    turned = _upright(grey)
    if turned is None or turned is grey:
        return blocks
    again, better = read_grey(turned, dpi, deadline)
    return again if better > quality else blocks


def read_grey(grey: Image.Image, dpi: int, deadline: float) -> tuple[list[Block], float]:
    """An upright greyscale page: straightened, tables found, rules erased, words read; with
    the share of its words tesseract is sure of."""
    grey = ocr_image.straighten(grey, ocr_image.skew_angle(grey))
    grey, factor = ocr_image.scale_for_ocr(grey)
    pixels = np.asarray(grey, dtype=np.uint8)
    tables = ocr_tables.find_tables(pixels < ocr_image.otsu(pixels))
    clean = Image.fromarray(ocr_tables.erase_rules(pixels, tables), "L")
    words = ocr_engine.words(clean, dpi=round(dpi * factor), timeout=_left(deadline))
    return ocr_layout.to_blocks(words, tables), _quality(words)


def _quality(words: list[ocr_engine.Word]) -> float:
    """Share of the words of three letters or more read with confidence (0 for no words)."""
    long = [w for w in words if sum(ch.isalpha() for ch in w.text) >= 3]
    return sum(w.conf >= 70 for w in long) / len(long) if len(long) >= 5 else 0.0


def _upright(grey: Image.Image, side: int = 1200) -> Image.Image | None:
    """The page turned as OSD says, or None when OSD finds too few characters to judge.
    OSD reads a `side`-pixel copy: enough for a scan's type, a photo's page is smaller."""
    small = ocr_image.thumbnail(grey, side)
    found = ocr_engine.orientation(small, timeout=min(ocr_engine.PAGE_SECONDS, 30.0))
    if found is None:
        return None
    rotate, confidence = found
    if rotate and confidence >= MIN_ORIENTATION_CONFIDENCE:
        return grey.rotate(-rotate, expand=True, fillcolor=255)  # OSD says clockwise
    return grey


def _left(deadline: float) -> float:
    """Seconds the next tesseract run may take."""
    return max(1.0, min(ocr_engine.PAGE_SECONDS, deadline - time.monotonic()))
