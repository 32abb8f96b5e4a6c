"""Uploaded files: random storage names, content checks and a size cap.

Files are stored under names that reveal nothing and are served only through views that
check permission first; nothing under MEDIA_ROOT is served statically.
"""

import secrets
from collections.abc import Callable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"


@deconstructible
class RandomUploadPath:
    """Return ``<folder>/<random>.<ext>`` for an upload, keeping only a safe extension."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        if not suffix[1:].isalnum() or len(suffix) > 6:
            suffix = ""
        return f"{self.folder}/{secrets.token_hex(16)}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomUploadPath) and other.folder == self.folder


def validate_upload_size(upload: UploadedFile) -> None:
    """Refuse a file larger than the configured cap."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def validate_pdf(upload: UploadedFile) -> None:
    """Refuse anything that is not a PDF by its content, whatever its name says."""
    validate_upload_size(upload)
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(position)
    if not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError(
            _("The file is not a PDF. Upload the report saved as PDF."), code="not_pdf"
        )


PDF_VALIDATORS: list[Callable[[UploadedFile], None]] = [validate_pdf]
