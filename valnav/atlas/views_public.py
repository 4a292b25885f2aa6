"""Public atlas pages: search, offer and education pages. No login needed."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from valnav.atlas.forms import (
    ROUTE_FORMS,
    SELF_ASSESSMENT_CHOICES,
    SELF_ASSESSMENT_VALUES,
    CoverageForm,
    RouteStepForm,
    SearchForm,
)
from valnav.atlas.models import ComplementaryEducation, Offer
from valnav.atlas.route import NEARBY_KM, STEPS, RouteAnswers, route_result
from valnav.atlas.search import matcher_for, search_intent
from valnav.atlas.selectors import (
    CoverageRow,
    coverage_by_municipality,
    coverage_map_data,
    education_near,
    education_nearest,
    guidance_contact,
    offer_detail_queryset,
    offer_groups,
    offer_search_page,
)
from valnav.core.pagecache import anonymous_page_cache, request_data_token
from valnav.lib.languages import language_name

PAGE_SIZE = 20
MAX_PAGE = 10_000  # far past any real result list; keeps offsets inside the database's range


@require_GET
@anonymous_page_cache
def search(request: HttpRequest) -> HttpResponse:
    """One entry per validation model with its nearest offers; with `model`, all offers of one
    model ("fler orter"), page by page. Nothing found: a next step, never a dead end."""
    # The data token once per request: the form's choices, the catalogue and the distance
    # table are all kept per token.
    token = request_data_token(request)
    form = SearchForm(request.GET or None, data_token=token)
    filters = form.filters() if form.is_bound else None
    context: dict[str, object] = {"form": form, "searched": filters is not None}
    if filters is not None:
        intent = search_intent(filters.query, language=filters.words_language, token=token)
        if filters.model:
            number = request.GET.get("page", "1")
            page = offer_search_page(
                filters=filters,
                page=min(int(number), MAX_PAGE) if number.isdigit() else 1,
                size=PAGE_SIZE,
                intent=intent,
            )
            origin, count = page.origin, page.count
            context["page"] = page
        else:
            result = offer_groups(filters=filters, intent=intent)
            origin, count = result.origin, result.count
            context["result"] = result
        context |= {
            "count": count,
            "origin": origin,
            "intent": intent,
            "educations": education_nearest(filters=filters, origin=origin, intent=intent),
            "query_string": _without_page(request),
            "group_query_string": _without(request, "page", "model"),
        }
        if count == 0:
            context |= {
                "suggestions": matcher_for(filters.words_language).suggestions(filters.query)
                if filters.query
                else [],
                "guidance": guidance_contact(filters.municipality),
            }
    template = "atlas/search.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        # Only the results are swapped; the count goes to a live region that stays in place,
        # so screen readers hear "12 offers" rather than the whole list.
        template += "#results"
        context["htmx"] = True
    return render(request, template, context)


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@anonymous_page_cache
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(offer_detail_queryset(Offer.objects.visible_to(request.user)), pk=pk)
    lang = get_language() or "sv"
    return render(
        request,
        "atlas/offer_detail.html",
        {
            "offer": offer,
            "languages": [language_name(code, language=lang) for code in offer.language_codes],
            "nearby_education": education_near(model=offer.model, municipality=offer.municipality),
        },
    )


@require_GET
def education_detail(request: HttpRequest, pk: int) -> HttpResponse:
    education = get_object_or_404(
        ComplementaryEducation.objects.visible_to(request.user)
        .select_related("provider", "municipality__county")
        .prefetch_related("occupations", "closes_gaps_of"),
        pk=pk,
    )
    return render(request, "atlas/education_detail.html", {"education": education})


ROUTE_TEMPLATES = {step: f"atlas/route_{step}.html" for step in STEPS}


def route(request: HttpRequest) -> HttpResponse:
    """One question at a time; answers live in the session, the URL stays the same."""
    answers = RouteAnswers.load(request.session)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "restart":
            RouteAnswers.clear(request.session)
            return redirect("atlas:route")
        if action == "back":
            answers.back()
            answers.save(request.session)
            return redirect("atlas:route")
        step = request.POST.get("step", "")
        if step not in ROUTE_FORMS:  # a stale tab or a bot: show the current question again
            return redirect("atlas:route")
        form_class = ROUTE_FORMS[step]
        form = form_class(request.POST)
        if form.is_valid():
            form.apply(answers)
            answers.save(request.session)
            return redirect("atlas:route")
        return render(request, ROUTE_TEMPLATES[form.step], _route_context(form, answers))
    current = answers.next_step()
    if current is None:
        return redirect("atlas:route-result")
    form = ROUTE_FORMS[current](initial=answers.__dict__)
    return render(request, ROUTE_TEMPLATES[current], _route_context(form, answers))


def _route_context(form: RouteStepForm, answers: RouteAnswers) -> dict[str, object]:
    step_number = STEPS.index(form.step) + 1
    return {"form": form, "answers": answers, "step_number": step_number, "step_count": len(STEPS)}


@require_GET
def route_result_view(request: HttpRequest) -> HttpResponse:
    answers = RouteAnswers.load(request.session)
    if answers.next_step() is not None:
        return redirect("atlas:route")
    return render(
        request,
        "atlas/route_result.html",
        {"answers": answers, "result": route_result(answers), "nearby_km": NEARBY_KM},
    )


def route_self_assessment(request: HttpRequest) -> HttpResponse:
    """Optional: the person rates themselves against the model's criteria. Kept only in the
    session and shown as a printable page to bring to the first meeting."""
    answers = RouteAnswers.load(request.session)
    if answers.next_step() is not None:
        return redirect("atlas:route")
    result = route_result(answers)
    model = result.models[0] if result.models else None
    if model is None:
        return redirect("atlas:route-result")
    criteria = list(model.criteria.all())
    if request.method == "POST":
        answers.self_assessment = {
            criterion.code: value
            for criterion in criteria
            if (value := request.POST.get(f"criterion-{criterion.pk}", ""))
            in SELF_ASSESSMENT_VALUES
        }
        answers.save(request.session)
        return redirect("atlas:route-self-assessment")
    return render(
        request,
        "atlas/route_self_assessment.html",
        {
            "answers": answers,
            "model": model,
            "rows": [(c, answers.self_assessment.get(c.code, "")) for c in criteria],
            "choices": SELF_ASSESSMENT_CHOICES,
        },
    )


def _coverage_request(request: HttpRequest) -> tuple[CoverageForm, list[CoverageRow]]:
    form = CoverageForm(request.GET or None)
    occupation, branch = form.choice()
    words = form.words()
    models = sorted(search_intent(words, language=get_language() or "sv").models) if words else None
    return form, coverage_by_municipality(occupation=occupation, branch=branch, models=models)


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    form, rows = _coverage_request(request)
    return render(
        request,
        "atlas/coverage.html",
        {
            "form": form,
            "rows": rows,
            "white_spots": sum(1 for row in rows if row.offers == 0),
            "map_data": coverage_map_data(rows),
            "query_string": request.GET.urlencode(),
        },
    )


@require_GET
def coverage_csv(request: HttpRequest) -> HttpResponse:
    _form, rows = _coverage_request(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="valnav-tackning.csv"'
    response.write("\ufeff")  # so Swedish Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["lan_kod", "lan", "kommunkod", "kommun", "erbjudanden", "platser_per_ar"])
    for row in rows:
        municipality = row.municipality
        writer.writerow(
            [
                municipality.county.code,
                municipality.county.name,
                municipality.code,
                municipality.name,
                row.offers,
                row.capacity,
            ]
        )
    return response


urlpatterns: list[URLPattern] = [
    path(_("validation/coverage/"), coverage, name="coverage"),
    path(_("validation/coverage.csv"), coverage_csv, name="coverage-csv"),
    path(_("find-your-way/"), route, name="route"),
    path(_("find-your-way/result/"), route_result_view, name="route-result"),
    path(
        _("find-your-way/self-assessment/"),
        route_self_assessment,
        name="route-self-assessment",
    ),
    path(_("validation/search/"), search, name="search"),
    path(_("validation/offers/<int:pk>/"), offer_detail, name="offer-detail"),
    path(_("validation/education/<int:pk>/"), education_detail, name="education-detail"),
]
