"""Background e-mail for information material."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from valnav.accounts.models import User
from valnav.core.http import public_url
from valnav.outreach.models import Material

logger = logging.getLogger(__name__)


@task()
def send_review_reminder(*, owner_id: int, material_ids: list[int]) -> int:
    """Tell an owner which of their published texts are due for review; the number listed."""
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        logger.warning("Review reminder: owner %s is gone or inactive.", owner_id)
        return 0
    materials = list(
        Material.objects.filter(pk__in=material_ids, owner_id=owner_id).order_by("review_by")
    )
    if not materials:
        return 0
    # Members work in Swedish, the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "owner": owner,
            "materials": materials,
            "manage_url": public_url(reverse("outreach:material-list")),
        }
        subject = render_to_string("outreach/review_reminder_subject.txt", context).strip()
        body = render_to_string("outreach/review_reminder_email.txt", context)
    send_mail(subject, body, None, [owner.email])
    return len(materials)
