"""Information material: the public pages (published only, no login), the members' pages
(EDIT_MATERIALS to write, PUBLISH_MATERIALS to publish and archive) and the API list.

The sample is a published guide of Region Västmanland; members of other organisations who write
material (none among the personas) would get 404 for it. The rua, the communicator and the
project manager hold their roles in Region Västmanland.
"""

from __future__ import annotations

from tests.url_access import everyone, only, posting
from valnav.core.audiences import TargetGroup

WRITERS = {"admin", "rua_vastmanland", "communicator_vastmanland", "project_manager"}

EXPECTED: dict[str, dict[str, int]] = {
    "outreach:index": everyone(200),
    "outreach:audience": everyone(200),
    "outreach:feed": everyone(200),
    "outreach:material-detail": everyone(200),
    "outreach:material-pdf": everyone(200),
    "outreach:material-list": only(WRITERS),
    "outreach:material-create": only(WRITERS),
    "outreach:material-manage": only(WRITERS),
    "outreach:material-edit": only(WRITERS),
    "outreach:material-versions": only(WRITERS),
    "outreach:material-translate": only(WRITERS),
    "outreach:material-submit": everyone(405),  # POST only
    "outreach:material-publish": everyone(405),  # POST only
    "outreach:material-archive": everyone(405),  # POST only
    "api-v1:material-list": everyone(200),
}


def _sample_slug_and_pk() -> tuple[str, int]:
    from django.core.cache import cache

    from valnav.accounts.models import User
    from valnav.accounts.personas import demo_organisation
    from valnav.outreach.models import Material
    from valnav.outreach.services import material_create, material_publish
    from valnav.outreach.tests.factories import material_data

    cache.clear()  # the API's anonymous rate limit
    found = Material.objects.filter(slug="matrisens-guide").first()
    if found is None:
        communicator = User.objects.get(email="communicator_vastmanland@valnav.example")
        found = material_create(
            actor=communicator,
            organisation=demo_organisation("region-vastmanland"),
            data=material_data(slug="matrisens-guide", title="Matrisens guide"),
        )
        material_publish(material=found, actor=communicator)
    return found.slug, found.pk


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name not in EXPECTED:
        return None
    slug, pk = _sample_slug_and_pk()
    if name in {"outreach:audience", "outreach:feed"}:
        return {"target_group": TargetGroup.INDIVIDUAL.slug}
    if name in {"outreach:material-detail", "outreach:material-pdf"}:
        return {"slug": slug}
    if name in {"outreach:index", "outreach:material-list", "outreach:material-create"}:
        return {}
    if name.startswith("api-v1:"):
        return {}
    return {"pk": str(pk)}


# Submitting needs EDIT_MATERIALS; publishing and archiving PUBLISH_MATERIALS.
POST_EXPECTED: dict[str, dict[str, int]] = {
    "outreach:material-submit": posting(WRITERS, 302),
    "outreach:material-publish": posting(WRITERS - {"rua_vastmanland"}, 302),
    "outreach:material-archive": posting(WRITERS - {"rua_vastmanland"}, 302),
}
