"""The target groups the project speaks to (målgrupper), shared by information material,
events and networks' knowledge-raising efforts.

The seed's own target groups (Dnr 22RS8988): focus area 1 speaks to the regions' skills-supply
function (*regionalt utvecklingsansvariga*, RUA), area 3 to branch validation bodies
(*branschvalideringsaktörer*) and representatives of the labour-market parties (*arbetsmarknadens
parter*), area 4 to education providers, employers, counsellors and decision makers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetGroup(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    EMPLOYER = "employer", _("Employers")
    GUIDANCE_COUNSELLOR = "guidance_counsellor", _("Guidance counsellors")
    EDUCATION_PROVIDER = "education_provider", _("Education providers")
    DECISION_MAKER = "decision_maker", _("Decision makers")
    BRANCH_VALIDATION = "branch_validation", _("Branch validation bodies")
    LABOUR_MARKET_PARTIES = "labour_market_parties", _("Labour-market parties")
    REGIONAL_SKILLS_SUPPLY = "regional_skills_supply", _("Regional skills supply (RUA)")

    @property
    def slug(self) -> str:
        """The group in a URL in the active language: Swedish words on Swedish pages
        (/information/studie-och-yrkesvagledare/), the value itself on English ones."""
        return str(_SLUGS[self.value])

    @classmethod
    def from_slug(cls, slug: str) -> TargetGroup | None:
        """The group a URL names, by its slug in the active language or by its value."""
        return next((group for group in cls if slug in {group.slug, group.value}), None)


_SLUGS = {
    "individual": pgettext_lazy("URL slug", "individual"),
    "employer": pgettext_lazy("URL slug", "employer"),
    "guidance_counsellor": pgettext_lazy("URL slug", "guidance_counsellor"),
    "education_provider": pgettext_lazy("URL slug", "education_provider"),
    "decision_maker": pgettext_lazy("URL slug", "decision_maker"),
    "branch_validation": pgettext_lazy("URL slug", "branch_validation"),
    "labour_market_parties": pgettext_lazy("URL slug", "labour_market_parties"),
    "regional_skills_supply": pgettext_lazy("URL slug", "regional_skills_supply"),
}
