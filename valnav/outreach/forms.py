"""Forms for information material: the public filters, the writer's form and translations."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Organisation
from valnav.core.audiences import TargetGroup
from valnav.outreach.models import LATTLAST, Material, MaterialKind, language_own_name
from valnav.outreach.selectors import MaterialFilters
from valnav.outreach.services import MaterialData
from valnav.places.models import County
from valnav.taxonomy.models import Branch, Occupation

LANGUAGE_HELP = _(
    "A BCP 47 code: sv (Swedish), en (English), sv-x-lattlast (Lättläst, easy Swedish), "
    "ar (Arabic), so (Somali), fa (Persian), uk (Ukrainian) …"
)


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class MaterialFilterForm(forms.Form):
    """Search and filters on a target group's page; a bad value drops only its own filter."""

    q = forms.CharField(
        label=_("Search the material"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, *args: Any, languages: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        _choices(self, "kind").choices = everything + list(MaterialKind.choices)
        _choices(self, "language").choices = everything + [
            (code, language_own_name(code)) for code in (languages or [])
        ]
        _choices(self, "branch").choices = everything + [
            (branch.key, branch.name) for branch in Branch.objects.order_by("name_sv")
        ]
        _choices(self, "county").choices = everything + [
            (county.code, county.name) for county in County.objects.order_by("name")
        ]

    def filters(self, *, target_group: str) -> MaterialFilters:
        self.is_valid()
        data = self.cleaned_data
        return MaterialFilters(
            target_group=target_group,
            query=data.get("q", "") or "",
            kind=data.get("kind", "") or "",
            language=data.get("language", "") or "",
            branch=data.get("branch", "") or "",
            county=data.get("county", "") or "",
        )


class MaterialForm(forms.ModelForm[Material]):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"),
        queryset=Occupation.objects.unit_groups().order_by("code"),
        required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several."),
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: all of Östra Mellansverige."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    class Meta:
        model = Material
        fields = ["kind", "title", "slug", "summary", "body", "language", "branch", "review_by"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "review_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"language": LANGUAGE_HELP}

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The end of the page's address; made from the title when left empty."
        )
        organisation = cast(forms.ModelChoiceField[Organisation], self.fields["organisation"])
        organisation.queryset = organisations
        if self.instance.pk:
            del self.fields["organisation"]
            self.initial["target_groups"] = list(
                self.instance.audiences.values_list("target_group", flat=True)
            )
            self.initial["occupations"] = list(self.instance.occupations.all())
            self.initial["counties"] = list(self.instance.counties.all())
        elif organisations.count() == 1:
            self.initial["organisation"] = organisations.first()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:200]
        return str(slug)

    def material_data(self) -> MaterialData:
        data = self.cleaned_data
        return MaterialData(
            kind=data["kind"],
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            body=data["body"],
            language=data["language"],
            target_groups=list(data["target_groups"]),
            branch=data.get("branch"),
            occupations=list(data.get("occupations") or []),
            counties=list(data.get("counties") or []),
            review_by=data.get("review_by"),
        )


class TranslationForm(forms.Form):
    language = forms.CharField(label=_("Language"), max_length=35, help_text=LANGUAGE_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=200,
        required=False,
        help_text=_("Made from the title and the language when left empty."),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=600, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## headings, lists, links."),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug")
        if slug:
            return str(slug)
        language = str(self.data.get("language", "")).replace(LATTLAST, "lattlast")
        return slugify(f"{self.data.get('title', '')} {language}")[:200]
