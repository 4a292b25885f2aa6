"""The national validation process as states and the transitions allowed between them.

Swedish terms: *inledande kartläggning* (initial mapping, an overview without a standard),
*fördjupad kartläggning* (in-depth mapping, documented so it can be assessed), *bedömning*
(assessment against the kompetensstandard), *erkännande* (recognition: a document). Sources:
SFS 2022:1549, Skolverket, Valideringsdelegationen (DOMAIN.md §1, §8).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    GUIDANCE = "guidance", _("Information and guidance")
    INITIAL_MAPPING = "initial_mapping", _("Initial mapping")
    IN_DEPTH_MAPPING = "in_depth_mapping", _("In-depth mapping")
    ASSESSMENT = "assessment", _("Assessment")
    DECISION = "decision", _("Decision")
    DOCUMENTED = "documented", _("Documented")
    COMPLEMENTARY_EDUCATION = "complementary_education", _("Complementary education")
    REASSESSMENT = "reassessment", _("Re-assessment")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred")


class Decision(models.TextChoices):
    FULL = "full", _("Fully met")
    PARTIAL = "partial", _("Partly met")
    NOT_MET = "not_met", _("Not met")


S = CaseState
_SIDE_EXITS = (S.WITHDRAWN, S.REFERRED)

# Forward along the process, with the loops the process has: complementary education leads to
# re-assessment, which leads to a new decision. Every open state may end in a side exit.
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    S.INQUIRY: (S.GUIDANCE, S.INITIAL_MAPPING, *_SIDE_EXITS),
    S.GUIDANCE: (S.INITIAL_MAPPING, *_SIDE_EXITS),
    S.INITIAL_MAPPING: (S.IN_DEPTH_MAPPING, *_SIDE_EXITS),
    S.IN_DEPTH_MAPPING: (S.ASSESSMENT, *_SIDE_EXITS),
    S.ASSESSMENT: (S.DECISION, *_SIDE_EXITS),
    S.DECISION: (S.DOCUMENTED, *_SIDE_EXITS),
    S.DOCUMENTED: (S.COMPLEMENTARY_EDUCATION, S.CLOSED, *_SIDE_EXITS),
    S.COMPLEMENTARY_EDUCATION: (S.REASSESSMENT, S.CLOSED, *_SIDE_EXITS),
    S.REASSESSMENT: (S.DECISION, *_SIDE_EXITS),
    S.CLOSED: (),
    S.WITHDRAWN: (),
    S.REFERRED: (),
}

OPEN_STATES = frozenset(state for state, targets in TRANSITIONS.items() if targets)

# The main line of the process, in order, without its side exits and its end: the steps a case
# passes (the case page's steps list, the history an imported case is given).
MAIN_LINE: tuple[CaseState, ...] = (
    S.INQUIRY,
    S.GUIDANCE,
    S.INITIAL_MAPPING,
    S.IN_DEPTH_MAPPING,
    S.ASSESSMENT,
    S.DECISION,
    S.DOCUMENTED,
    S.COMPLEMENTARY_EDUCATION,
    S.REASSESSMENT,
)


def allowed_targets(state: CaseState | str) -> tuple[CaseState, ...]:
    return TRANSITIONS[CaseState(state)]
