"""Staff pages for events (MANAGE_EVENTS): create, edit, publish and cancel events; the
registrations of one event with attendance (htmx row by row, plain POST without JavaScript);
the evaluation summary; participation statistics with CSV. Names and addresses of the people
who registered appear only on the registrations page and in its participant list downloads
(CSV, XLSX), each of which is written to the access log."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from valnav.casework.facts import SUPPRESS_BELOW
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.events.forms import EventForm
from valnav.events.models import Event, EventState, Registration
from valnav.events.selectors import (
    ParticipantRow,
    evaluation_summary,
    event_organisers,
    managed_event_for,
    participant_list_headers,
    participation_statistics,
    staff_events,
)
from valnav.events.services import (
    attendance_mark,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    participant_list_export,
)
from valnav.lib.csv_io import spreadsheet_safe


def _event(request: HttpRequest, slug: str) -> Event:
    """One of the events the user runs, else 404."""
    return managed_event_for(user=member(request), slug=slug)


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def manage_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "events/manage_list.html", {"events": staff_events(user=member(request))}
    )


def _initial(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "target_groups": list(event.target_groups.values_list("target_group", flat=True)),
        "description": event.description,
        "organiser": event.organiser_id,
        "county": event.county_id,
        "place": event.place,
        "online_url": event.online_url,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "registration_closes_at": event.registration_closes_at,
        "capacity": event.capacity,
    }


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_EVENTS)
def event_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    user = member(request)
    event = _event(request, slug) if slug else None
    if event is not None and event.state == EventState.CANCELLED:
        messages.error(request, gettext("A cancelled event cannot be changed."))
        return redirect("events:manage-list")
    form = EventForm(
        request.POST or None,
        initial=_initial(event) if event else None,
        organisers=event_organisers(user=member(request)),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target_groups = data.pop("target_groups")
        try:
            if event is None:
                event = event_create(actor=user, target_groups=target_groups, **data)
                messages.success(request, gettext("The event is saved as a draft."))
            else:
                event = event_update(event=event, actor=user, target_groups=target_groups, **data)
                messages.success(request, gettext("The event is saved."))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("events:manage-list")
    return render(request, "events/event_form.html", {"form": form, "event": event})


@require_POST
@require_perm(Perm.MANAGE_EVENTS)
def event_publish_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event_publish(event=_event(request, slug), actor=member(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The event is published."))
    return redirect("events:manage-list")


@require_POST
@require_perm(Perm.MANAGE_EVENTS)
def event_cancel_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event_cancel(event=_event(request, slug), actor=member(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("The event is cancelled; everyone registered is told by e-mail.")
        )
    return redirect("events:manage-list")


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def registration_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    registrations = event.registrations.select_related("county").order_by(
        "status", "created_at", "pk"
    )
    return render(
        request,
        "events/registration_list.html",
        {"event": event, "registrations": registrations, "places_left": event.places_left},
    )


@require_POST
@require_perm(Perm.MANAGE_EVENTS)
def attendance_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One row: with htmx only that row is swapped; without JavaScript a POST and redirect."""
    event = _event(request, slug)
    registration = get_object_or_404(Registration.objects.filter(event=event), pk=pk)
    attended = request.POST.get("attended") == "1"
    error = ""
    try:
        registration = attendance_mark(
            registration=registration, attended=attended, actor=member(request)
        )
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, gettext("Attendance is saved."))
        return redirect(
            reverse("events:registration-list", kwargs={"slug": event.slug})
            + f"#registration-{registration.pk}"
        )
    return render(
        request,
        "events/registration_list.html#attendance_response",
        {"event": event, "registration": registration, "error": error, "saved": not error},
    )


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def evaluation_summary_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    return render(
        request,
        "events/evaluation_summary.html",
        {"event": event, "summary": evaluation_summary(event), "suppress_below": SUPPRESS_BELOW},
    )


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def statistics_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/statistics.html",
        {"rows": participation_statistics(), "suppress_below": SUPPRESS_BELOW},
    )


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event-participation.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [gettext("Grouped by"), gettext("Group"), gettext("Registered"), gettext("Attended")]
    )
    for row in participation_statistics():
        writer.writerow(
            [
                spreadsheet_safe(row.dimension_label),
                spreadsheet_safe(row.value_label),
                row.registered,
                row.attended,
            ]
        )
    return response


def _participant_cells(row: ParticipantRow) -> list[str]:
    # Names, organisations and needs are typed by anyone who registers: a leading = + - @
    # would run as a formula in a spreadsheet (CSV injection), so it is written as text.
    return [
        spreadsheet_safe(value)
        for value in (row.name, row.organisation, row.email, row.status, row.needs)
    ]


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def participants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    rows = participant_list_export(event=event, actor=member(request), file_format="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{event.slug}.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(participant_list_headers())
    writer.writerows(_participant_cells(row) for row in rows)
    return response


@require_GET
@require_perm(Perm.MANAGE_EVENTS)
def participants_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    rows = participant_list_export(event=event, actor=member(request), file_format="xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Participants")[:31])
    sheet.append(participant_list_headers())
    for row in rows:
        sheet.append(_participant_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="participants-{event.slug}.xlsx"'
    return response


urlpatterns: list[URLPattern] = [
    path(_("events/manage/"), manage_list, name="manage-list"),
    path(_("events/manage/new/"), event_edit, name="event-new"),
    path(_("events/manage/statistics/"), statistics_view, name="statistics"),
    path(_("events/manage/statistics.csv"), statistics_csv, name="statistics-csv"),
    path(_("events/manage/<slug:slug>/edit/"), event_edit, name="event-edit"),
    path(_("events/manage/<slug:slug>/publish/"), event_publish_view, name="event-publish"),
    path(_("events/manage/<slug:slug>/cancel/"), event_cancel_view, name="event-cancel"),
    path(
        _("events/manage/<slug:slug>/registrations/"),
        registration_list,
        name="registration-list",
    ),
    path(
        _("events/manage/<slug:slug>/participants.csv"),
        participants_csv,
        name="participants-csv",
    ),
    path(
        _("events/manage/<slug:slug>/participants.xlsx"),
        participants_xlsx,
        name="participants-xlsx",
    ),
    path(
        _("events/manage/<slug:slug>/registrations/<int:pk>/attendance/"),
        attendance_view,
        name="attendance",
    ),
    path(
        _("events/manage/<slug:slug>/evaluation/"),
        evaluation_summary_view,
        name="evaluation-summary",
    ),
]
