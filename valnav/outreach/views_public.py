"""Public information pages: the target groups, each group's material with search and
filters, a material page with its language variants, its PDF and an Atom feed per group.
No login; only published material."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from valnav.core.audiences import TargetGroup
from valnav.core.http import public_url
from valnav.core.markdown import render_markdown
from valnav.outreach.forms import MaterialFilterForm
from valnav.outreach.models import Material
from valnav.outreach.selectors import (
    MaterialFilters,
    material_public_detail,
    material_search,
    material_variants,
)

PAGE_SIZE = 20
FEED_SIZE = 30

# What each target group finds here, shown on the index.
INTRODUCTIONS = {
    TargetGroup.INDIVIDUAL: _("How to get what you know recognised, whatever way you learned it."),
    TargetGroup.EMPLOYER: _("What validation gives your workplace and how to get started."),
    TargetGroup.GUIDANCE_COUNSELLOR: _("Support for guiding people towards validation."),
    TargetGroup.EDUCATION_PROVIDER: _("Validation and complementary education in Komvux."),
    TargetGroup.DECISION_MAKER: _("Why validation matters for skills supply in the region."),
    TargetGroup.BRANCH_VALIDATION: _(
        "Branch validation models in the region, complementary education and how to reach "
        "employers."
    ),
    TargetGroup.LABOUR_MARKET_PARTIES: _(
        "What validation gives employees and workplaces, and the parties' part in the models."
    ),
    TargetGroup.REGIONAL_SKILLS_SUPPLY: _(
        "Validation as part of the region's strategic skills-supply work."
    ),
}


def _target_group(value: str) -> TargetGroup:
    group = TargetGroup.from_slug(value)
    if group is None:
        raise Http404
    return group


def _old_slug_redirect(
    request: HttpRequest, view_name: str, group: TargetGroup, value: str
) -> HttpResponse | None:
    """Pages first named a group by its value on Swedish pages too
    (/information/guidance_counsellor/): such an address moves for good to the slug."""
    if value == group.slug:
        return None
    url = reverse(view_name, kwargs={"target_group": group.slug})
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    groups = [(group, INTRODUCTIONS[group]) for group in TargetGroup]
    return render(request, "outreach/index.html", {"groups": groups})


@require_GET
def audience(request: HttpRequest, target_group: str) -> HttpResponse:
    group = _target_group(target_group)
    if moved := _old_slug_redirect(request, "outreach:audience", group, target_group):
        return moved
    languages = sorted(
        set(
            material_search(filters=MaterialFilters(target_group=group))
            .order_by()
            .values_list("language", flat=True)
            .distinct()
        )
    )
    form = MaterialFilterForm(request.GET or None, languages=languages)
    filters = (
        form.filters(target_group=group) if form.is_bound else MaterialFilters(target_group=group)
    )
    page = Paginator(material_search(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "group": group,
        "form": form,
        "page": page,
        "query_string": params.urlencode(),
        "filtered": form.is_bound and any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "outreach/audience.html", context)


def _detail_context(material: Material) -> dict[str, Any]:
    return {
        "material": material,
        "body": render_markdown(material.body),
        "variants": material_variants(material=material),
        "target_groups": [
            audience.get_target_group_display() for audience in material.audiences.all()
        ],
    }


@require_GET
def material_detail(request: HttpRequest, slug: str) -> HttpResponse:
    material = get_object_or_404(material_public_detail(slug=slug))
    return render(request, "outreach/material_detail.html", _detail_context(material))


def material_pdf_context(material: Material) -> dict[str, Any]:
    """The PDF template's context (its HTML is tested on its own)."""
    return _detail_context(material) | {"lang": material.html_lang}


@require_GET
def material_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only this view

    material = get_object_or_404(material_public_detail(slug=slug))
    pdf = render_pdf("outreach/material_pdf.html", material_pdf_context(material))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{material.slug}.pdf"'
    return response


class AudienceFeed(Feed[Material, TargetGroup]):
    """Newly published material for one target group (Atom)."""

    feed_type = Atom1Feed
    # RFC 4287 asks every feed for an author (or one in each entry): the publisher of them all.
    author_name = "Valnav – Region Västmanland"
    author_email = "valnav@regionvastmanland.se"

    def author_link(self) -> str:
        return public_url(reverse("core:home"))

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        value = kwargs["target_group"]
        if moved := _old_slug_redirect(request, "outreach:feed", _target_group(value), value):
            return moved
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, target_group: str) -> TargetGroup:
        return _target_group(target_group)

    def title(self, obj: TargetGroup) -> str:
        return gettext("Valnav: information for %(group)s") % {"group": obj.label.lower()}

    def link(self, obj: TargetGroup) -> str:
        return reverse("outreach:audience", kwargs={"target_group": obj.slug})

    def subtitle(self, obj: TargetGroup) -> str:
        return str(INTRODUCTIONS[obj])

    def items(self, obj: TargetGroup) -> list[Material]:
        return list(material_search(filters=MaterialFilters(target_group=obj))[:FEED_SIZE])

    def item_title(self, item: Material) -> str:
        return item.title  # Atom's title is text: the feed writer escapes it

    def item_description(self, item: Material) -> str:
        # Atom's summary is HTML here, which readers parse: a summary is plain text, so it is
        # escaped once for HTML (and again by the XML writer).
        return str(escape(item.summary))

    def item_link(self, item: Material) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Material) -> Any:
        return item.published_at

    def item_updateddate(self, item: Material) -> Any:
        return item.updated_at


urlpatterns: list[URLPattern] = [
    path(_("information/"), index, name="index"),
    path(_("information/material/<slug:slug>/"), material_detail, name="material-detail"),
    path(_("information/material/<slug:slug>/pdf/"), material_pdf, name="material-pdf"),
    path(_("information/<str:target_group>/"), audience, name="audience"),
    path(_("information/<str:target_group>/feed/"), AudienceFeed(), name="feed"),
]
