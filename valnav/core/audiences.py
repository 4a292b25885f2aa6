"""The target groups the project speaks to (målgrupper), shared by information material,
events and networks' knowledge-raising efforts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    EMPLOYER = "employer", _("Employers")
    GUIDANCE_COUNSELLOR = "guidance_counsellor", _("Guidance counsellors")
    EDUCATION_PROVIDER = "education_provider", _("Education providers")
    DECISION_MAKER = "decision_maker", _("Decision makers")
