"""Who the handover document is for: the customer's display name and logo (``customer:``).

The logo is a local image file, embedded in the handover document as a data URI (the
document loads nothing: its CSP allows images from data: only). It is checked when the
tenant file is loaded, not when the document is written, so a wrong path or a 40 MB photo is
one config error line before any API is read, not a bundle without its cover.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: the largest logo embedded (the image is carried in every handover document and PDF)
LOGO_MAX_BYTES = 512 * 1024

#: image types a logo may be, by their first bytes: media type, file suffix in the bundle
_IMAGE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
LOGO_FIX = (
    "give customer.logo the path of a PNG, JPEG or GIF file of at most 512 KiB "
    "(relative to the tenant file), or remove it"
)


class Customer(BaseModel):
    """How the customer is named on the handover document's cover."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    display_name: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="The customer's name as the handover document's cover shows it "
        "(default: the tenant's name).",
    )
    logo: Path | None = Field(
        None,
        description="A PNG, JPEG or GIF file of at most 512 KiB shown on the handover "
        "document's cover, relative to the tenant file's folder; the evidence bundle keeps a "
        "copy.",
    )

    @field_validator("logo", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        if isinstance(value, str) and (not value.strip() or "\x00" in value):
            raise ValueError("is not a file path; give the path of an image file")
        return value


def image_type(data: bytes) -> tuple[str, str] | None:
    """(media type, suffix) of an image a logo may be, from its first bytes; else None."""
    for magic, media, suffix in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media, suffix
    return None


def logo_problem(path: Path) -> str | None:
    """Why ``path`` cannot be the cover's logo (one phrase), or None when it can."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return f"{path.name} is not a file"
        if size > LOGO_MAX_BYTES:
            return f"{path.name} is {size // 1024} KiB, more than {LOGO_MAX_BYTES // 1024} KiB"
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    if image_type(head) is None:
        return f"{path.name} is not a PNG, JPEG or GIF image"
    return None


def logo_data_uri(path: Path) -> str:
    """The logo as a ``data:`` URI (checked by :func:`logo_problem` when the file loaded)."""
    data = path.read_bytes()[: LOGO_MAX_BYTES + 1]
    kind = image_type(data)
    if kind is None or len(data) > LOGO_MAX_BYTES:
        raise ValueError(f"{path.name}: not a logo ({LOGO_FIX})")
    return f"data:{kind[0]};base64,{base64.b64encode(data).decode('ascii')}"
