"""The upload field of every import page: a file of at most `max_bytes`, refused on the field
(in the user's language) when larger, before anything reads it; and the form of one such
field that every upload page posts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What an upload page takes unless its importer says otherwise.
MAX_UPLOAD_BYTES = 16 * 1024 * 1024

SPREADSHEET_ACCEPT = (
    ".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class UploadField(forms.FileField):
    def __init__(self, *, max_bytes: int, accept: str = SPREADSHEET_ACCEPT, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and (getattr(upload, "size", 0) or 0) > self.max_bytes:
            raise ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files."),
                params={"size": self.max_bytes // (1024 * 1024)},
                code="too_large",
            )
        return upload


def upload_form(
    *,
    label: str | Promise,
    help_text: str | Promise,
    max_bytes: int = MAX_UPLOAD_BYTES,
    accept: str = SPREADSHEET_ACCEPT,
) -> type[forms.Form]:
    """A form of one `file` field, as every upload page posts it."""
    field = UploadField(max_bytes=max_bytes, accept=accept, label=label, help_text=help_text)
    return type("UploadForm", (forms.Form,), {"file": field})
