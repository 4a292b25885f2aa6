"""The public event pages, no login: the lists (upcoming, past), an event with its registration
form, the confirmation, the calendar files, and the two pages reached by an e-mail's link
(cancel, evaluate). A link carries only a random token, never a name or address; the
cancellation page cancels only on POST, so a mail scanner following the link changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.core.http import form_errors_from
from valnav.core.markdown import render_markdown
from valnav.core.ratelimit import rate_limited
from valnav.events.calendar import CONTENT_TYPE, calendar_for
from valnav.events.forms import EvaluationForm, EventFilterForm, RegistrationForm
from valnav.events.models import (
    EvaluationResponse,
    Event,
    EventState,
    RegistrationStatus,
    TokenPurpose,
)
from valnav.events.selectors import public_events, with_places
from valnav.events.services import (
    evaluation_submit,
    registration_cancel,
    registration_create,
    registration_for_token,
)

PAGE_SIZE = 20
# The session remembers only what the confirmation page tells: the event and whether the
# visitor is on the waiting list; no name, address or registration.
SESSION_KEY = "events_registration_received"


def _event_list(request: HttpRequest, *, past: bool) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    county, target_group = form.filters() if form.is_bound else ("", "")
    events = public_events(county=county, target_group=target_group, past=past)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page": page,
            "past": past,
            "query_string": params.urlencode(),
        },
    )


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return _event_list(request, past=False)


@require_GET
def event_archive(request: HttpRequest) -> HttpResponse:
    return _event_list(request, past=True)


@require_GET
def event_feed(request: HttpRequest) -> HttpResponse:
    events = Event.objects.published().upcoming()
    response = HttpResponse(
        calendar_for(events, name=gettext("Valnav events")), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = 'inline; filename="valnav-events.ics"'
    return response


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.published(), slug=slug)
    response = HttpResponse(calendar_for([event], name=event.title), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_http_methods(["GET", "POST"])
@rate_limited("event-registration")
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(with_places(Event.objects.published()), slug=slug)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if not event.is_open_for_registration:
            form.add_error(None, gettext("Registration for this event is closed."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                received = registration_create(
                    event=event,
                    name=data["name"],
                    email=data["email"],
                    organisation_name=data["organisation_name"],
                    organisation_kind=data["organisation_kind"],
                    county=data["county"],
                    gender=data["gender"],
                    needs=data["needs"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                # The same answer whether or not the address was already registered (see
                # registration_create): only the e-mail to the address says which.
                request.session[SESSION_KEY] = {
                    "event": event.pk,
                    "waitlisted": received.waitlisted,
                }
                return redirect("events:registration-done", slug=event.slug)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "description": render_markdown(event.description),
            "places_left": event.places_left,
            "form": form,
            "cancelled": event.state == EventState.CANCELLED,
        },
    )


@require_GET
def registration_done(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.published(), slug=slug)
    received = request.session.get(SESSION_KEY)
    waitlisted = (
        isinstance(received, dict)
        and received.get("event") == event.pk
        and received.get("waitlisted") is True
    )
    return render(
        request,
        "events/registration_done.html",
        {"event": event, "waitlisted": waitlisted},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("event-response")
def registration_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token=token, purpose=TokenPurpose.CANCEL)
    error = ""
    if registration is None:
        return render(request, "events/link_invalid.html", status=404)
    done = registration.status == RegistrationStatus.CANCELLED
    if request.method == "POST" and not done:
        try:
            registration = registration_cancel(token=token)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            done = True
    return render(
        request,
        "events/registration_cancel.html",
        {
            "event": registration.event,
            "done": done,
            "just_cancelled": done and request.method == "POST" and not error,
            "error": error,
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("event-response")
def evaluation_view(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token=token, purpose=TokenPurpose.EVALUATE)
    if registration is None:
        return render(request, "events/link_invalid.html", status=404)
    answered = EvaluationResponse.objects.filter(registration=registration).exists()
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            evaluation_submit(
                token=token, answers=form.answers(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            answered = True
    return render(
        request,
        "events/evaluation_form.html",
        {"event": registration.event, "form": form, "answered": answered},
    )


urlpatterns: list[URLPattern] = [
    path(_("events/"), event_list, name="event-list"),
    path(_("events/past/"), event_archive, name="event-archive"),
    path(_("events/calendar.ics"), event_feed, name="event-feed"),
    path(_("events/cancel/<str:token>/"), registration_cancel_view, name="registration-cancel"),
    path(_("events/evaluation/<str:token>/"), evaluation_view, name="evaluation"),
    path(_("events/<slug:slug>.ics"), event_ics, name="event-ics"),
    path(_("events/<slug:slug>/"), event_detail, name="event-detail"),
    path(_("events/<slug:slug>/registered/"), registration_done, name="registration-done"),
]
