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
SATURATED = 0.35  # or (max-min)/max above this: coloured ink in a dim photo
THIN_INK = 0.7  # share of the ink in thin strokes on a page of type (pictures: well under half)
MAX_SKEW = 8.0  # degrees searched either way
TARGET_TEXT_SIDE = 3000  # long side a page is scaled towards for OCR (≈ 250 dpi on A4)
MAX_SIDE = 4000  # larger photos and pages are shrunk to this long side before any work
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)


class NotAnImage(Exception):
    """The bytes are no image Pillow can decode, or an absurdly large one."""


def load(data: bytes, side: int = MAX_SIDE) -> Image.Image:
    """The image upright per its EXIF orientation, in RGB, no larger than `side` (a JPEG is
    decoded at a reduced scale right away, which makes the cheap look cheap)."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise NotAnImage(f"{image.width}x{image.height} pixels")
        image.draft("RGB", (side, side))
        upright = (ImageOps.exif_transpose(image) or image).convert("RGB")
        upright.thumbnail((side, side))  # memory: a page's arrays stay a few tens of MB
        return upright
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc


def thumbnail(image: Image.Image, side: int = THUMB_SIDE) -> Image.Image:
    """A copy no larger than `side` on its long side."""
    small = image.copy()
    small.thumbnail((side, side))
    return small


def looks_like_page(image: Image.Image) -> bool:
    """The cheap look (a thumbnail, a few array operations): a page is mostly pale, unsaturated
    paper (pale relative to the light around it, so a shadowed phone photo counts) with a
    little dark, unsaturated ink in thin strokes; classroom photos are saturated, mid-toned or
    made of broad shapes. Pages that pass but hold no nomination (certificates) are told apart
    later by what a quick OCR of them says."""
    if max(image.size) < MIN_SIDE:
        return False
    rgb = np.asarray(thumbnail(image).convert("RGB"), dtype=np.float32)
    value = rgb.max(axis=2)
    saturation = (value - rgb.min(axis=2)) / np.maximum(value, 1.0)
    grey = Image.fromarray(value.astype(np.uint8), "L")
    light = _paper_light(grey, 4)
    lit = value / light
    paper = (lit > 0.8) & (saturation < 0.25)
    ink = (lit < 0.55) & (saturation < 0.35)
    # Type is thin: a 5-pixel window reaches paper from any stroke pixel, not from the inside
    # of the dark shapes of a picture.
    thin = ink & (np.asarray(grey.filter(ImageFilter.MaxFilter(5)), dtype=np.float32) / light > 0.8)
    share = ink.mean()
    return bool(paper.mean() > 0.3 and 0.003 < share < min(0.3, paper.mean())
                and thin.sum() >= THIN_INK * ink.sum())


def _paper_light(grey: Image.Image, step: int) -> np.ndarray:
    """How bright the paper is around each pixel: the brightest pixel nearby (letters are
    narrower than the window), measured at 1/`step` scale and blurred."""
    small = grey.reduce(step).filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    light = np.asarray(small.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.float32)
    return np.maximum(light, 32.0)


def suppress_ink(image: Image.Image) -> Image.Image:
    """Greyscale where red seals and blue signatures fade to paper.

    The brightest of R, G, B keeps black text black but turns coloured ink light (a red seal
    is bright in R, blue ink in B); pixels clearly coloured are then set to paper outright.
    """
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    value = rgb.max(axis=2)
    chroma = value - rgb.min(axis=2)  # no overflow: max >= min
    # Saturation, not chroma alone: in a dim photo a red seal's chroma is small, its share of
    # the pixel's brightness is not.
    coloured = (chroma > CHROMA_INK) | (chroma.astype(np.float32) > SATURATED * np.maximum(value, 1))
    grey = np.where(coloured & (chroma > 20), np.uint8(255), value)
    return _normalise(Image.fromarray(grey, "L"))


def _normalise(grey: Image.Image) -> Image.Image:
    """Even out the light (a phone photo is darker at one edge, shadowed by the hand), then
    stretch contrast so paper is white and ink black.

    Each pixel is divided by the paper's brightness around it.
    """
    if min(grey.size) >= 400:
        pixels = np.asarray(grey, dtype=np.float32) * 255.0 / _paper_light(grey, 8)
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
