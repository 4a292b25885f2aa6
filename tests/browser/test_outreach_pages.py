"""Every public outreach page the journeys do not pass through, with the demo content, in
Swedish and English: the five target groups' pages, a search with no hits, each material of the
demo (the Arabic one right to left), the past events, the networks and the knowledge-raising
efforts. axe on each, zero serious or critical."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import url
from valnav.core.audiences import TargetGroup
from valnav.demo.events import seed_events
from valnav.demo.networks import seed_networks
from valnav.demo.outreach import demo_outreach_seed
from valnav.networks.models import Network
from valnav.outreach.models import Material, MaterialState


def test_every_public_outreach_page_passes_axe(page, server, check_a11y, browser_data):
    demo_outreach_seed()
    seed_events()
    seed_networks()
    for language in ("sv", "en"):
        for group in TargetGroup.values:
            page.goto(url(server, "outreach:audience", language, target_group=group))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            check_a11y(page)
        page.goto(
            url(server, "outreach:audience", language, target_group=TargetGroup.EMPLOYER)
            + "?q=finnsinte"
        )
        check_a11y(page)
        page.goto(url(server, "events:event-archive", language))
        check_a11y(page)
        page.goto(url(server, "networks:public-list", language))
        check_a11y(page)
        page.goto(url(server, "networks:effort-list", language))
        check_a11y(page)
    for material in Material.objects.filter(state=MaterialState.PUBLISHED):
        page.goto(url(server, "outreach:material-detail", slug=material.slug))
        if material.language == "ar":
            expect(page.locator("[dir=rtl]").first).to_be_visible()
        check_a11y(page)
    for network in Network.objects.filter(is_public=True):
        page.goto(url(server, "networks:public-detail", slug=network.slug))
        check_a11y(page)
