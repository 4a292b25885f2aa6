"""Members' pages for information material: the list with state and review-by date, writing
and editing, sending for review, publishing and archiving, versions with their differences,
and translations.

Every material is fetched through `materials_editable_by(user)`: another organisation's text
is a 404, not a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valnav.accounts.models import User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.markdown import render_markdown
from valnav.core.permissions import Perm
from valnav.outreach.forms import MaterialForm, TranslationForm
from valnav.outreach.models import Material, MaterialState
from valnav.outreach.selectors import (
    material_staff_list,
    material_variants,
    materials_editable_by,
    version_diff,
)
from valnav.outreach.services import (
    material_archive,
    material_create,
    material_may,
    material_publish,
    material_submit,
    material_translate,
    material_update,
)


def _material(user: User, pk: int) -> Material:
    queryset = materials_editable_by(user=user).select_related("owner", "organisation", "branch")
    return get_object_or_404(queryset, pk=pk)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You may not do this.")


@require_GET
@require_perm(Perm.EDIT_MATERIALS)
def material_list(request: HttpRequest) -> HttpResponse:
    user = member(request)
    state = request.GET.get("state", "")
    materials = list(material_staff_list(user=user, state=state)[:500])
    return render(
        request,
        "outreach/manage_list.html",
        {"materials": materials, "states": MaterialState.choices, "state": state},
    )


@require_GET
@require_perm(Perm.EDIT_MATERIALS)
def material_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """A material as its writers see it, whatever its state, with what they may do next."""
    user = member(request)
    material = _material(user, pk)
    may_publish = material_may(user=user, material=material, perm=Perm.PUBLISH_MATERIALS)
    context: dict[str, Any] = {
        "material": material,
        "body": render_markdown(material.body),
        "variants": material_variants(material=material, published_only=False),
        "target_groups": [a.get_target_group_display() for a in material.audiences.all()],
        "transitions": material.transitions.select_related("actor")[:20],
        "can_submit": material.state == MaterialState.DRAFT,
        "can_publish": may_publish
        and material.state in {MaterialState.DRAFT, MaterialState.REVIEW},
        "can_archive": may_publish and material.state != MaterialState.ARCHIVED,
        "can_edit": material.state != MaterialState.ARCHIVED,
    }
    return render(request, "outreach/manage_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_MATERIALS)
def material_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = member(request)
    material = _material(user, pk) if pk else None
    organisations = organisations_with_perm(user=user, perm=Perm.EDIT_MATERIALS).order_by("name")
    form = MaterialForm(request.POST or None, instance=material, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            if material is None:
                material = material_create(
                    actor=user,
                    organisation=form.cleaned_data["organisation"],
                    data=form.material_data(),
                )
                messages.success(request, gettext("The material was saved as a draft."))
            else:
                was_published = material.state == MaterialState.PUBLISHED
                material_update(material=material, actor=user, data=form.material_data())
                if was_published and material.state == MaterialState.REVIEW:
                    messages.success(
                        request,
                        gettext(
                            "The material was saved and sent for review: the public sees the "
                            "change once it is published again."
                        ),
                    )
                else:
                    messages.success(request, gettext("The material was saved."))
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, _error_text(error))
        else:
            return redirect("outreach:material-manage", pk=material.pk)
    return render(request, "outreach/manage_form.html", {"form": form, "material": material})


def _transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = member(request)
    material = _material(user, pk)
    try:
        if action == "submit":
            material_submit(material=material, actor=user)
            messages.success(request, gettext("The material was sent for review."))
        elif action == "publish":
            material_publish(material=material, actor=user)
            messages.success(request, gettext("The material is published."))
        else:
            material_archive(material=material, actor=user)
            messages.success(request, gettext("The material was archived."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect("outreach:material-manage", pk=material.pk)


@require_POST
@require_perm(Perm.EDIT_MATERIALS)
def material_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "submit")


@require_POST
@require_perm(Perm.PUBLISH_MATERIALS)
def material_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "publish")


@require_POST
@require_perm(Perm.PUBLISH_MATERIALS)
def material_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "archive")


@require_GET
@require_perm(Perm.EDIT_MATERIALS)
def material_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version, and the difference between two (by default the last two)."""
    material = _material(member(request), pk)
    versions = list(material.versions.select_related("created_by").order_by("-number"))
    by_number = {version.number: version for version in versions}

    def chosen(name: str, default: int | None) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and int(value) in by_number else default

    newest = versions[0].number if versions else None
    new_number = chosen("to", newest)
    old_number = chosen("from", versions[1].number if len(versions) > 1 else newest)
    diff = None
    if old_number is not None and new_number is not None:
        diff = version_diff(old=by_number[old_number], new=by_number[new_number])
    return render(
        request,
        "outreach/manage_versions.html",
        {
            "material": material,
            "versions": versions,
            "old_number": old_number,
            "new_number": new_number,
            "diff": diff,
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_MATERIALS)
def material_translate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    material = _material(user, pk)
    form = TranslationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            variant = material_translate(material=material, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, gettext("The translation was saved as a draft."))
            return redirect("outreach:material-manage", pk=variant.pk)
    return render(
        request,
        "outreach/manage_translate.html",
        {
            "form": form,
            "material": material,
            "variants": material_variants(material=material, published_only=False),
        },
    )


urlpatterns: list[URLPattern] = [
    path(_("information/manage/"), material_list, name="material-list"),
    path(_("information/manage/new/"), material_edit, name="material-create"),
    path(_("information/manage/<int:pk>/"), material_manage, name="material-manage"),
    path(_("information/manage/<int:pk>/edit/"), material_edit, name="material-edit"),
    path(_("information/manage/<int:pk>/submit/"), material_submit_view, name="material-submit"),
    path(_("information/manage/<int:pk>/publish/"), material_publish_view, name="material-publish"),
    path(_("information/manage/<int:pk>/archive/"), material_archive_view, name="material-archive"),
    path(_("information/manage/<int:pk>/versions/"), material_versions, name="material-versions"),
    path(
        _("information/manage/<int:pk>/translate/"),
        material_translate_view,
        name="material-translate",
    ),
]
