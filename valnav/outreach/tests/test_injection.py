"""Markup typed into any field of a material never becomes markup on a page, in the feed, in
the PDF's HTML or in the API's HTML.

Each output is parsed, and the parse must hold no element that can run or load anything
(script, style, svg, img, iframe, object …), no event attribute and no javascript:/data: link.
Parsing (rather than searching the text) lets the escaped payload appear as the text it is.
"""

from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from valnav.core.audiences import TargetGroup
from valnav.outreach.services import material_create, material_update
from valnav.outreach.tests.factories import make_material, material_data, region
from valnav.outreach.views_public import material_pdf_context

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">klicka</a>',
    "[klicka](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![bild](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="9"/></svg>',
    "<style>body { display: none }</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<p onmouseover="alert(1)" style="color:red">x</p>',
]
EVERYTHING = "\n\n".join(PAYLOADS)
DANGEROUS_TAGS = {"script", "style", "svg", "img", "iframe", "object", "embed", "math"}
# The page's own static script tag is the one allowed script (it has a src and no text).
# Where a payload ends up, a <head> is never open, so the templates' own <style> there is fine.
ALLOWED_SCRIPT_SRC = "/static/vendor/htmx/htmx.min.js"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script" and values.get("src") == ALLOWED_SCRIPT_SRC:
            return
        if tag == "style" and self.in_head:
            return  # the PDF template's own style sheet; a payload can only reach the body
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style" and tag not in {"html"}:
                self.problems.append(f"{tag}[style]")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag}[{name}={value}]")


def assert_clean(html: str, where: str) -> None:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    assert not collector.problems, f"{where}: {collector.problems}"


@pytest.fixture
def hostile(personas):
    """Published material with every payload in its title, summary and body."""
    return make_material(
        personas,
        title=("Rubrik " + PAYLOADS[0] + PAYLOADS[1] + PAYLOADS[6])[:200],
        summary=(PAYLOADS[2] + PAYLOADS[7] + PAYLOADS[9])[:600],
        body=EVERYTHING,
        slug="fientlig",
        target_groups=["individual", "employer"],
    )


def test_the_public_pages_show_payloads_only_as_text(client, hostile):
    page = client.get(hostile.get_absolute_url())
    assert page.status_code == 200
    assert_clean(page.text, "material page")
    assert "&lt;script&gt;" in page.text  # the title is shown, as text
    listing = client.get(
        reverse("outreach:audience", kwargs={"target_group": TargetGroup.EMPLOYER.slug})
    )
    assert_clean(listing.text, "target group page")
    assert "&lt;svg" in listing.text


def test_the_staff_pages_show_payloads_only_as_text(personas, hostile):
    client = Client()
    client.force_login(personas["communicator_vastmanland"])
    material_update(
        material=hostile,
        actor=personas["communicator_vastmanland"],
        data=material_data(
            title=hostile.title,
            slug=hostile.slug,
            summary=hostile.summary,
            body=EVERYTHING + "\n\n" + PAYLOADS[0],
            target_groups=["individual"],
        ),
    )
    for name in ("material-manage", "material-versions", "material-edit", "material-translate"):
        response = client.get(reverse(f"outreach:{name}", kwargs={"pk": hostile.pk}))
        assert response.status_code == 200, name
        assert_clean(response.text, name)
    assert_clean(client.get(reverse("outreach:material-list")).text, "material-list")


def test_the_feed_holds_payloads_only_as_text(client, hostile):
    response = client.get(
        reverse("outreach:feed", kwargs={"target_group": TargetGroup.INDIVIDUAL.slug})
    )
    assert b"<script" not in response.content
    assert b"<svg" not in response.content
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entry = root.find("atom:entry", ns)
    assert entry is not None
    summary = entry.find("atom:summary", ns)
    assert summary is not None
    # A reader parses the (type="html") summary as HTML: it must be text there too.
    assert_clean(summary.text or "", "feed summary")
    assert "<" not in (summary.text or "").replace("&lt;", "")
    title = entry.find("atom:title", ns)
    assert title is not None
    assert title.get("type", "text") == "text"


def test_the_pdf_html_holds_payloads_only_as_text(hostile):
    html = render_to_string("outreach/material_pdf.html", material_pdf_context(hostile))
    assert_clean(html, "PDF HTML")
    assert "&lt;script&gt;" in html


def test_the_api_sanitises_its_html_and_serves_json(client, hostile):
    cache.clear()
    response = client.get("/api/v1/materials")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    (item,) = response.json()["items"]
    assert_clean(item["body_html"], "API body_html")
    # Title and summary are plain text in JSON, as typed; a client escapes them as text.
    assert item["title"] == hostile.title


@pytest.mark.parametrize("payload", [*PAYLOADS, "javascript:alert(1)", "a b", "ÅÄÖ"])
def test_slug_and_language_refuse_markup(personas, payload):
    communicator = personas["communicator_vastmanland"]
    with pytest.raises(ValidationError) as error:
        material_create(
            actor=communicator, organisation=region(personas), data=material_data(slug=payload)
        )
    assert "slug" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        material_create(
            actor=communicator,
            organisation=region(personas),
            data=material_data(language=payload),
        )
    assert "language" in error.value.message_dict
