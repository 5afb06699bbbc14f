"""Images inside story bodies: their stored names carry their size (`<id>-<w>x<h>.<ext>`), so
the renderer adds `srcset`, `width` and `height` from the address alone, with no query."""

import io
import logging
import re
import uuid
from html import escape
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps

from .images import EXTENSIONS

logger = logging.getLogger(__name__)

BODY_IMAGES_DIR = "articles/body"
# Widths made for `srcset` (never wider than the upload); the upload itself is the largest.
BODY_WIDTHS = (400, 800, 1200)
SIZES = "(max-width: 45rem) 100vw, 45rem"
_SIZED_NAME = re.compile(r"[A-Za-z0-9/_.-]+-(\d{1,5})x(\d{1,5})\.(jpg|png|webp)")


def sized_name(stem: str, width: int, height: int, extension: str) -> str:
    return f"{stem}-{width}x{height}.{extension}"


def body_image_upload_to(instance, filename: str) -> str:
    """A random name under the month's folder, with the image's size (the renderer reads it
    for `srcset`); the uploaded name is never used."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS.values():
        extension = "img"
    stem = f"{BODY_IMAGES_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    if size := re.search(r"-(\d+)x(\d+)\.", filename):
        return sized_name(stem, int(size[1]), int(size[2]), extension)
    return f"{stem}.{extension}"


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w{path.suffix}"))


def widths_for(width: int) -> list[int]:
    return [w for w in BODY_WIDTHS if w < width]


def renditions_make(name: str, width: int) -> list[str]:
    """Make the narrower copies of a body image (once; existing ones are kept)."""
    wanted = [(w, rendition_name(name, w)) for w in widths_for(width)]
    wanted = [(w, n) for w, n in wanted if not default_storage.exists(n)]
    if not wanted:
        return []
    with default_storage.open(name, "rb") as source_file, Image.open(source_file) as opened:
        source = ImageOps.exif_transpose(opened)
        source.load()
    made = []
    extension = PurePosixPath(name).suffix
    for w, rendition in wanted:
        image = source.resize(
            (w, max(1, round(source.height * w / source.width))), Image.Resampling.LANCZOS
        )
        out = io.BytesIO()
        if extension == ".jpg":
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
        elif extension == ".png":
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "WEBP", quality=85)
        made.append(default_storage.save(rendition, ContentFile(out.getvalue())))
        logger.info("Made rendition %s", rendition)
    return made


def _media_prefix() -> str:
    return "/" + settings.MEDIA_URL.strip("/") + "/"


def body_image_reference(name: str) -> str:
    """How a body's Markdown names a stored image: its site path under MEDIA_URL, whatever the
    storage, so a body never holds a bucket's address; pages get the storage's URL (below)."""
    return _media_prefix() + name


def body_image_url(src: str) -> str:
    """The storage's URL of a body image named by its site path (the same path on the file
    system storage; the bucket's address on an S3-compatible one)."""
    return default_storage.url(src.removeprefix(_media_prefix()))


def responsive_attributes(src: str) -> str:
    """` width=… height=… srcset=… sizes=… loading="lazy"` for one of our body images, or ""."""
    own = _media_prefix() + BODY_IMAGES_DIR + "/"
    # Only names this app writes (letters, digits, / _ . -): nothing here needs escaping.
    match = _SIZED_NAME.fullmatch(src)
    if not src.startswith(own) or match is None or ".." in src:
        return ""
    width, height = int(match[1]), int(match[2])
    candidates = [
        f"{escape(body_image_url(rendition_name(src, w)))} {w}w" for w in widths_for(width)
    ]
    candidates.append(f"{escape(body_image_url(src))} {width}w")
    return (
        f' width="{width}" height="{height}" srcset="{", ".join(candidates)}"'
        f' sizes="{SIZES}" loading="lazy"'
    )
