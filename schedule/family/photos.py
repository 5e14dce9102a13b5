"""A member's photo from a phone's camera, made small enough for a wall.

A parent uploads whatever the phone gives (a 12-megapixel JPEG on its side,
with the place it was taken in its EXIF); the wall needs a face the size of a
thumb. So the upload is read by Pillow within limits, turned upright as the
camera meant (EXIF orientation), fitted into SIDE × SIDE pixels and written
anew as a JPEG without any of its metadata (no place, no camera, no date).

Anything else is refused with a message the parent can act on, never a 500:
a file too large to send, one that is not a picture (a text renamed .jpg, an
SVG, which could carry script), a picture of more pixels than a camera makes
(a "decompression bomb": a few KB of PNG that unpack to gigabytes).
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # a phone's photo is 2-8 MB; a 48 MP one ~12 MB
MAX_PIXELS = 50_000_000  # 48-megapixel phone cameras, and nothing past them
SIDE = 480  # pixels: sharp on a wall's avatar, some 20-60 KB
QUALITY = 82
READABLE = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: a JPEG with a second picture

TOO_LARGE = _("This file is %(size)s MB; a photo may be at most %(limit)s MB.")
NOT_A_PHOTO = _("This is not a photo Hibi can read. Choose a JPEG, PNG or WebP picture.")
TOO_MANY_PIXELS = _(
    "This picture has more pixels than a camera's photo (at most %(limit)s megapixels). "
    "Choose a smaller one."
)


def made_small(upload: UploadedFile) -> bytes:
    """The upload as the wall's JPEG, or ValidationError saying what is wrong with it."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024**2},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; ours is lower and an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:
                if picture.format not in READABLE:
                    raise ValidationError(NOT_A_PHOTO, code="not_a_photo")
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels()
                picture.seek(0)  # the first frame of a GIF or an MPO
                upright = ImageOps.exif_transpose(picture)
                upright.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
                small = _on_white(upright)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        # A truncated or forged file fails somewhere in Pillow's decoders.
        raise ValidationError(NOT_A_PHOTO, code="not_a_photo") from None
    out = io.BytesIO()
    # A new file with none of the upload's metadata: Pillow writes EXIF only when asked.
    small.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS, code="too_many_pixels", params={"limit": MAX_PIXELS // 1_000_000}
    )


def _on_white(picture: Image.Image) -> Image.Image:
    """RGB for JPEG; a transparent PNG's clear parts become white, not black."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return picture.convert("RGB")
