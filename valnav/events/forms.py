"""Forms for events: the public filters and registration, the evaluation, and the staff's event
form. They check the shape of the input; the rules live in events.services, whose
ValidationErrors are put back onto these fields (`valnav.core.http.form_errors_from`)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Organisation
from valnav.core.audiences import TargetGroup
from valnav.events.models import (
    COMMENT_LABEL,
    LIKERT_CHOICES,
    LIKERT_ITEMS,
    LIKERT_LABELS,
    NEEDS_MAX_LENGTH,
    EventKind,
    ParticipantGender,
    ParticipantOrganisationKind,
)
from valnav.places.models import County

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _counties() -> QuerySet[County]:
    return County.objects.order_by("name")


class EventFilterForm(forms.Form):
    """The public list's filters; a bad value drops that filter only."""

    county = forms.ChoiceField(label=_("County"), required=False)
    target_group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All target groups")), *TargetGroup.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = cast(forms.ChoiceField, self.fields["county"])
        county.choices = [("", _("All counties"))] + [
            (code, name) for code, name in _counties().values_list("code", "name")
        ]

    def filters(self) -> tuple[str, str]:
        if not self.is_valid():
            return (
                self.data.get("county", "") if "county" not in self.errors else "",
                self.data.get("target_group", "") if "target_group" not in self.errors else "",
            )
        return self.cleaned_data["county"], self.cleaned_data["target_group"]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The confirmation and the link to cancel are sent here."),
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Choose…")), *ParticipantOrganisationKind.choices],
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        empty_label=_("Outside the region or not stated"),
    )
    needs = forms.CharField(
        label=_("Dietary or access needs (optional)"),
        required=False,
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example food allergies, a wheelchair place or an interpreter. Shared only "
            "with the organisers and deleted with the registration."
        ),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        required=False,
        choices=[("", _("Not answered")), *ParticipantGender.choices],
        help_text=_(
            "Asked only to follow up the project's horizontal principles (gender equality): "
            "reported as totals, never per person."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = cast(forms.ModelChoiceField[County], self.fields["county"])
        county.queryset = _counties()
        for name in ("name", "organisation_name"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "name": "name",
                "organisation_name": "organization",
            }[name]
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class EvaluationForm(forms.Form):
    comment = forms.CharField(
        label=COMMENT_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in reversed(LIKERT_ITEMS):
            self.fields = {
                item: forms.TypedChoiceField(
                    label=LIKERT_LABELS[item],
                    choices=LIKERT_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    help_text=_("1 = do not agree at all, 5 = agree completely"),
                ),
                **self.fields,
            }

    def answers(self) -> dict[str, int]:
        return {item: self.cleaned_data[item] for item in LIKERT_ITEMS}


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        required=False,
        help_text=_("The last part of the page's address; made from the title when empty."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, lists, links."),
    )
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organisation.objects.none())
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        empty_label=_("The whole of Östra Mellansverige"),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"), widget=DateTimeInput()
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)

    def __init__(
        self, *args: Any, organisers: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        organiser = cast(forms.ModelChoiceField[Organisation], self.fields["organiser"])
        organiser.queryset = organisers if organisers is not None else Organisation.objects.none()
        county = cast(forms.ModelChoiceField[County], self.fields["county"])
        county.queryset = _counties()
        for name in ("starts_at", "ends_at", "registration_closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]  # DateTimeField has input_formats

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Give a place or an online link."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data
