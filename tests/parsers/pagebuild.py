"""Draw pages the way units send them, for the OCR tests and bench: typed text rendered with
Pillow, a red round seal and a blue signature over it, a few degrees of skew, paper tint and
specks (an ND98 report, a form, a DANH SÁCH); and a photo that is no document."""

from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
DPI = 200
PAPER = (247, 245, 238)
RED = (205, 40, 45)
BLUE = (40, 60, 165)


def _font(size_pt: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(BOLD if bold else FONT, round(size_pt * DPI / 72))


class Page:
    """An A4 page (portrait or landscape) drawn top to bottom."""

    def __init__(self, landscape: bool = False) -> None:
        size = (round(8.27 * DPI), round(11.69 * DPI))
        self.image = Image.new("RGB", size[::-1] if landscape else size, PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.margin = round(0.9 * DPI)
        self.y = round(0.8 * DPI)

    def line(self, text: str, size: float = 13, bold: bool = False, center: bool = False) -> None:
        font = _font(size, bold)
        width = self.draw.textlength(text, font=font)
        x = (self.image.width - width) / 2 if center else self.margin
        self.draw.text((x, self.y), text, font=font, fill=(20, 20, 20))
        self.y += round(font.size * 1.45)

    def gap(self, points: float = 8) -> None:
        self.y += round(points * DPI / 72)

    def table(self, widths: list[float], rows: list[list[str]], size: float = 11,
              columns_ruled: bool = True) -> None:
        """A ruled table; `widths` are shares of the text width, cells wrap on words; without
        column lines when `columns_ruled` is false (rows ruled only)."""
        font = _font(size)
        total = self.image.width - 2 * self.margin
        xs = [self.margin]
        for share in widths:
            xs.append(xs[-1] + round(share * total))
        pad = round(0.05 * DPI)
        for r, row in enumerate(rows):
            cells = [_wrap(self.draw, text, font, xs[i + 1] - xs[i] - 2 * pad) for i, text in enumerate(row)]
            height = max(len(c) for c in cells) * round(font.size * 1.35) + 2 * pad
            self.draw.line([(xs[0], self.y), (xs[-1], self.y)], fill=(15, 15, 15), width=3)
            for i, lines in enumerate(cells):
                for k, text in enumerate(lines):
                    self.draw.text((xs[i] + pad, self.y + pad + k * round(font.size * 1.35)), text,
                                   font=_font(size, bold=r == 0), fill=(20, 20, 20))
            for x in xs if columns_ruled else []:
                self.draw.line([(x, self.y), (x, self.y + height)], fill=(15, 15, 15), width=3)
            self.y += height
        self.draw.line([(xs[0], self.y), (xs[-1], self.y)], fill=(15, 15, 15), width=3)
        self.y += round(0.15 * DPI)

    def seal(self, x: int, y: int) -> None:
        """A red round seal with a star and ring text, drawn over whatever is there."""
        for radius, width in ((170, 9), (120, 5)):
            self.draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=RED, width=width)
        self.draw.text((x - 70, y - 25), "TRƯỜNG", font=_font(14, True), fill=RED)
        self.draw.text((x - 140, y - 155), "SỞ GIÁO DỤC VÀ ĐÀO TẠO", font=_font(10, True), fill=RED)

    def signature(self, x: int, y: int) -> None:
        """A blue scribble."""
        points = [(x + i * 6, y + 35 * math.sin(i / 3.0) + (i % 7) * 3) for i in range(70)]
        self.draw.line(points, fill=BLUE, width=5)

    def finish(self, skew: float = 1.2, seed: int = 7) -> Image.Image:
        """The page as scanned: rotated a little, a few specks of dust."""
        rng = random.Random(seed)
        for _ in range(300):
            px, py = rng.randrange(self.image.width), rng.randrange(self.image.height)
            self.draw.point((px, py), fill=(90, 90, 90))
        return self.image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=PAPER)


def report_pages() -> list[Image.Image]:
    """An ND98 individual report: bio and achievements on page 1, seal and signatures on page 2."""
    one = Page()
    one.line("SỞ GDĐT NINH BÌNH", 12)
    one.line("TRƯỜNG THPT HOA LƯ A", 12, bold=True)
    one.gap(10)
    one.line("BÁO CÁO THÀNH TÍCH", 14, bold=True, center=True)
    one.line("ĐỀ NGHỊ TUYÊN DƯƠNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024", 12, bold=True, center=True)
    one.gap(8)
    for line in ("I. SƠ LƯỢC LÝ LỊCH", "- Họ tên: Nguyễn Thị Hương", "- Sinh ngày: 14/02/1985",
                 "- Đơn vị công tác: Trường THPT Hoa Lư A", "- Chức vụ: Giáo viên Ngữ văn",
                 "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                 "- Bồi dưỡng 12 học sinh đạt giải học sinh giỏi cấp tỉnh môn Ngữ văn.",
                 "- Đạt giải Nhì Hội thi giáo viên dạy giỏi cấp tỉnh năm học 2023-2024.",
                 "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
                 "- Giấy khen của Giám đốc Sở GDĐT năm học 2022-2023"):
        one.line(line, 13, bold=line[:2] in ("I.", "II"))
    two = Page()
    two.line("THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN", 12, bold=True)
    two.line("(Ký, đóng dấu)", 12)
    two.seal(two.margin + 250, two.y + 120)
    two.signature(two.margin + 120, two.y + 100)
    two.gap(60)
    two.line("Hiệu trưởng Trần Văn Minh", 12, bold=True)
    return [one.finish(skew=1.3), two.finish(skew=-0.8, seed=9)]


def form_page() -> Image.Image:
    """A two-column form in a ruled table, with a seal and a signature over its last rows."""
    page = Page()
    page.line("PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN", 14, bold=True, center=True)
    page.line("QUÝ III NĂM 2024", 13, bold=True, center=True)
    page.gap(10)
    page.table([0.35, 0.65], [
        ["Họ và tên", "Phạm Văn Khánh"], ["Đối tượng", "Cán bộ quản lý"], ["Chức vụ", "Hiệu trưởng"],
        ["Đơn vị công tác", "Trường Tiểu học Ninh Khánh"],
        ["Tóm tắt thành tích nổi bật", "- Chỉ đạo nhà trường đạt chuẩn quốc gia mức độ 2.\n"
         "- Sáng kiến quản lý bán trú được công nhận cấp tỉnh."]], size=13)
    page.gap(20)
    page.line("HIỆU TRƯỞNG", 13, bold=True, center=True)
    page.seal(page.image.width // 2, page.y + 60)
    page.signature(page.image.width // 2 - 150, page.y + 40)
    return page.finish(skew=-1.6)


def list_page(columns_ruled: bool = True) -> Image.Image:
    """A landscape DANH SÁCH in a ruled table, one row per school level."""
    page = Page(landscape=True)
    page.line("PHÒNG GDĐT HUYỆN GIA VIỄN", 12, bold=True)
    page.line("DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ IV NĂM 2024", 14, bold=True, center=True)
    page.gap(6)
    page.table([0.06, 0.18, 0.26, 0.1, 0.4], [
        ["STT", "Họ và tên", "Chức vụ, đơn vị", "Cấp học", "Tóm tắt thành tích"],
        ["1", "Đỗ Thị Mai", "Giáo viên, Trường Mầm non Gia Hòa", "Mầm non",
         "- Thiết kế 15 hoạt động trải nghiệm cho trẻ được áp dụng toàn huyện."],
        ["2", "Vũ Minh Tuấn", "Hiệu trưởng, Trường Tiểu học Gia Lập", "Tiểu học",
         "- Chỉ đạo đổi mới sinh hoạt chuyên môn theo nghiên cứu bài học."],
        ["3", "Lê Thu Trang", "Học sinh lớp 8A, Trường THCS Gia Vân", "THCS",
         "- Giải Nhất học sinh giỏi cấp tỉnh môn Toán."]], size=12, columns_ruled=columns_ruled)
    page.line("NGƯỜI LẬP BIỂU", 12, bold=True)
    page.signature(page.margin + 60, page.y + 30)
    return page.finish(skew=0.9)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and draw.textlength(trial, font=font) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def phone_photo(page: Image.Image, angle: float = 4.0, tilt: float = 0.03,
                shadow: float = 0.55, seed: int = 1) -> Image.Image:
    """The page photographed on a desk: a brown background around it, the top narrower than
    the bottom (perspective), turned a few degrees, darker towards one corner, slightly blurred
    and noisy, as a phone gives it (12 MP)."""
    desk = (120, 90, 60)
    width, height = (3000, 4000) if page.height > page.width else (4000, 3000)
    scale = 0.82 * min(width / page.width, height / page.height)
    shot = page.resize((int(page.width * scale), int(page.height * scale)))
    w, h = shot.size
    inset = int(w * tilt)
    shot = shot.transform((w, h), Image.Transform.PERSPECTIVE,
                          _perspective([(inset, 0), (w - inset, 0), (w, h), (0, h)], [(0, 0), (w, 0), (w, h), (0, h)]),
                          Image.Resampling.BICUBIC, fillcolor=desk)
    shot = shot.rotate(angle, expand=True, fillcolor=desk)
    frame = Image.new("RGB", (width, height), desk)
    frame.paste(shot, ((width - shot.width) // 2, (height - shot.height) // 2))
    pixels = np.asarray(frame).astype(np.float32)
    light = np.linspace(1.0, shadow, height)[:, None, None] * np.linspace(1.0, 0.85, width)[None, :, None]
    noise = np.random.default_rng(seed).normal(0, 4, pixels.shape)
    pixels = np.clip(pixels * light + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(1.0))


def _perspective(source: list[tuple[int, int]], target: list[tuple[int, int]]) -> list[float]:
    """The eight coefficients Pillow's PERSPECTIVE transform takes, mapping target to source."""
    rows = []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solved = np.linalg.solve(np.array(rows, dtype=float), np.array(target, dtype=float).reshape(8))
    return [float(c) for c in solved]


def pdf_of(*pages: Image.Image) -> bytes:
    """An image-only PDF, one JPEG per page, as a scanner writes it."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "PDF", resolution=DPI, save_all=True, append_images=rest, quality=85)
    return out.getvalue()


def jpeg_of(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def photo(width: int = 1600, height: int = 1200, seed: int = 3) -> Image.Image:
    """A picture with no text: a classroom's coloured shapes on a mid-toned background."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(90, 160),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle([x, y, x + rng.randrange(80, 400), y + rng.randrange(80, 300)], fill=colour)
    return image
