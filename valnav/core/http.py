"""Small helpers every member view needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

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


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def site_path(obj: HasPage) -> str:
    """`obj`'s page in the site's own language (no /en/ prefix), whatever language is active:
    the API answers in English, but the page it links to is the one every reader starts from."""
    with translation.override(settings.LANGUAGE_CODE):
        return obj.get_absolute_url()


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the request's `next` (sent or in the address) when it is on
    this site, else `default` (an address or a URL name). Never an outside address."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)
