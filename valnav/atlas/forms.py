"""Forms that parse what visitors and members send to the atlas."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, cast

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from valnav.atlas.models import ComplementaryEducation, ModelKind, Offer, ValidationModel
from valnav.atlas.route import RouteAnswers, exact_occupation, occupation_choices
from valnav.atlas.selectors import SearchFilters
from valnav.core.figures_cache import figures_data_token
from valnav.lib.languages import COMMON_LANGUAGES, ISO_639_1, language_name
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Branch, Occupation


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, typed as one (Form.fields is typed as plain Field)."""
    return cast(forms.ChoiceField, form.fields[name])


DISTANCE_CHOICES = [
    ("", _("Any distance")),
    ("10", "10 km"),
    ("25", "25 km"),
    ("50", "50 km"),
    ("100", "100 km"),
]


class QuickSelect(forms.Select):
    """A select whose options are written in Python rather than through one template per
    option: the search form's 52 municipalities and 40 languages took longer to render than
    the search took to run. Same markup as Django's Select (attributes, selected option)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        final = self.build_attrs(self.attrs, attrs)
        markup = _option_markup(
            get_language() or "", tuple((str(code), str(label)) for code, label in self.choices)
        )
        options = mark_safe(  # noqa: S308  (escaped by format_html in _option_markup)
            "".join(selected if code in chosen else plain for code, plain, selected in markup)
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class QuickInput(forms.widgets.Input):
    """An input written in Python rather than through Django's two widget templates: the
    search form is on every search page, and its template renders cost more than the search.
    Same markup as Django's (`test_the_search_forms_quick_fields_write_what_django_writes`)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, shown, _attributes(widget)
        )


def _attributes(widget: dict[str, Any]) -> SafeString:
    """A widget's attributes in their order, as Django's attrs.html writes them (True bare,
    False left out)."""
    return mark_safe(  # noqa: S308  (each part is escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in widget["attrs"].items()
            if value is not False
        )
    )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickHiddenInput(QuickInput, forms.HiddenInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


def quick_field_group(field: forms.BoundField) -> SafeString:
    """Label, help text and widget as `as_field_group` writes them, without its templates; a
    field with an error is written by Django, with its message."""
    if field.errors:
        return field.as_field_group()
    label = str(field.label)
    if field.form.label_suffix and label[-1:] not in ":?.!":
        label += str(field.form.label_suffix)
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div class="helptext" id="{}_helptext">{}</div>\n', field.auto_id, field.help_text
        )
    return format_html(
        '<label for="{}">{}</label>\n{}{}', field.id_for_label, label, help_text, field.as_widget()
    )


@lru_cache(maxsize=256)
def _option_markup(
    language: str, choices: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str, str], ...]:
    """Each option's markup, plain and selected, escaped once per language and choice list."""
    return tuple(
        (
            code,
            format_html('<option value="{}">{}</option>', code, label),
            format_html('<option value="{}" selected>{}</option>', code, label),
        )
        for code, label in choices
    )


type Choices = list[tuple[str, str]]
# The search form's choice lists per language and data token: municipalities, counties and
# branches change only with the data, and the form is on every search page.
_SEARCH_CHOICES: dict[tuple[str, str], dict[str, Choices]] = {}


def search_choices(language: str, token: str) -> dict[str, Choices]:
    """The search form's choices in `language` under the data token `token`."""
    key = (language, token)
    found = _SEARCH_CHOICES.get(key)
    if found is None:
        everything = [("", str(_("All")))]
        # values_list: the rows carry boundaries (GeoJSON) a list of names does not need.
        found = {
            "municipality": everything
            + list(Municipality.objects.order_by("name").values_list("code", "name")),
            "county": everything
            + list(County.objects.order_by("name").values_list("code", "name")),
            "branch": everything + [(b.key, b.name) for b in Branch.objects.order_by("name_sv")],
            "kind": everything + [(value, str(label)) for value, label in ModelKind.choices],
            "language": everything
            + [(code, language_name(code, language=language)) for code in COMMON_LANGUAGES],
        }
        if not any(stored[1] == token for stored in _SEARCH_CHOICES):
            _SEARCH_CHOICES.clear()
        _SEARCH_CHOICES[key] = found
    return found


class SearchForm(forms.Form):
    """The public search. Every field is optional; bad values are ignored with a message."""

    q = forms.CharField(
        label=_("What do you work with, or what do you want to be validated in?"),
        required=False,
        max_length=200,
        widget=QuickTextInput(
            attrs={"type": "search", "autocomplete": "off", "list": "occupation-suggestions"}
        ),
        help_text=_("For example undersköterska, svetsare, elektriker or lagerarbetare."),
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False, widget=QuickSelect)
    within_km = forms.ChoiceField(
        label=_("Within"), choices=DISTANCE_CHOICES, required=False, widget=QuickSelect
    )
    county = forms.ChoiceField(label=_("County"), required=False, widget=QuickSelect)
    branch = forms.ChoiceField(label=_("Branch"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind of validation"), required=False, widget=QuickSelect)
    language = forms.ChoiceField(label=_("Assessment language"), required=False, widget=QuickSelect)
    remote = forms.BooleanField(
        label=_("Can be done remotely"), required=False, widget=QuickCheckboxInput
    )
    occupation = forms.CharField(required=False, max_length=4, widget=QuickHiddenInput)
    # One model's offers in every place ("fler orter"), from a grouped result.
    model = forms.SlugField(required=False, max_length=60, widget=QuickHiddenInput)

    def __init__(self, *args: Any, data_token: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = search_choices(get_language() or "sv", data_token or figures_data_token())
        for name, options in choices.items():
            choice_field(self, name).choices = options

    def filters(self) -> SearchFilters:
        """The valid filters; a bad value in one field drops only that field (and the form
        shows its error), never the others."""
        self.is_valid()
        data = self.cleaned_data
        within = data.get("within_km") or ""
        return SearchFilters(
            query=data.get("q", ""),
            county=data.get("county", ""),
            municipality=data.get("municipality", ""),
            within_km=int(within) if within and data.get("municipality") else None,
            occupation=data.get("occupation", "")
            if str(data.get("occupation", "")).isdigit()
            else "",
            branch=data.get("branch", ""),
            kind=data.get("kind", ""),
            language=data.get("language", ""),
            remote=True if data.get("remote") else None,
            model=data.get("model", ""),
            words_language=get_language() or "sv",
        )

    @property
    def query_group(self) -> SafeString:
        return quick_field_group(self["q"])

    @property
    def filter_groups(self) -> SafeString:
        """The filters' labels and selects, as `as_field_group` writes them but without a
        template per field and label: the search page shows six on every request."""
        names = ("municipality", "within_km", "county", "branch", "kind", "language")
        groups = "\n".join(quick_field_group(self[name]) for name in names)
        return mark_safe(groups)  # noqa: S308  (each group is escaped by format_html)

    @property
    def remote_group(self) -> SafeString:
        """The remote checkbox and its label after it (a checkbox has no error to show)."""
        field = self["remote"]
        label = str(field.label)
        if self.label_suffix and label[-1:] not in ":?.!":
            label += str(self.label_suffix)
        return format_html(
            '{} <label for="{}">{}</label>', field.as_widget(), field.id_for_label, label
        )

    @property
    def is_filtered(self) -> bool:
        """Whether a filter (not the free text) is set, so the filter panel starts open."""
        filters = set(self.fields) - {"q", "occupation"}
        return self.is_bound and any(self.data.get(name) for name in filters)


class RouteStepForm(forms.Form):
    """One question of the route finder; `apply` stores the answer."""

    step = ""

    def apply(self, answers: RouteAnswers) -> None:
        raise NotImplementedError


class OccupationStepForm(RouteStepForm):
    step = "occupation"
    occupation_text = forms.CharField(
        label=_("What do you work with, or what have you worked with?"),
        max_length=100,
        help_text=_("Write your occupation in your own words, for example svetsare or kock."),
        widget=forms.TextInput(attrs={"list": "occupation-suggestions", "autocomplete": "off"}),
    )
    occupation_code = forms.CharField(required=False, max_length=4)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("occupation_text", "")
        code = data.get("occupation_code", "")
        self.choices = occupation_choices(text, language=get_language() or "sv") if text else []
        if code and code in {o.code for o in self.choices}:
            return data
        single = self.choices[0] if len(self.choices) == 1 else None
        single = single or exact_occupation(text, self.choices)
        if single is not None:
            data["occupation_code"] = single.code
            return data
        if not self.choices and text:
            # On the text field, so that the page marks and names the field that was refused.
            self.add_error(
                "occupation_text",
                forms.ValidationError(
                    _(
                        "We did not find that occupation. Try another word, for example the "
                        "title on your last job."
                    ),
                    code="unknown_occupation",
                ),
            )
            return data
        if self.choices:
            raise forms.ValidationError(
                _("Several occupations match. Choose the one closest to yours."),
                code="choose_occupation",
            )
        return data

    def apply(self, answers: RouteAnswers) -> None:
        answers.occupation_text = self.cleaned_data["occupation_text"]
        answers.occupation_code = self.cleaned_data["occupation_code"]


class MunicipalityStepForm(RouteStepForm):
    step = "municipality"
    municipality_code = forms.ChoiceField(label=_("Which municipality do you live in?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "municipality_code").choices = [("", _("Choose municipality"))] + [
            (m.code, m.name) for m in Municipality.objects.order_by("name")
        ]

    def apply(self, answers: RouteAnswers) -> None:
        answers.municipality_code = self.cleaned_data["municipality_code"]


class DocumentsStepForm(RouteStepForm):
    step = "documents"
    documents = forms.ChoiceField(
        label=_("Do you have documents that show what you know?"),
        widget=forms.RadioSelect,
        choices=[
            ("swedish", _("Yes, from Sweden")),
            ("abroad", _("Yes, from another country")),
            ("none", _("No, or only a few")),
        ],
    )

    def apply(self, answers: RouteAnswers) -> None:
        answers.documents = self.cleaned_data["documents"]


class LanguageStepForm(RouteStepForm):
    step = "language"
    language = forms.ChoiceField(label=_("Which language do you prefer for the assessment?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language() or "sv"
        choice_field(self, "language").choices = [
            (code, language_name(code, language=lang)) for code in COMMON_LANGUAGES
        ]

    def apply(self, answers: RouteAnswers) -> None:
        answers.language = self.cleaned_data["language"]


ROUTE_FORMS: dict[str, type[RouteStepForm]] = {
    form.step: form
    for form in (OccupationStepForm, MunicipalityStepForm, DocumentsStepForm, LanguageStepForm)
}

SELF_ASSESSMENT_CHOICES = [
    ("yes", _("I can do this")),
    ("partly", _("Partly")),
    ("no", _("Not yet")),
]
SELF_ASSESSMENT_VALUES = {value for value, _label in SELF_ASSESSMENT_CHOICES}


class CoverageForm(forms.Form):
    """Coverage for one occupation (SSYK code, any level) or one branch."""

    q = forms.CharField(
        label=_("Occupation in your own words"),
        required=False,
        max_length=100,
        help_text=_("Read as in the search, for example lastbilschaufför or usk."),
    )
    occupation = forms.ChoiceField(label=_("Occupation"), required=False)
    branch = forms.ChoiceField(label=_("Branch"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "occupation").choices = [("", _("All occupations"))] + [
            (o.code, f"{o.name_sv} ({o.code})")
            for o in Occupation.objects.filter(level=4, validation_models__isnull=False)
            .distinct()
            .order_by("name_sv")
        ]
        choice_field(self, "branch").choices = [("", _("All branches"))] + [
            (b.key, b.name) for b in Branch.objects.order_by("name_sv")
        ]

    def choice(self) -> tuple[str, str]:
        if not self.is_bound or not self.is_valid():
            return "", ""
        return self.cleaned_data["occupation"], self.cleaned_data["branch"]

    def words(self) -> str:
        return str(self.cleaned_data.get("q", "")) if self.is_bound and self.is_valid() else ""


def parse_languages(raw: str) -> str:
    """ "sv, ar en" → ",sv,ar,en,"; unknown ISO 639-1 codes raise ValidationError."""
    codes = [code.strip().lower() for code in raw.replace(";", ",").replace(" ", ",").split(",")]
    codes = [code for code in codes if code]
    unknown = [code for code in codes if code not in ISO_639_1]
    if unknown:
        raise forms.ValidationError(
            _("Unknown language code: %(codes)s. Use ISO 639-1 codes such as sv, en, ar."),
            code="unknown_language",
            params={"codes": ", ".join(unknown)},
        )
    if not codes:
        raise forms.ValidationError(_("Give at least one language."), code="no_language")
    return "," + ",".join(dict.fromkeys(codes)) + ","


class OfferForm(forms.ModelForm[Offer]):
    """An organisation's own offer. The provider list holds only the user's organisations."""

    languages = forms.CharField(
        label=_("Assessment languages"),
        help_text=_("Two-letter codes separated by commas, for example: sv, en, ar"),
        initial="sv",
    )

    class Meta:
        model = Offer
        fields = [
            "model",
            "provider",
            "external_id",
            "municipality",
            "address",
            "description",
            "on_site",
            "remote",
            "at_workplace",
            "languages",
            "capacity_per_year",
            "lead_time_weeks",
            "cost_to_individual",
            "eligibility",
            "contact_name",
            "contact_email",
            "contact_phone",
            "url",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["provider"]).queryset = providers
        cast(
            forms.ModelChoiceField[Any], self.fields["model"]
        ).queryset = ValidationModel.objects.active().order_by("name")
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.language_codes)

    def clean_languages(self) -> str:
        return parse_languages(self.cleaned_data.get("languages", ""))


class ComplementaryEducationForm(forms.ModelForm[ComplementaryEducation]):
    start_dates_text = forms.CharField(
        label=_("Start dates"),
        required=False,
        help_text=_("Dates as YYYY-MM-DD, separated by commas."),
    )

    class Meta:
        model = ComplementaryEducation
        fields = [
            "title",
            "provider",
            "external_id",
            "municipality",
            "form",
            "code",
            "description",
            "occupations",
            "closes_gaps_of",
            "pace_percent",
            "remote",
            "url",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "closes_gaps_of": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Any], self.fields["provider"]).queryset = providers
        cast(
            forms.ModelMultipleChoiceField[Any], self.fields["occupations"]
        ).queryset = Occupation.objects.unit_groups().order_by("code")
        cast(
            forms.ModelMultipleChoiceField[Any], self.fields["closes_gaps_of"]
        ).queryset = ValidationModel.objects.active().order_by("name")
        if self.instance.pk:
            self.initial["start_dates_text"] = ", ".join(self.instance.start_dates)

    def clean_start_dates_text(self) -> list[str]:
        values = [v.strip() for v in self.cleaned_data.get("start_dates_text", "").split(",")]
        dates = []
        for value in filter(None, values):
            try:
                dates.append(date.fromisoformat(value).isoformat())
            except ValueError as error:
                raise forms.ValidationError(
                    _("%(value)s is not a date (YYYY-MM-DD)."),
                    code="bad_date",
                    params={"value": value},
                ) from error
        return dates
