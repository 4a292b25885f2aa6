"""The frame of every page (issue #17): the menu for citizens without the API, a footer with
contact, personal data, accessibility and the API, and a home page whose audience cards lead
to each audience's information."""

import html
import re

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client
from django.urls import reverse

from valnav.core.audiences import TargetGroup
from valnav.core.templatetags.rendered_once import forget_rendered


def _section(page: str, tag: str, label: str) -> str:
    found = re.search(rf'<{tag}[^>]*aria-label="{label}"[^>]*>(.*?)</{tag}>', page, re.DOTALL)
    assert found, f"no {tag} {label}"
    return found.group(1)


@pytest.mark.django_db
def test_the_api_is_in_the_footer_not_in_the_citizens_menu():
    page = Client().get(reverse("core:home")).text
    assert "/api/v1/docs" not in _section(page, "nav", "Huvudmeny")
    footer = _section(page, "nav", "Om webbplatsen")
    for href in (
        "/api/v1/docs",
        reverse("core:contact"),
        reverse("casework:privacy-notice"),
        reverse("core:accessibility"),
    ):
        assert f'href="{href}"' in footer


@pytest.mark.django_db
def test_the_contact_page_gives_the_regions_address():
    page = Client().get("/kontakt/")
    assert page.status_code == 200
    assert "valnav@regionvastmanland.se" in page.text
    assert Client().get("/en/contact/").status_code == 200


@pytest.mark.django_db
def test_every_audience_card_on_the_home_page_is_a_link_to_its_information():
    page = Client().get(reverse("core:home")).text
    for group in TargetGroup:
        url = reverse("outreach:audience", kwargs={"target_group": group.slug})
        assert f'href="{url}"' in page, group


def _language_links(page: str) -> dict[str, str]:
    switch = _section(page, "nav", "(?:Språk|Language)")
    return {
        lang: html.unescape(href)
        for href, lang in re.findall(r'<a href="([^"]+)" lang="(\w+)"', switch)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("swedish", "english"),
    [
        ("/", "/en/"),
        (
            "/validering/sok/?q=undersk%C3%B6terska&municipality=1980",
            "/en/validation/search/?q=undersk%C3%B6terska&municipality=1980",
        ),
        ("/kontakt/", "/en/contact/"),
    ],
)
def test_the_language_switch_leads_to_the_same_page_and_query(swedish, english):
    """Both ways, with the visitor's query kept (the links are reversed from the request's
    own match, not by resolving its path again)."""
    assert _language_links(Client().get(swedish).text) == {"sv": swedish, "en": english}
    assert _language_links(Client().get(english).text) == {"sv": swedish, "en": english}


@pytest.mark.django_db
def test_the_menu_marks_the_page_it_is_on_whatever_was_shown_before():
    """The frame is rendered once per language and page name; each page still marks itself
    in the menu, in each language, in any order of visits."""
    client = Client()
    visits = [
        ("/", "Startsida"),
        ("/validering/sok/?q=svetsare", "Hitta validering"),
        ("/", "Startsida"),
        ("/en/validation/search/", "Find validation"),
        ("/en/", "Home"),
        ("/validering/sok/", "Hitta validering"),
    ]
    for path, current in visits:
        menu = _section(client.get(path).text, "nav", "(?:Huvudmeny|Main menu)")
        marked = re.findall(r'aria-current="page">([^<]+)<', menu)
        assert marked == [current], path


@pytest.mark.django_db
def test_the_frame_kept_is_the_frame_rendered_afresh():
    client = Client()
    for path in ("/", "/en/", "/validering/sok/?q=kock", "/kontakt/"):
        kept = client.get(path).text
        forget_rendered()
        assert client.get(path).text == kept, path


def test_a_block_inside_the_kept_frame_is_refused():
    """A page would fill such a block, and every page would get the first one's filling."""
    with pytest.raises(TemplateSyntaxError, match="may not hold a"):
        engines["django"].from_string(
            "{% load rendered_once %}{% renderedonce %}{% block x %}{% endblock %}"
            "{% endrenderedonce %}"
        )
