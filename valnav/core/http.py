"""Small helpers every member view needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

if TYPE_CHECKING:  # core imports no app at run time (docs/architecture.md)
    from valnav.accounts.models import User


def member(request: HttpRequest) -> User:
    """The signed-in user (views behind require_perm); anyone else is refused."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user


def form_errors_from(
    form: Any, error: ValidationError, *, moved: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: each field's message on that field (or on
    the field `moved` names for it), anything else at the top of the form."""
    moved = moved or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = moved.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error)


def public_url(path: str) -> str:
    """`path` as an address that works outside the site (e-mails, calendar files, credentials,
    QR codes): on VALNAV_PUBLIC_URL, whatever host the request came in on."""
    return f"{settings.VALNAV_PUBLIC_URL}{path}"
