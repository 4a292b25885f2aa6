"""Forms that parse what assessors and counsellors send about cases. They check the shape of
the input; the rules live in casework.services, whose ValidationErrors are mapped back onto
these fields (see `valnav.core.http.form_errors_from`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Organisation
from valnav.atlas.models import ComplementaryEducation, Criterion, ValidationModel
from valnav.casework.komvux import komvux_courses_valid_on
from valnav.casework.models import (
    AssessmentMethod,
    CourseExtent,
    CriterionAssessment,
    CriterionResult,
    Gender,
    Grade,
    PlanItemStatus,
    ReferralShare,
)
from valnav.casework.selectors import ReferralTarget
from valnav.casework.services import OPTIONAL_ITEMS, evidence_type_names
from valnav.casework.states import CaseState, Decision
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast(forms.ModelChoiceField[Any], form.fields[name])


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DatalistInput(forms.TextInput):
    """A text box with a <datalist> of the choices: the browser's own combobox, which filters
    as one types and works without JavaScript. The field checks the value on the server."""

    template_name = "casework/widgets/datalist.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.options: list[str] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "list": f"{(attrs or {}).get('id', name)}-options"}
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = self.options
        return context


class PickerField(forms.ModelChoiceField[Any]):
    """One of a long list (occupations, courses) picked by typing: the value is the option's
    label, as the datalist offers it, its leading code (an SSYK code) or its id. The options
    are sorted by label; only those of the queryset are accepted."""

    widget = DatalistInput
    _by_label: dict[str, Any] = {}

    def set_queryset(self, queryset: QuerySet[Any]) -> None:
        self.queryset = queryset
        self._by_label = {self.label_from_instance(obj): obj for obj in queryset}
        cast(DatalistInput, self.widget).options = sorted(self._by_label, key=str.casefold)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = next((o for o in self._by_label.values() if o.pk == int(value)), None)
            return self.label_from_instance(found) if found is not None else value
        if hasattr(value, "pk"):
            return self.label_from_instance(value)
        return value

    def to_python(self, value: Any) -> Any:
        text = " ".join(str(value or "").split())
        if not text:
            return None
        found = self._by_label.get(text)
        if found is None:
            code = text.split(" ", 1)[0]
            matches = [o for o in self._by_label.values() if getattr(o, "code", None) == code]
            found = matches[0] if len(matches) == 1 else None
        if found is None and text.isdigit():  # the id, as a client without the list sends it
            found = next((o for o in self._by_label.values() if o.pk == int(text)), None)
        if found is None:
            raise ValidationError(
                _("Choose one of the suggestions in the list."), code="invalid_choice"
            )
        return found


class CaseFilterForm(forms.Form):
    """The case list's filters. A bad value drops that filter only."""

    q = forms.CharField(
        label=_("Case reference or pseudonym"),
        required=False,
        max_length=12,
        help_text=_("For example V-7K3M9Q2X or P-7K3M9Q2X. Names cannot be searched."),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *CaseState.choices],
    )
    only_open = forms.BooleanField(label=_("Only open cases"), required=False)

    def filters(self) -> tuple[str, bool, str]:
        """(state, only open, query) of the valid fields."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("state", ""), bool(data.get("only_open")), data.get("q", "")


PURPOSE_HELP = _("Why it is recorded, e.g. follow-up of equal treatment. Required with the item.")


class IndividualForm(forms.Form):
    """A person to validate. Each optional item comes with the purpose it is recorded for."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Registering organisation"),
        empty_label=None,
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    personnummer = forms.CharField(
        label=_("Personnummer"),
        required=False,
        max_length=13,
        help_text=_(
            # The example is one of Skatteverket's test personnummer (demo.identities).
            "Only when clearly justified, e.g. for a certificate. 10 or 12 digits, e.g. "
            "19900321-2389. It is stored encrypted and never shown in lists."
        ),
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.defer("boundary").order_by("name"),
        label=_("Home municipality"),
    )
    protected_identity = forms.BooleanField(
        label=_("Protected identity"),
        required=False,
        help_text=_(
            "The person has protected personal data (skyddad identitet). Name and contact are "
            "then shown only to the responsible assessor."
        ),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not recorded")), *Gender.choices],
    )
    gender_purpose = forms.CharField(
        label=_("Purpose of recording gender"),
        required=False,
        max_length=200,
        help_text=PURPOSE_HELP,
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"), required=False, min_value=1900, max_value=2100
    )
    birth_year_purpose = forms.CharField(
        label=_("Purpose of recording the birth year"),
        required=False,
        max_length=200,
        help_text=PURPOSE_HELP,
    )
    born_abroad = forms.TypedChoiceField(
        label=_("Born abroad"),
        required=False,
        choices=[("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    born_abroad_purpose = forms.CharField(
        label=_("Purpose of recording birth abroad"),
        required=False,
        max_length=200,
        help_text=PURPOSE_HELP,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=120,
        help_text=_("For example: Swedish, Arabic."),
    )
    languages_purpose = forms.CharField(
        label=_("Purpose of recording languages"),
        required=False,
        max_length=200,
        help_text=PURPOSE_HELP,
    )

    IDENTITY_FIELDS = (
        "organisation",
        "given_name",
        "family_name",
        "email",
        "phone",
        "personnummer",
        "municipality",
        "protected_identity",
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "organisation").queryset = organisations

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.IDENTITY_FIELDS]

    def optional_fields(self) -> list[forms.BoundField]:
        return [self[name] for item in OPTIONAL_ITEMS for name in (item, f"{item}_purpose")]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "personnummer": data["personnummer"],
            "data": {
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "email": data["email"],
                "phone": data["phone"],
                "municipality": data["municipality"],
                "protected_identity": data["protected_identity"],
                "gender": data["gender"],
                "birth_year": data["birth_year"],
                "born_abroad": data["born_abroad"],
                "languages": data["languages"],
            },
            "purposes": {item: data[f"{item}_purpose"] for item in OPTIONAL_ITEMS},
        }

    def purpose_targets(self) -> dict[str, str]:
        """Where a service error about an optional item belongs: on its purpose field when the
        purpose is what is missing."""
        data = getattr(self, "cleaned_data", {})
        return {
            item: f"{item}_purpose"
            for item in OPTIONAL_ITEMS
            if not (data.get(f"{item}_purpose") or "").strip()
        }


class CaseForm(forms.Form):
    """Open a case for a registered person, towards a model, an occupation or a course."""

    individual = forms.CharField(
        label=_("The person's pseudonym"),
        max_length=12,
        help_text=_("For example P-7K3M9Q2X. Register the person first if they are new."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Responsible organisation"),
        empty_label=None,
    )
    model = forms.ModelChoiceField(
        queryset=ValidationModel.objects.active().order_by("name"),
        label=_("Validation model"),
        required=False,
        empty_label=_("None"),
    )
    occupation = PickerField(
        queryset=Occupation.objects.none(),
        label=_("Occupation (SSYK)"),
        required=False,
        help_text=_("Type a few letters of the occupation or its SSYK code, then choose."),
    )
    komvux_course = forms.CharField(
        label=_("Komvux course or package"),
        required=False,
        max_length=120,
    )
    first_contact = forms.DateField(
        label=_("First contact"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty means today."),
    )
    reason = forms.CharField(
        label=_("Note on the first contact"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        find_individual: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "organisation").queryset = organisations
        cast(PickerField, self.fields["occupation"]).set_queryset(
            Occupation.objects.filter(level=4).order_by("code")
        )
        self._find_individual = find_individual

    def clean_individual(self) -> object:
        found = self._find_individual(self.cleaned_data["individual"])
        if found is None:
            raise ValidationError(
                _("No person with this pseudonym is registered by your organisations."),
                code="unknown_individual",
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        targets = ("model", "occupation", "komvux_course")
        # A target that was refused has its own error; "choose a target" would only mislead.
        if not any(data.get(name) for name in targets) and not set(targets) & set(self.errors):
            self.add_error(
                "model", _("Choose a validation model, an occupation or a Komvux course.")
            )
        return data

    def target(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "model": data["model"],
            "occupation": data["occupation"],
            "komvux_course": data["komvux_course"],
        }


class TransitionForm(forms.Form):
    """Move the case on. `version` is the case's version when the page was rendered: the
    service refuses the move if someone else has saved the case since."""

    to_state = forms.ChoiceField(label=_("New state"), choices=CaseState.choices)
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("Choose the decision")), *Decision.choices],
        help_text=_("Only when the new state is Decision. Suggested from the criteria results."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the case history. No more personal data than needed."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, targets: Sequence[CaseState], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any state parses, so that a target which is no longer allowed reaches the service
        # and gets its message; only the allowed ones are offered.
        _choice(self, "to_state").widget.choices = [(s.value, s.label) for s in targets]
        if CaseState.DECISION not in targets:
            del self.fields["decision"]


class AssessmentForm(forms.Form):
    """One criterion's row of the one assessment form. A row left without a result is not
    assessed yet and is left as it is; a row with a result needs its method."""

    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Not assessed yet")), *CriterionResult.choices],
    )
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("Choose the method")), *AssessmentMethod.choices],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") and not data.get("method"):
            self.add_error("method", _("Choose the method of the assessment."))
        elif data.get("method") and not data.get("result") and "result" not in self.errors:
            self.add_error("result", _("Choose the result, or leave the method empty."))
        return data


class PlanItemForm(forms.Form):
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        label=_("Gap (criterion)"),
        required=False,
        empty_label=_("None"),
    )
    education = PickerField(
        queryset=ComplementaryEducation.objects.none(),
        label=_("Complementary education"),
        required=False,
        help_text=_("Type a few letters of the education or its municipality, then choose."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanItemStatus.choices)
    started_on = forms.DateField(label=_("Started"), required=False, widget=DateInput())
    finished_on = forms.DateField(label=_("Finished"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(
        self,
        *args: Any,
        criteria: QuerySet[Criterion] | None = None,
        educations: QuerySet[ComplementaryEducation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if criteria is None or educations is None:  # an update: the item keeps both
            del self.fields["criterion"]
            del self.fields["education"]
            return
        _model_choice(self, "criterion").queryset = criteria
        cast(PickerField, self.fields["education"]).set_queryset(educations)


class _AssessmentChoiceField(forms.ModelChoiceField[CriterionAssessment]):
    def label_from_instance(self, obj: CriterionAssessment) -> str:
        return str(obj.criterion)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    assessment = _AssessmentChoiceField(
        queryset=CriterionAssessment.objects.none(),
        label=_("Supports the criterion"),
        required=False,
        empty_label=_("The case as a whole"),
    )

    def __init__(
        self, *args: Any, assessments: QuerySet[CriterionAssessment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.VALNAV_EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "Allowed: %(types)s, at most %(limit)s MB. The type is checked from the file's "
            "content, not its name."
        ) % {"types": evidence_type_names(), "limit": limit}
        _model_choice(self, "assessment").queryset = assessments


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Refer to"),
        help_text=_(
            "Organisations that validate the case's target, nearest the case's municipality first."
        ),
    )
    shares = forms.MultipleChoiceField(
        label=_("Share with the receiver"),
        required=False,
        choices=ReferralShare.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The receiver sees the case reference and state, and only what you tick."),
    )
    consent_how = forms.CharField(
        label=_("How the person consented"),
        max_length=200,
        help_text=_("For example: orally at the meeting on 2026-11-20, noted by the counsellor."),
    )
    message = forms.CharField(
        label=_("Message to the receiver"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, targets: Sequence[ReferralTarget], **kwargs: Any) -> None:
        """`targets` in the order offered (casework.selectors.case_referral_targets): only
        these are accepted."""
        super().__init__(*args, **kwargs)
        field = _model_choice(self, "to_organisation")
        field.queryset = Organisation.objects.filter(
            pk__in=[target.organisation.pk for target in targets]
        )
        field.choices = [
            ("", _("Choose the organisation")),
            *(
                (
                    target.organisation.pk,
                    target.organisation.name
                    if target.distance_km is None
                    else f"{target.organisation.name} ({target.distance_km:.0f} km)",
                )
                for target in targets
            ),
        ]


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


def komvux_course_choices(on: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue's courses and subject levels valid on `on`, Gy25 subjects first."""
    courses = sorted(komvux_courses_valid_on(on), key=lambda course: course.name)
    groups = [
        (_("Subjects and levels (Gy25)"), "gy25_subject"),
        (_("Courses (Gy11, until 2030-06-30)"), "gy11_course"),
    ]
    return [
        (str(label), [(course.key, course.name) for course in courses if course.system == system])
        for label, system in groups
    ]


class CourseMatchForm(forms.Form):
    course_key = forms.ChoiceField(label=_("Course or subject"))
    extent = forms.ChoiceField(
        label=_("The knowledge corresponds"), choices=[("", "–"), *CourseExtent.choices]
    )

    def __init__(self, *args: Any, on: date, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "course")
        super().__init__(*args, **kwargs)
        _choice(self, "course_key").choices = komvux_course_choices(on)


class ExaminationForm(forms.Form):
    course_key = forms.ChoiceField(label=_("Course or subject"))
    examiner_name = forms.CharField(
        label=_("Examiner"), max_length=120, help_text=_("The teacher who set the grade.")
    )
    held_on = forms.DateField(label=_("Examined on"), widget=DateInput())
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)

    def __init__(self, *args: Any, on: date, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "exam")
        super().__init__(*args, **kwargs)
        _choice(self, "course_key").choices = komvux_course_choices(on)
