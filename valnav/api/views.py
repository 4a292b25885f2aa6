"""The member's own API keys: list, make (the secret is shown once) and revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from valnav.accounts.models import User
from valnav.api.models import ApiToken
from valnav.api.services import NewToken, api_token_create, api_token_revoke
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.permissions import Perm


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new key"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. the program that uses it."),
    )


def _page(
    request: HttpRequest, user: User, form: TokenCreateForm, new_token: NewToken | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "tokens": ApiToken.objects.for_user(user),
        "form": form,
        "new_token": new_token,
    }
    return render(request, "api/token_list.html", context)


@require_GET
@require_perm(Perm.MANAGE_API_TOKENS)
def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request, member(request), TokenCreateForm())


@require_POST
@never_cache  # the answer shows a secret
@require_perm(Perm.MANAGE_API_TOKENS)
def token_create(request: HttpRequest) -> HttpResponse:
    """Answers with the page itself rather than a redirect, so that the secret is never stored,
    not even for one request in the session."""
    user = member(request)
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, user, form)
    new_token = api_token_create(actor=user, name=form.cleaned_data["name"])
    return _page(request, user, TokenCreateForm(), new_token)


@require_POST
@require_perm(Perm.MANAGE_API_TOKENS)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    token = get_object_or_404(ApiToken.objects.for_user(user), pk=pk)
    api_token_revoke(token=token, actor=user)
    messages.success(request, _("The key “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:token-list")
