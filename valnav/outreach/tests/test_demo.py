"""The demo material: a guide per target group, the individual's guide in four languages."""

import pytest
from django.urls import reverse
from django.utils import translation

from valnav.core.audiences import TargetGroup
from valnav.demo.outreach import demo_outreach_seed
from valnav.outreach.models import LATTLAST, Material, MaterialKind, MaterialState
from valnav.outreach.selectors import MaterialFilters, material_search, material_variants

pytestmark = pytest.mark.django_db


def test_the_demo_material_is_published_marked_and_idempotent(personas):
    created = demo_outreach_seed()
    assert created == 15
    assert demo_outreach_seed() == 0
    assert not Material.objects.filter(is_demo=False).exists()
    assert set(Material.objects.values_list("state", flat=True)) == {MaterialState.PUBLISHED}
    for group in TargetGroup:
        guides = material_search(filters=MaterialFilters(target_group=group, kind="guide"))
        assert guides.filter(language="sv").exists(), group
    guide = Material.objects.get(slug="validering-fa-det-du-kan-erkant")
    assert len(guide.body.split("\n\n")) >= 5
    languages = {variant.language for variant in material_variants(material=guide)}
    assert languages == {"en", LATTLAST, "ar"}
    assert Material.objects.get(language="ar").is_rtl
    assert Material.objects.filter(kind=MaterialKind.SUCCESS_STORY).count() == 1


def test_the_seeds_target_groups_have_their_own_pages(client, personas):
    demo_outreach_seed()
    with translation.override("sv"):
        for group, title in (
            ("branch_validation", "Branschvalidering i regionen"),
            ("labour_market_parties", "Validering och arbetsmarknadens parter"),
            ("regional_skills_supply", "Validering i det regionala utvecklingsansvaret"),
        ):
            url = reverse("outreach:audience", kwargs={"target_group": TargetGroup(group).slug})
            page = client.get(url)
            assert page.status_code == 200
            assert title in page.content.decode()
    guide = Material.objects.get(slug="validering-i-regional-kompetensforsorjning-rua")
    english = {variant.language for variant in material_variants(material=guide)}
    assert english == {"en"}
    assert "Region Västmanland är projektägare" in guide.body
    assert "samverkansparter" in guide.body
