"""The incoming referrals panel of Mina sidor (accounts/dashboard.html). A template tag keeps
the import direction: accounts, a lower layer, never imports casework."""

from __future__ import annotations

from typing import Any

from django import template

from valnav.casework.selectors import referrals_incoming_for

register = template.Library()


@register.inclusion_tag("casework/includes/incoming_referrals.html", takes_context=True)
def incoming_referrals(context: template.Context) -> dict[str, Any]:
    user = context["user"]
    return {"referrals": list(referrals_incoming_for(user=user))}
