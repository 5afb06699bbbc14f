"""Only for migration 0011, which names the body images' upload function by this path."""

from .body_images import body_image_upload_to  # noqa: F401
