"""Forms of the governance pages. Dates are typed as YYYY-MM-DD and read by
`valnav.governance.dates.parse_day`, so that an impossible date is refused with a message that
names the field and says why ("Ends on: 2024-11-31 is not a date: November has 30 days.")."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.core.audiences import TargetGroup
from valnav.core.tabular.forms import upload_form
from valnav.governance.dates import DateError, parse_day
from valnav.governance.models import (
    ActivityStatus,
    CostCategory,
    Financier,
    Group,
    MemberRole,
    Project,
    SubGoal,
)
from valnav.governance.selectors import project_member_candidates
from valnav.places.models import County

MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class DayField(forms.Field):
    """A date written YYYY-MM-DD, refused with the reason (no such day in that month, …)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", gettext_lazy("As YYYY-MM-DD, e.g. 2024-11-30."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("maxlength", "10")

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    def to_python(self, value: Any) -> date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_day(text)
        except DateError as error:
            raise ValidationError(
                _("%(field)s: %(message)s") % {"field": self.label, "message": error.message},
                code="invalid_date",
            ) from error


def _regions() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.REGION).order_by("name")


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    diarienummer = forms.CharField(
        label=gettext_lazy("Reference number (diarienummer)"),
        max_length=40,
        help_text=gettext_lazy("As the financier registered it, e.g. 22RS8988."),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Project owner"), queryset=Organisation.objects.none()
    )
    partners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = DayField(label=gettext_lazy("Starts on"))
    ends_on = DayField(label=gettext_lazy("Ends on"))
    overall_goal = forms.CharField(
        label=gettext_lazy("Overall goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    project_goal = forms.CharField(
        label=gettext_lazy("Project goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: forms.ModelChoiceField[Organisation] = self.fields["owner"]  # type: ignore[assignment]  # declared above
        owner.queryset = _regions()
        partners: forms.ModelMultipleChoiceField[Organisation] = self.fields["partners"]  # type: ignore[assignment]  # declared above
        partners.queryset = _regions()


class ProjectEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts_on = DayField(label=gettext_lazy("Starts on"))
    ends_on = DayField(label=gettext_lazy("Ends on"))
    overall_goal = forms.CharField(
        label=gettext_lazy("Overall goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    project_goal = forms.CharField(
        label=gettext_lazy("Project goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    indirect_cost_rate = forms.DecimalField(
        # xgettext:no-python-format
        label=gettext_lazy("Indirect costs, % of staff costs"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    gender_equality = forms.CharField(
        label=gettext_lazy("Gender equality"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    accessibility = forms.CharField(
        label=gettext_lazy("Accessibility"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    non_discrimination = forms.CharField(
        label=gettext_lazy("Non-discrimination"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


LedgerImportForm = upload_form(
    max_bytes=MAX_UPLOAD_BYTES,
    accept=".csv,.xlsx,.txt,.se,.si,.sie,text/csv",
    label=gettext_lazy("Ledger file"),
    help_text=gettext_lazy(
        "CSV (comma or semicolon separated) or XLSX with the columns date, verification "
        "number, account, cost category, region and amount; or the accounting system's "
        "SIE 4 export (.se)."
    ),
)

BudgetImportForm = upload_form(
    max_bytes=MAX_UPLOAD_BYTES,
    label=gettext_lazy("Budget file"),
    help_text=gettext_lazy(
        "CSV or XLSX with the columns Typ, Post, Andel, Region and one column per year."
    ),
)


class RequisitionForm(forms.Form):
    financier = forms.ModelChoiceField(
        label=gettext_lazy("Financier"), queryset=Financier.objects.none()
    )
    since = DayField(label=gettext_lazy("From"))
    until = DayField(label=gettext_lazy("To"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        financier: forms.ModelChoiceField[Financier] = self.fields["financier"]  # type: ignore[assignment]  # declared above
        financier.queryset = project.financiers.all()


class MeasurementForm(forms.Form):
    measured_on = DayField(label=gettext_lazy("Date"))
    value = forms.DecimalField(
        label=gettext_lazy("Value"), max_digits=12, decimal_places=2, localize=True
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=500, required=False)


class RiskForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Risk"), widget=forms.Textarea(attrs={"rows": 2})
    )
    likelihood = forms.TypedChoiceField(
        label=gettext_lazy("Likelihood (1–5)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
    )
    impact = forms.TypedChoiceField(
        label=gettext_lazy("Impact (1–5)"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int
    )
    mitigation = forms.CharField(
        label=gettext_lazy("Mitigation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.CharField(label=gettext_lazy("Owner"), max_length=200, required=False)


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Cost category"), choices=CostCategory.choices)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, choices=())
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("Shared (no region)"),
    )
    amount = forms.IntegerField(label=gettext_lazy("Amount (kr)"), min_value=0)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year: forms.TypedChoiceField = self.fields["year"]  # type: ignore[assignment]  # declared above
        year.choices = [(y, str(y)) for y in project.years]


class FinancingLineForm(forms.Form):
    financier = forms.ModelChoiceField(
        label=gettext_lazy("Financier"), queryset=Financier.objects.none()
    )
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, choices=())
    amount = forms.IntegerField(label=gettext_lazy("Amount (kr)"), min_value=0)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        financier: forms.ModelChoiceField[Financier] = self.fields["financier"]  # type: ignore[assignment]  # declared above
        financier.queryset = project.financiers.all()
        year: forms.TypedChoiceField = self.fields["year"]  # type: ignore[assignment]  # declared above
        year.choices = [(y, str(y)) for y in project.years]


class PersonChoiceField(forms.ModelChoiceField["User"]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name  # the name, never the e-mail address


class MemberForm(forms.Form):
    user = PersonChoiceField(label=gettext_lazy("Person"), queryset=User.objects.none())
    group = forms.ChoiceField(label=gettext_lazy("Group"), choices=Group.choices)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MemberRole.choices)
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("No region (the whole project)"),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # People of the owner and partner organisations: their names only, never e-mails.
        user: forms.ModelChoiceField[User] = self.fields["user"]  # type: ignore[assignment]  # declared above
        user.queryset = project_member_candidates(project=project)


class ActivityForm(forms.Form):
    sub_goal = forms.ModelChoiceField(
        label=gettext_lazy("Sub-goal"), queryset=SubGoal.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    target_group = forms.ChoiceField(
        label=gettext_lazy("Target group"), choices=TargetGroup.choices
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Responsible region"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("The whole project"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ActivityStatus.choices)
    planned_start = DayField(label=gettext_lazy("Planned start"), required=False)
    planned_end = DayField(label=gettext_lazy("Planned end"), required=False)
    actual_start = DayField(label=gettext_lazy("Actual start"), required=False)
    actual_end = DayField(label=gettext_lazy("Actual end"), required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sub_goal: forms.ModelChoiceField[SubGoal] = self.fields["sub_goal"]  # type: ignore[assignment]  # declared above
        sub_goal.queryset = project.sub_goals.all()


class IndicatorForm(forms.Form):
    sub_goal = forms.ModelChoiceField(
        label=gettext_lazy("Sub-goal"),
        queryset=SubGoal.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole project"),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    live_key = forms.ChoiceField(label=gettext_lazy("Live figure"), required=False, choices=())
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=60, required=False)
    baseline = forms.DecimalField(
        label=gettext_lazy("Baseline"), max_digits=12, decimal_places=2, localize=True, initial=0
    )
    target = forms.DecimalField(
        label=gettext_lazy("Target"), max_digits=12, decimal_places=2, localize=True
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from valnav.governance.indicators import live_registry

        sub_goal: forms.ModelChoiceField[SubGoal] = self.fields["sub_goal"]  # type: ignore[assignment]  # declared above
        sub_goal.queryset = project.sub_goals.all()
        live: forms.ChoiceField = self.fields["live_key"]  # type: ignore[assignment]  # declared above
        live.choices = [("", _("None: measured by hand"))] + [
            (key, str(indicator.label)) for key, indicator in live_registry().items()
        ]
