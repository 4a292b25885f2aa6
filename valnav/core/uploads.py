"""Uploaded files checked by what they are, not by what they are called.

The type is recognised from the file's first bytes (the `filetype` library's signatures),
never from its name or the browser's word; the size is bounded; the name kept for display
loses its directory and control characters and takes the extension of the real type.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SIGNATURE_BYTES = 8192  # what filetype reads to recognise a type


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    display_name: str  # the original stem with the extension of the real type


def type_names(allowed: Mapping[str, str]) -> str:
    return ", ".join(sorted({extension.upper() for extension in allowed.values()}))


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".0", "")


def upload_check(
    upload: UploadedFile[bytes],
    *,
    allowed: Mapping[str, str],
    max_bytes: int,
    default_stem: str,
) -> CheckedUpload:
    """The upload's real type and a safe display name, or a ValidationError on the "file" field
    naming the size limit or the allowed types. `allowed` maps MIME types to extensions."""
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; at most %(limit)s MB is allowed.")
                % {"size": megabytes(size), "limit": megabytes(max_bytes)}
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    upload.seek(0)
    kind = filetype.guess(upload.read(SIGNATURE_BYTES))
    upload.seek(0)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            {
                "file": _(
                    "The file's content is not one of the allowed types (%(types)s), whatever "
                    "its name says."
                )
                % {"types": type_names(allowed)}
            },
            code="type_not_allowed",
        )
    # Only the last part of the name, without control characters: it is shown and offered as
    # the download's name, so the extension follows the content.
    stem, _extension = os.path.splitext(os.path.basename(upload.name or ""))
    stem = "".join(char for char in stem if char.isprintable()).strip()[:180] or default_stem
    extension = allowed[kind.mime]
    return CheckedUpload(kind.mime, extension, size, f"{stem}.{extension}")


def not_stored_error(error: OSError) -> ValidationError:
    """What the person is told, on the "file" field, when the server could not write a file."""
    full = error.errno in {errno.ENOSPC, errno.EDQUOT}
    return ValidationError(
        {
            "file": _(
                "The file could not be saved: the server has no room for it. Nothing was "
                "saved; please tell the administrator."
            )
            if full
            else _(
                "The file could not be saved on the server. Nothing was saved; please try again."
            )
        },
        code="not_stored",
    )


def upload_store(field_file: FieldFile, upload: UploadedFile[bytes]) -> None:
    """Write the upload to the field's storage under the field's own (random) name, as
    `field_file.save(..., save=False)` does. When the write fails (a full disk, a lost mount),
    what was written so far is removed and the person gets a ValidationError on the "file"
    field: Django's FileSystemStorage leaves a partial file behind, and the error would
    otherwise be a server error."""
    field = field_file.field
    storage = field_file.storage
    name = field.generate_filename(field_file.instance, "upload")
    # The names are random, so this is nobody else's file; checked all the same, since the
    # cleanup below must never delete a file that was there before.
    existed = storage.exists(name)
    try:
        stored = storage.save(name, upload, max_length=field.max_length)
    except OSError as error:
        if not existed:
            with contextlib.suppress(OSError):
                storage.delete(name)
        logger.exception("An upload could not be stored.")
        raise not_stored_error(error) from error
    # As FieldFile.save(): the instance now refers to the stored (committed) file.
    setattr(field_file.instance, field.attname, stored)
