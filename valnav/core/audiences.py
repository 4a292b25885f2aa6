"""The target groups the project speaks to (målgrupper), shared by information material,
events and networks' knowledge-raising efforts.

The seed's own target groups (Dnr 22RS8988): focus area 1 speaks to the regions' skills-supply
function (*regionalt utvecklingsansvariga*, RUA), area 3 to branch validation bodies
(*branschvalideringsaktörer*) and representatives of the labour-market parties (*arbetsmarknadens
parter*), area 4 to education providers, employers, counsellors and decision makers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    EMPLOYER = "employer", _("Employers")
    GUIDANCE_COUNSELLOR = "guidance_counsellor", _("Guidance counsellors")
    EDUCATION_PROVIDER = "education_provider", _("Education providers")
    DECISION_MAKER = "decision_maker", _("Decision makers")
    BRANCH_VALIDATION = "branch_validation", _("Branch validation bodies")
    LABOUR_MARKET_PARTIES = "labour_market_parties", _("Labour-market parties")
    REGIONAL_SKILLS_SUPPLY = "regional_skills_supply", _("Regional skills supply (RUA)")
