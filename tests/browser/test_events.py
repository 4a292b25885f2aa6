"""Events in a real browser: a visitor registers for the last place and gets a confirmation
e-mail with the event as a valid iCalendar file; a second visitor joins the waiting list; the
first cancels through the e-mail's link (a button, never on GET), which gives the place to the
second, who gets an e-mail; staff mark attendance (htmx row). axe on every page visited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.events.models import (
    EvaluationResponse,
    Event,
    Registration,
    RegistrationStatus,
    RegistrationToken,
)
from valnav.events.tests.factories import EventFactory, RegistrationFactory
from valnav.events.tokens import token_new


@pytest.fixture
def event(browser_data: dict[str, Any]) -> Any:
    start = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    return EventFactory(
        title="Validering för arbetsgivare i Västerås",
        slug="validering-arbetsgivare-vasteras",
        capacity=1,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_closes_at=start - timedelta(days=1),
    )


def log_in(page: Any, server: str, key: str) -> None:
    persona = PERSONAS_BY_KEY[key]
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))


def register(page: Any, name: str, email: str) -> None:
    form = page.get_by_role("main")
    form.get_by_label(field_label("Name")).fill(name)
    form.get_by_label(field_label("E-mail address")).fill(email)
    form.get_by_label(field_label("Organisation")).fill("Komvux Västerås")
    form.get_by_label(field_label("Kind of organisation")).select_option("komvux")
    form.get_by_label(field_label("Gender (optional)")).select_option("woman")


def cancel_link(mail: Any, server: str) -> str:
    """The Swedish cancellation link of an e-mail (the English one follows it)."""
    prefix = url(server, "events:registration-cancel", token="TOKEN").removesuffix("TOKEN/")
    links: list[str] = re.findall(r"https?://\S+", mail.body)
    return next(link for link in links if link.startswith(prefix))


def test_register_cancel_promote_and_mark_attendance(
    page, server, check_a11y, event, settings, mailoutbox
):
    settings.VALNAV_PUBLIC_URL = server  # links in the e-mails lead to this test server
    page.goto(url(server, "core:home"))
    main_nav(page).get_by_role("link", name=sv("Events")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Events"))
    check_a11y(page)

    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    check_a11y(page)
    register(page, "Anna Andersson", "anna@example.org")
    page.get_by_role("button", name=sv("Register")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Thank you for registering"))
    check_a11y(page)

    # The confirmation carries the event as iCalendar.
    assert [mail.to for mail in mailoutbox] == [["anna@example.org"]]
    attachment = mailoutbox[0].attachments[0]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    (component,) = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == event.title
    assert component.decoded("DTSTART") == event.starts_at

    # The event is now full: the next visitor joins the waiting list.
    page.goto(url(server, "events:event-detail", slug=event.slug))
    expect(page.locator("#places-status")).to_contain_text(sv("The event is full."))
    check_a11y(page)
    register(page, "Bo Berg", "bo@example.org")
    page.get_by_role("button", name=sv("Join the waiting list")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("You are on the waiting list"))
    check_a11y(page)
    assert mailoutbox[1].to == ["bo@example.org"]

    # The first cancels through the link: the page asks, the button cancels.
    link = cancel_link(mailoutbox[0], server)
    assert "anna" not in link.lower()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Cancel your registration"))
    check_a11y(page)
    assert Registration.objects.get(email="anna@example.org").status == "confirmed"
    page.get_by_role("button", name=sv("Yes, cancel my registration")).click()
    expect(page.get_by_role("status").last).to_contain_text(
        sv(
            "Your registration is cancelled. Thank you for letting us know: your place goes to "
            "the first on the waiting list."
        )
    )
    check_a11y(page)
    promoted = Registration.objects.get(email="bo@example.org")
    assert promoted.status == RegistrationStatus.CONFIRMED
    assert mailoutbox[-1].to == ["bo@example.org"]
    assert mailoutbox[-1].attachments  # the calendar comes with the place

    # Staff mark attendance, row by row with htmx.
    log_in(page, server, "communicator_vastmanland")
    page.goto(url(server, "events:manage-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Manage events"))
    check_a11y(page)
    page.get_by_role("link", name=re.compile(re.escape(sv("Registrations")))).first.click()
    expect(page.get_by_role("main")).to_contain_text("Bo Berg")
    check_a11y(page)
    row = page.locator(f"#registration-{promoted.pk}")
    row.get_by_role("button", name=re.compile(re.escape(sv("Mark as attended")))).click()
    expect(page.locator(f"#registration-{promoted.pk}")).to_contain_text(sv("Mark as absent"))
    promoted.refresh_from_db()
    assert promoted.attended
    check_a11y(page)


def test_staff_create_and_publish_an_event_and_read_the_figures(
    page, server, check_a11y, event, settings
):
    settings.VALNAV_PUBLIC_URL = server
    for number in range(6):
        registration = RegistrationFactory.create(event=event, attended=True, gender="woman")
        EvaluationResponse.objects.create(
            registration=registration,
            relevance=5,
            knowledge=4,
            organisation=4,
            recommend=5,
            comment=f"Bra dag {number}",
            token_hash=f"{number:064d}",
        )
    token, digest = token_new()
    RegistrationToken.objects.create(
        registration=RegistrationFactory.create(event=event, attended=True),
        purpose="evaluate",
        token_hash=digest,
    )

    # A participant answers the evaluation through the e-mail's link.
    page.goto(url(server, "events:evaluation", token=token))
    check_a11y(page)
    for label in (
        "The content was relevant to my work",
        "I know more about validation after the event",
        "The event was well organised",
        "I would recommend the event to a colleague",
    ):
        page.get_by_role("group", name=re.compile(re.escape(sv(label)))).get_by_label("4").check()
    page.get_by_role("button", name=sv("Send")).click()
    expect(page.get_by_role("status").last).to_contain_text(
        sv("Thank you! Your answers are saved.")
    )
    check_a11y(page)

    log_in(page, server, "project_manager")
    page.goto(url(server, "events:event-new"))
    check_a11y(page)
    main = page.get_by_role("main")
    main.get_by_label(field_label("Title")).fill("Webbinarium om yrkesbevis")
    main.get_by_label(field_label("Kind")).select_option("webinar")
    main.get_by_label(sv("Employers")).check()
    main.get_by_label(field_label("Organiser")).select_option(index=1)
    main.get_by_label(field_label("Online link")).fill("https://valnav.example/webbinarium")
    start = (timezone.localtime() + timedelta(days=20)).replace(hour=10, minute=0)
    main.get_by_label(field_label("Starts")).fill(start.strftime("%Y-%m-%dT%H:%M"))
    main.get_by_label(field_label("Ends")).fill(start.strftime("%Y-%m-%dT11:30"))
    main.get_by_label(field_label("Registration closes")).fill(
        (start - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    )
    main.get_by_label(field_label("Places")).fill("50")
    main.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Manage events"))
    check_a11y(page)
    created = Event.objects.get(title="Webbinarium om yrkesbevis")
    page.get_by_role("button", name=re.compile(re.escape(sv("Publish")))).click()
    expect(page.get_by_role("status").first).to_contain_text(sv("The event is published."))
    created.refresh_from_db()
    assert created.state == "published"

    page.goto(url(server, "events:evaluation-summary", slug=event.slug))
    expect(page.get_by_role("main")).to_contain_text("Bra dag 5")
    check_a11y(page)
    page.goto(url(server, "events:statistics"))
    expect(page.get_by_role("table").first).to_be_visible()
    check_a11y(page)
