"""Page images made ready for OCR: a cheap look (is this a page of text at all?), seal and
signature ink removed, the skew measured and undone, the scale brought to what tesseract reads.

Done with Pillow and numpy by hand: OpenCV would do each step in one call but is a large
dependency for four small operations on one greyscale array.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter, ImageOps

THUMB_SIDE = 800  # the cheap look and the skew search work on an image this size
MIN_SIDE = 600  # a smaller image cannot hold a readable page
CHROMA_INK = 60  # max-min of R, G, B above which a pixel is coloured ink (seal, signature)
MAX_SKEW = 8.0  # degrees searched either way
TARGET_TEXT_SIDE = 3000  # long side a page is scaled towards for OCR (≈ 250 dpi on A4)
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)


class NotAnImage(Exception):
    """The bytes are no image Pillow can decode, or an absurdly large one."""


def load(data: bytes) -> Image.Image:
    """The image upright per its EXIF orientation, in RGB."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise NotAnImage(f"{image.width}x{image.height} pixels")
        image.draft("RGB", (TARGET_TEXT_SIDE, TARGET_TEXT_SIDE))  # JPEG: decode at reduced size
        upright = ImageOps.exif_transpose(image)
        return (upright or image).convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc


def thumbnail(image: Image.Image, side: int = THUMB_SIDE) -> Image.Image:
    """A copy no larger than `side` on its long side."""
    small = image.copy()
    small.thumbnail((side, side))
    return small


def looks_like_page(image: Image.Image) -> bool:
    """The cheap look: a page is mostly pale, unsaturated paper with a little dark, unsaturated
    ink; classroom photos are saturated and mid-toned everywhere. Certificates and other pages
    that pass are told apart later by what OCR of their text says."""
    if max(image.size) < MIN_SIDE:
        return False
    rgb = np.asarray(thumbnail(image).convert("RGB"), dtype=np.int16)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    value = rgb.max(axis=2)
    level = _paper_level(value)
    paper = ((value > level) & (chroma < CHROMA_INK)).mean()
    ink = ((value < level - 60) & (chroma < CHROMA_INK)).mean()  # relative: thumbnails blur ink
    return bool(paper > 0.45 and 0.003 < ink < 0.35)


def _paper_level(value: np.ndarray) -> float:
    """What counts as paper here: phone photos are darker than scans, so relative to the
    brightest tenth of the image."""
    return float(min(200.0, np.percentile(value, 90) * 0.8))


def suppress_ink(image: Image.Image) -> Image.Image:
    """Greyscale where red seals and blue signatures fade to paper.

    The brightest of R, G, B keeps black text black but turns coloured ink light (a red seal
    is bright in R, blue ink in B); pixels clearly coloured are then set to paper outright.
    """
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    value = rgb.max(axis=2)
    chroma = value - rgb.min(axis=2)  # no overflow: max >= min
    grey = np.where(chroma > CHROMA_INK, np.uint8(255), value)
    return _normalise(Image.fromarray(grey, "L"))


def _normalise(grey: Image.Image) -> Image.Image:
    """Even out the light (a phone photo is darker at one edge, shadowed by the hand), then
    stretch contrast so paper is white and ink black.

    The paper's brightness is estimated at 1/8 scale: the brightest pixel around each point
    (letters are narrower than the window), blurred; each pixel is divided by it.
    """
    if min(grey.size) >= 400:
        small = grey.reduce(8).filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
        paper = np.asarray(small.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.float32)
        pixels = np.asarray(grey, dtype=np.float32) * 255.0 / np.maximum(paper, 32.0)
        grey = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return ImageOps.autocontrast(grey, cutoff=(1, 5))


def dark_mask(grey: Image.Image) -> np.ndarray:
    """Ink pixels (True) of a greyscale page, by a threshold between ink and paper (Otsu)."""
    pixels = np.asarray(grey, dtype=np.uint8)
    return pixels < otsu(pixels)


def otsu(pixels: np.ndarray) -> int:
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    weights = np.cumsum(hist)
    means = np.cumsum(hist * np.arange(256))
    between = (means[-1] * weights / total - means) ** 2 / np.maximum(weights * (total - weights), 1)
    return int(np.argmax(between))


def skew_angle(grey: Image.Image) -> float:
    """The page's skew in degrees: the rotation whose text rows give the sharpest horizontal
    projection (coarse search, then a finer one around the best)."""
    small = Image.fromarray((dark_mask(thumbnail(grey)) * 255).astype(np.uint8), "L")
    best = _best_angle(small, np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), 0.0)
    return _best_angle(small, np.arange(best - 0.5, best + 0.51, 0.1), best)


def _best_angle(mask: Image.Image, angles: np.ndarray, start: float) -> float:
    best, best_score = start, -1.0
    for angle in angles:
        rows = np.asarray(mask.rotate(float(angle), resample=Image.Resampling.NEAREST,
                                      fillcolor=0), dtype=np.float64).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return round(best, 2)


def straighten(grey: Image.Image, angle: float) -> Image.Image:
    """The page rotated by `angle` degrees (counter-clockwise), new corners filled with paper."""
    if abs(angle) < 0.05:
        return grey
    return grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def scale_for_ocr(image: Image.Image) -> tuple[Image.Image, float]:
    """The image scaled so its long side nears TARGET_TEXT_SIDE (up for small photos, down for
    huge ones), and the factor used."""
    factor = TARGET_TEXT_SIDE / max(image.size)
    if 0.8 <= factor <= 1.6:
        return image, 1.0
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS), factor
