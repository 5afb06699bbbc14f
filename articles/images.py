"""Lead images: check uploads, name them safely, make each rendition once and reuse it."""

import io
import logging
import uuid
import warnings
from copy import copy
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.functional import cached_property
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow format name -> the extension the stored file gets (the uploaded name is never used).
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGES_DIR = "articles/images"
RENDITIONS_DIR = "articles/renditions"
AUTHORS_DIR = "articles/authors"


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def image_inspect(file) -> ImageInfo:
    """Accept a JPEG, PNG or WebP within the size limits; return its format and oriented size."""
    if file.size > MAX_BYTES:
        raise ValidationError(
            "The file is %(size).1f MB; images may be at most 10 MB.",
            code="too_big",
            params={"size": file.size / 1024 / 1024},
        )
    try:
        file.seek(0)
        # Pillow only warns between its own limit and twice it: make that a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                # Phones write JPEGs with extra frames (MPO); the first frame is the JPEG.
                fmt = "JPEG" if image.format == "MPO" else image.format
                size = image.size
                acceptable = fmt in EXTENSIONS and size[0] * size[1] <= MAX_PIXELS
                if acceptable:
                    image.verify()
            orientation = 1
            if acceptable:
                # Decode every pixel once, so a truncated file fails here and not on a page.
                file.seek(0)
                with Image.open(file) as image:
                    image.load()
                    orientation = image.getexif().get(0x0112, 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP.",
            code="not_an_image",
        ) from exc
    finally:
        file.seek(0)
    if fmt not in EXTENSIONS:
        raise ValidationError(
            "This is a %(format)s image; upload a JPEG, PNG or WebP.",
            code="wrong_format",
            params={"format": fmt or "unknown"},
        )
    width, height = size
    if width * height > MAX_PIXELS:
        raise ValidationError(_too_many_pixels_message(width, height), code="too_many_pixels")
    if orientation in (5, 6, 7, 8):  # EXIF rotations by 90 degrees swap the sides.
        width, height = height, width
    return ImageInfo(format=fmt, width=width, height=height)


def image_measure(article) -> None:
    """Check the story's lead image file and record its oriented width and height on it."""
    field_file = article.image
    if not field_file._committed:
        # A new upload, not stored yet; one the admin form checked already carries the result.
        upload = field_file.file
        info = getattr(upload, "image_info", None) or image_inspect(upload)
    else:
        with field_file.storage.open(field_file.name, "rb") as stored:
            info = image_inspect(stored)
    article.image_width, article.image_height = info.width, info.height


def _too_many_pixels_message(width=None, height=None):
    size = f" ({width} by {height} pixels)" if width else ""
    return f"The image is too large{size}; images may have at most 40 megapixels."


def lead_image_upload_to(instance, filename: str) -> str:
    """Name a stored image by a random id: uploads never collide nor choose their own path."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS.values():
        extension = "img"
    return f"{IMAGES_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def author_photo_upload_to(instance, filename: str) -> str:
    """Name an author's photo by a random id, as lead images are."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS.values():
        extension = "img"
    return f"{AUTHORS_DIR}/{uuid.uuid4().hex}.{extension}"


@dataclass(frozen=True)
class Spec:
    key: str
    width: int
    height: int | None = None  # a fixed height crops around the focal point

    @property
    def crops(self) -> bool:
        return self.height is not None


SOCIAL = Spec("1200x630", 1200, 630)  # Open Graph and Twitter cards, feed enclosures
PAGE = Spec("800w", 800)
LIST = Spec("400w", 400)
# What Google asks of a NewsArticle's `image` for rich results: 16:9, 4:3 and 1:1, 1200 px wide.
RICH_RESULTS = (Spec("16x9", 1200, 675), Spec("4x3", 1200, 900), Spec("1x1", 1200, 1200))
SPECS = (SOCIAL, PAGE, LIST, *RICH_RESULTS)
CROPS = tuple(spec for spec in SPECS if spec.crops)


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


class LeadImage:
    """An article's lead image and the renditions pages use, computed without I/O."""

    def __init__(self, article):
        self.article = article

    @property
    def alt(self):
        return self.article.image_alt

    @property
    def caption(self):
        return self.article.image_caption

    @property
    def credit(self):
        return self.article.image_credit

    def rendition(self, spec: Spec) -> Rendition:
        article = self.article
        source = PurePosixPath(article.image.name)
        extension = "jpg" if spec.crops else source.suffix.lstrip(".")
        if spec.crops:
            key = f"{spec.key}-f{article.image_focal_x}-{article.image_focal_y}"
            width, height = spec.width, spec.height
        else:
            key = spec.key
            # Never enlarge: a narrow original keeps its own width.
            width = min(spec.width, article.image_width)
            height = max(1, round(article.image_height * width / article.image_width))
        return Rendition(f"{RENDITIONS_DIR}/{source.stem}/{key}.{extension}", width, height)

    @cached_property
    def renditions(self) -> dict[str, Rendition]:
        return {spec.key: self.rendition(spec) for spec in SPECS}

    def srcset(self) -> str:
        """Width-described candidates for `srcset`, one per distinct width."""
        seen, candidates = set(), []
        for spec in (LIST, PAGE):
            rendition = self.renditions[spec.key]
            if rendition.width not in seen:
                seen.add(rendition.width)
                candidates.append(f"{rendition.url} {rendition.width}w")
        return ", ".join(candidates)


def lead_image(article) -> LeadImage | None:
    """The article's lead image, or None when it has none (or its size is unknown)."""
    if not article.image or not article.image_width or not article.image_height:
        return None
    return LeadImage(article)


@dataclass(frozen=True)
class SocialImage:
    """A story's picture as feeds, Open Graph and JSON-LD need it."""

    url: str  # a site path or an absolute URL
    mime_type: str = "image/jpeg"
    length: int = 0  # bytes, for the RSS/Atom enclosure
    width: int | None = None
    height: int | None = None
    alt: str = ""


def article_social_image(article) -> SocialImage | None:
    """Return the story's social card (the 1200x630 rendition), or None when it has no image.

    Everything comes from the row itself, never from storage, so a feed of 30 stories costs no
    extra I/O: the card's byte size (the enclosure's length) is kept on the row when it is made.
    """
    image = lead_image(article)
    if image is None:
        return None
    card = image.renditions[SOCIAL.key]
    return SocialImage(
        url=card.url,
        mime_type="image/jpeg",
        length=article.image_social_bytes or 0,
        width=card.width,
        height=card.height,
        alt=article.image_alt,
    )


def social_card_bytes(article) -> int | None:
    """The stored social card's size in bytes (None: no image, or the card is not there)."""
    image = lead_image(article)
    if image is None:
        return None
    try:
        return default_storage.size(image.renditions[SOCIAL.key].name)
    except Exception as error:  # any storage's "not there" or fault (S3 raises its own errors)
        logger.warning("Size of %s unknown: %s", image.renditions[SOCIAL.key].name, error)
        return None


def renditions_ensure(article) -> list[str]:
    """Make the renditions that do not exist yet; return the names of those made."""
    image = lead_image(article)
    if image is None:
        return []
    missing = [
        (spec, rendition)
        for spec in SPECS
        if not default_storage.exists((rendition := image.rendition(spec)).name)
    ]
    if not missing:
        return []
    made = []
    with (
        default_storage.open(article.image.name, "rb") as source_file,
        Image.open(source_file) as opened,
    ):
        source = _normalised(ImageOps.exif_transpose(opened))
    for spec, rendition in missing:
        data = _render(source, spec, rendition, article)
        made.append(default_storage.save(rendition.name, ContentFile(data)))
        logger.info("Made rendition %s", rendition.name)
    return made


def _normalised(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _render(source: Image.Image, spec: Spec, rendition: Rendition, article) -> bytes:
    if spec.crops:
        box = focal_crop_box(
            source.size, (spec.width, spec.height), (article.image_focal_x, article.image_focal_y)
        )
        image = source.resize((spec.width, spec.height), Image.Resampling.LANCZOS, box=box)
    elif rendition.width != source.width:
        image = source.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
    else:
        image = source.copy()
    out = io.BytesIO()
    extension = PurePosixPath(rendition.name).suffix
    if extension == ".jpg":
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif extension == ".png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def focal_crop_box(size, target, focal_percent) -> tuple[int, int, int, int]:
    """The largest box of the target's shape inside `size`, centred on the focal point."""
    width, height = size
    target_ratio = target[0] / target[1]
    if width / height > target_ratio:
        crop_w, crop_h = round(height * target_ratio), height
    else:
        crop_w, crop_h = width, round(width / target_ratio)
    centre_x = width * focal_percent[0] / 100
    centre_y = height * focal_percent[1] / 100
    left = min(max(round(centre_x - crop_w / 2), 0), width - crop_w)
    top = min(max(round(centre_y - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def crop_names(article, focal_x=None, focal_y=None) -> list[str]:
    """Storage names of the focal crops (social card, rich results), for a focal point."""
    image = lead_image(article)
    if image is None:
        return []
    if focal_x is not None and focal_y is not None:
        image = lead_image(copy(article))
        image.article.image_focal_x, image.article.image_focal_y = focal_x, focal_y
    return [image.rendition(spec).name for spec in CROPS]


def rich_result_image_urls(article) -> list[str]:
    """The story's picture at 16:9, 4:3 and 1:1 (site paths), or none without a lead image."""
    image = lead_image(article)
    if image is None:
        return []
    return [image.renditions[spec.key].url for spec in RICH_RESULTS]


def rendition_discard(name: str) -> None:
    """Delete one rendition file (never an original)."""
    if name.startswith(f"{RENDITIONS_DIR}/"):
        default_storage.delete(name)


def author_photo_discard(name: str) -> None:
    """Delete an author's replaced photo (never anything outside their folder)."""
    if name.startswith(f"{AUTHORS_DIR}/"):
        default_storage.delete(name)


def image_discard(name: str) -> None:
    """Delete a stored original and every rendition made from it."""
    if not name or not name.startswith(f"{IMAGES_DIR}/"):
        return
    folder = f"{RENDITIONS_DIR}/{PurePosixPath(name).stem}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for file_name in files:
        default_storage.delete(f"{folder}/{file_name}")
    default_storage.delete(name)
