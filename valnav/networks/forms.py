"""Forms of the network pages: they parse input; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Organisation, User
from valnav.core.audiences import TargetGroup
from valnav.networks.models import (
    DecisionStatus,
    EffortStatus,
    MeetingKind,
    MembershipRole,
    Network,
    NetworkKind,
)
from valnav.networks.services import DOCUMENT_MAX_BYTES, document_type_names
from valnav.places.models import County
from valnav.taxonomy.models import Branch

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…).")


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - the form declares it so
    return field


class BranchChoiceField(forms.ModelMultipleChoiceField[Branch]):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.name


class BranchSingleChoiceField(forms.ModelChoiceField[Branch]):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.name


class NetworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the name when left empty."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=NetworkKind.choices)
    convenor = forms.ModelChoiceField(
        label=_("Convenor"), queryset=Organisation.objects.none(), required=False
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    focus_branches = BranchChoiceField(
        label=_("Focus branches"),
        queryset=Branch.objects.order_by("name_sv"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Public: list the network, its member organisations and approved minutes"),
        required=False,
    )

    def __init__(
        self, *args: Any, convenors: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if convenors is None:  # editing: the convenor stays
            del self.fields["convenor"]
        else:
            field = _model_choice(self, "convenor")
            field.queryset = convenors
            field.required = True


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    role = forms.ChoiceField(
        label=_("Role in the network"), choices=MembershipRole.choices, initial="member"
    )
    user_email = forms.EmailField(
        label=_("Person: e-mail address of a Valnav user (optional)"),
        required=False,
        help_text=_("The user must belong to the organisation."),
    )
    contact_name = forms.CharField(
        label=_("Or an external contact's name (optional)"), required=False, max_length=200
    )
    contact_role = forms.CharField(
        label=_("External contact's role or title"), required=False, max_length=200
    )
    joined_on = forms.DateField(label=_("Joined"), required=False, widget=DATE)

    def clean_user_email(self) -> User | None:
        email = self.cleaned_data.get("user_email", "")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user with this e-mail address."))
        return user


class MembershipEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left"), required=False, widget=DATE)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    is_online = forms.BooleanField(label=_("Online"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Changing approved minutes withdraws their approval."),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Organisations present"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "participants").queryset = members


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Allowed: %(types)s, at most %(limit)s MB. The type is checked from the file's "
            "content, not its name."
        ) % {"types": document_type_names(), "limit": DOCUMENT_MAX_BYTES // (1024 * 1024)}


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none(), required=False
    )
    responsible_person = forms.CharField(
        label=_("Responsible person"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=DecisionStatus.choices)

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "responsible_organisation").queryset = members


class EffortForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    focus_branches = BranchChoiceField(
        label=_("Focus branches"),
        queryset=Branch.objects.order_by("name_sv"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.none(),
        required=False,
        empty_label=_("No network"),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=EffortStatus.choices)
    reach = forms.IntegerField(
        label=_("Participants reached"),
        min_value=0,
        required=False,
        # Escaped: a form shows its help text as HTML.
        help_text=_("Counted by hand. Published as “&lt;5” when one to four."),
    )

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "network").queryset = networks


class EffortFilterForm(forms.Form):
    target_group = forms.ChoiceField(
        label=_("Target group"),
        choices=[("", _("All target groups")), *TargetGroup.choices],
        required=False,
    )
    branch = BranchSingleChoiceField(
        label=_("Focus branch"),
        queryset=Branch.objects.order_by("name_sv"),
        to_field_name="key",
        required=False,
        empty_label=_("All branches"),
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All counties"),
    )

    def filter_values(self) -> tuple[str, str, str]:
        if not self.is_valid():
            return "", "", ""
        data = self.cleaned_data
        branch, county = data.get("branch"), data.get("county")
        return (
            data.get("target_group") or "",
            branch.key if branch else "",
            county.code if county else "",
        )
