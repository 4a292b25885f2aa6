"""Public and staff pages, end to end through the client; the feed, the PDF and the API."""

from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from valnav.core.audiences import TargetGroup
from valnav.outreach.models import Material, MaterialState
from valnav.outreach.services import material_publish, material_translate
from valnav.outreach.tests.factories import make_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(personas):
    def login(key: str) -> Client:
        client = Client()
        client.force_login(personas[key])
        return client

    return login


@pytest.fixture
def arabic(personas, published, communicator):
    variant = material_translate(
        material=published,
        actor=communicator,
        language="ar",
        title="التحقق من الكفاءات",
        summary="كيف يتم الاعتراف بمعرفتك.",
        body="نص",
        slug="validering-for-dig-ar",
    )
    return material_publish(material=variant, actor=communicator)


def test_the_index_lists_the_five_target_groups(client):
    response = client.get(reverse("outreach:index"))
    assert response.status_code == 200
    for group in TargetGroup:
        assert reverse("outreach:audience", kwargs={"target_group": group.slug}) in response.text


def test_the_main_nav_links_the_information_pages(client):
    response = client.get(reverse("core:home"))
    assert f'href="{reverse("outreach:index")}"' in response.text


def test_a_target_group_page_lists_only_its_published_material(client, personas, published):
    make_material(personas, title="Utkastet", publish=False)
    make_material(personas, title="För arbetsgivare", target_groups=["employer"])
    response = client.get(
        reverse("outreach:audience", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug})
    )
    assert response.status_code == 200
    assert published.title in response.text
    assert "Utkastet" not in response.text
    assert "För arbetsgivare" not in response.text
    searched = client.get(
        reverse("outreach:audience", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug}),
        {"q": "nothing-here"},
    )
    assert published.title not in searched.text


def test_an_unknown_target_group_is_a_404(client):
    response = client.get(reverse("outreach:audience", kwargs={"target_group": "aliens"}))
    assert response.status_code == 404


def test_a_bad_filter_value_is_ignored_not_an_error(client, published):
    response = client.get(
        reverse("outreach:audience", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug}),
        {"kind": "nonsense", "county": "99"},
    )
    assert response.status_code == 200
    assert published.title in response.text


def test_the_list_page_makes_a_fixed_number_of_queries(client, personas):
    for number in range(3):
        make_material(personas, title=f"Text {number}")
    url = reverse("outreach:audience", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug})
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"county": "19"})
    for number in range(3, 12):
        make_material(personas, title=f"Text {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"county": "19"})
    assert "Text 11" in response.text
    assert len(many) == len(few)
    # Languages on offer, branches, counties, the count, the page, its target groups, counties.
    assert len(many) == 7


def test_the_material_page_links_its_variants_with_lang_and_hreflang(client, published, arabic):
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{arabic.get_absolute_url()}" lang="ar" hreflang="ar" dir="rtl"' in response.text
    page = client.get(arabic.get_absolute_url())
    assert '<article class="material" lang="ar" dir="rtl">' in page.text
    assert 'hreflang="sv"' in page.text


def test_drafts_are_not_public(client, personas):
    draft = make_material(personas, publish=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    pdf = reverse("outreach:material-pdf", kwargs={"slug": draft.slug})
    assert client.get(pdf).status_code == 404


def test_the_pdf_is_a_pdf(client, published):
    response = client.get(reverse("outreach:material-pdf", kwargs={"slug": published.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_feed_is_atom_with_the_groups_published_material(client, personas, published):
    make_material(personas, title="Utkastet", publish=False)
    response = client.get(
        reverse("outreach:feed", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    titles = [
        entry.findtext("atom:title", namespaces=ns) for entry in root.iterfind("atom:entry", ns)
    ]
    assert titles == [published.title]
    # RFC 4287: a feed without an author in every entry names one for the whole feed.
    assert root.findtext("atom:author/atom:name", namespaces=ns) == "Valnav – Region Västmanland"


def test_the_api_lists_published_material_with_its_variants(client, published, arabic, personas):
    cache.clear()
    make_material(personas, title="Utkastet", publish=False)
    response = client.get("/api/v1/materials", {"audience": "individual"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    by_language = {item["language"]: item for item in data["items"]}
    assert by_language["ar"]["direction"] == "rtl"
    assert [v["language"] for v in by_language["sv"]["variants"]] == ["ar"]
    assert by_language["sv"]["variants"][0]["url"] == arabic.get_absolute_url()
    only_arabic = client.get("/api/v1/materials", {"language": "ar"}).json()
    assert [item["slug"] for item in only_arabic["items"]] == [arabic.slug]
    paged = client.get("/api/v1/materials", {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 2
    assert len(paged["items"]) == 1
    assert client.get("/api/v1/materials", {"audience": "aliens"}).status_code == 422


# --- staff pages --------------------------------------------------------------------------------


def test_a_communicator_writes_submits_and_publishes(client_as, personas):
    client = client_as("communicator_vastmanland")
    response = client.post(
        reverse("outreach:material-create"),
        {
            "kind": "guide",
            "title": "Validering på jobbet",
            "slug": "",
            "summary": "Kort om validering.",
            "body": "## Så går det till\n\nText.",
            "language": "sv",
            "target_groups": ["employer", "individual"],
            "organisation": str(
                personas["communicator_vastmanland"].memberships.get().organisation_id
            ),
            "review_by": "2027-06-30",
        },
    )
    material = Material.objects.get(title="Validering på jobbet")
    assert response.status_code == 302
    assert material.slug == "validering-pa-jobbet"
    assert material.state == MaterialState.DRAFT
    client.post(reverse("outreach:material-submit", kwargs={"pk": material.pk}))
    client.post(reverse("outreach:material-publish", kwargs={"pk": material.pk}))
    material.refresh_from_db()
    assert material.state == MaterialState.PUBLISHED
    assert Client().get(material.get_absolute_url()).status_code == 200
    listing = client.get(reverse("outreach:material-list"))
    assert "Validering på jobbet" in listing.text
    assert "2027-06-30" in listing.text


def test_the_form_names_the_field_in_error(client_as, published):
    client = client_as("communicator_vastmanland")
    response = client.post(
        reverse("outreach:material-edit", kwargs={"pk": published.pk}),
        {"kind": "guide", "title": "", "summary": "s", "body": "b", "language": "xx yy"},
    )
    assert response.status_code == 200
    assert 'class="message message-error error-summary"' in response.text
    assert 'href="#id_title"' in response.text
    assert 'href="#id_language"' in response.text
    assert 'href="#id_target_groups_0"' in response.text


def test_a_writer_without_publish_rights_cannot_publish(client_as, personas):
    material = make_material(personas, publish=False)
    client = client_as("rua_vastmanland")
    assert (
        client.get(reverse("outreach:material-manage", kwargs={"pk": material.pk})).status_code
        == 200
    )
    response = client.post(reverse("outreach:material-publish", kwargs={"pk": material.pk}))
    assert response.status_code == 403
    material.refresh_from_db()
    assert material.state == MaterialState.DRAFT


def test_another_organisations_material_is_a_404(client_as, personas):
    from valnav.accounts.models import Membership, Organisation
    from valnav.core.permissions import Role

    other = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    writer = personas["counsellor_orebro"]
    Membership.objects.create(user=writer, organisation=other, role=Role.COMMUNICATOR)
    mine = make_material(personas, publish=False)
    client = Client()
    client.force_login(writer)
    assert (
        client.get(reverse("outreach:material-manage", kwargs={"pk": mine.pk})).status_code == 404
    )


def test_versions_page_shows_an_accessible_diff(client_as, personas, communicator):
    client = client_as("communicator_vastmanland")
    material = make_material(personas, publish=False, body="första raden\nandra raden")
    client.post(
        reverse("outreach:material-edit", kwargs={"pk": material.pk}),
        {
            "kind": "guide",
            "title": material.title,
            "slug": material.slug,
            "summary": material.summary,
            "body": "första raden\nnya andra raden",
            "language": "sv",
            "target_groups": ["individual"],
        },
    )
    response = client.get(reverse("outreach:material-versions", kwargs={"pk": material.pk}))
    assert response.status_code == 200
    assert "<del>" in response.text
    assert "<ins>" in response.text
    assert "nya andra raden" in response.text
    assert '<th scope="col">' in response.text
    assert "<caption" in response.text


def test_adding_a_translation_through_the_page(client_as, published):
    client = client_as("communicator_vastmanland")
    response = client.post(
        reverse("outreach:material-translate", kwargs={"pk": published.pk}),
        {"language": "sv-x-lattlast", "title": "Lätt text", "summary": "Kort.", "body": "Enkelt."},
    )
    assert response.status_code == 302
    variant = Material.objects.get(language="sv-x-lattlast")
    assert variant.translation_group == published.translation_group
    assert variant.slug == "latt-text-lattlast"
    again = client.post(
        reverse("outreach:material-translate", kwargs={"pk": published.pk}),
        {"language": "sv-x-lattlast", "title": "Igen", "summary": "K.", "body": "E."},
    )
    assert again.status_code == 200
    assert 'href="#id_language"' in again.text


@pytest.mark.django_db
def test_a_target_group_has_a_swedish_address_and_the_old_one_moves_there(client):
    assert reverse(
        "outreach:audience", kwargs={"target_group": TargetGroup.GUIDANCE_COUNSELLOR.slug}
    ) == ("/information/studie-och-yrkesvagledare/")
    assert client.get("/information/studie-och-yrkesvagledare/").status_code == 200
    moved = client.get("/information/guidance_counsellor/?q=validering")
    assert moved.status_code == 301
    assert moved["Location"] == "/information/studie-och-yrkesvagledare/?q=validering"
    feed = client.get("/information/guidance_counsellor/flode/")
    assert (feed.status_code, feed["Location"]) == (
        301,
        "/information/studie-och-yrkesvagledare/flode/",
    )
    # English pages keep their addresses.
    assert client.get("/en/information/guidance_counsellor/").status_code == 200
    assert 'href="/information/arbetsgivare/"' in client.get("/information/").text
