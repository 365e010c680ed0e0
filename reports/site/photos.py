"""Photos for the public site: decoded and re-encoded, so no metadata (EXIF, GPS, comments) survives."""

from __future__ import annotations

import io
import math
import warnings

from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
# Only the formats of photos: Pillow would otherwise also open EPS (through Ghostscript) and other
# rarely used decoders for bytes a unit sent.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


class PhotoError(ValueError):
    """The chosen file is not an image Pillow can read safely; the page is published without it."""


def reencode(data: bytes, max_side: int) -> bytes:
    """A baseline JPEG of at most `max_side` pixels a side, upright, sRGB-ish, and without metadata.

    Only the pixels are copied into a new image: EXIF (GPS, camera, dates), XMP, ICC and comments
    of the original cannot reach the output, whatever Pillow's encoder would otherwise carry over.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as source:
                if source.width * source.height > MAX_PIXELS:
                    raise PhotoError("image too large")
                # A JPEG is decoded at the smallest scale still at least `max_side` (libjpeg's DCT
                # scaling): a camera photo is read several times faster, and thumbnail() still
                # makes the final size.
                ratio = min(1.0, max_side / max(source.size))
                source.draft("RGB", (math.ceil(source.width * ratio), math.ceil(source.height * ratio)))
                upright = ImageOps.exif_transpose(source).convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise PhotoError(str(err)) from err
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=False)
    return out.getvalue()
