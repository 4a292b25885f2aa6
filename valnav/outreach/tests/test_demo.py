"""The demo material: a guide per target group, the individual's guide in four languages."""

import pytest

from valnav.core.audiences import TargetGroup
from valnav.demo.outreach import demo_outreach_seed
from valnav.outreach.models import LATTLAST, Material, MaterialKind, MaterialState
from valnav.outreach.selectors import MaterialFilters, material_search, material_variants

pytestmark = pytest.mark.django_db


def test_the_demo_material_is_published_marked_and_idempotent(personas):
    created = demo_outreach_seed()
    assert created == 9
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
