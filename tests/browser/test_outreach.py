"""Information material in a real browser: an employer finds and reads a guide and switches
language, the Arabic guide is right to left, and a communicator writes, submits and publishes a
text. axe on every page visited."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.models import User
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.demo.outreach import demo_outreach_seed
from valnav.outreach.models import Material, MaterialState
from valnav.outreach.services import material_publish, material_translate


@pytest.fixture
def material(browser_data: dict[str, Any]) -> dict[str, Material]:
    demo_outreach_seed()
    communicator = User.objects.get(email=PERSONAS_BY_KEY["communicator_vastmanland"].email)
    guide = Material.objects.get(slug="validering-for-arbetsgivare")
    english = material_translate(
        material=guide,
        actor=communicator,
        language="en",
        title="Validation for employers",
        summary="What an employer gains from validation.",
        body="## Validation makes skills visible\n\nText for employers.",
        slug="validation-for-employers",
    )
    material_publish(material=english, actor=communicator)
    return {"guide": guide, "english": english}


def log_in(page: Any, server: str, key: str) -> None:
    persona = PERSONAS_BY_KEY[key]
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))


def test_an_employer_finds_a_guide_and_reads_it_in_english(page, server, check_a11y, material):
    page.goto(url(server, "core:home"))
    main_nav(page).get_by_role("link", name=sv("Information")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Information about validation"))
    check_a11y(page)

    page.get_by_role("link", name=sv("Employers"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(sv("Employers"))
    check_a11y(page)

    page.get_by_role("link", name="Validering för arbetsgivare").click()
    article = page.locator("article.material")
    expect(article).to_have_attribute("lang", "sv")
    expect(article.get_by_role("heading", level=1)).to_have_text("Validering för arbetsgivare")
    expect(article).to_contain_text("Branschvalidering")
    check_a11y(page)

    switcher = page.get_by_role("navigation", name=sv("This text in other languages"))
    english = switcher.get_by_role("link", name="English")
    expect(english).to_have_attribute("hreflang", "en")
    english.click()
    expect(page.locator("article.material")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation for employers")
    check_a11y(page)


def test_the_arabic_guide_is_right_to_left(page, server, check_a11y, material):
    guide = Material.objects.get(slug="validering-fa-det-du-kan-erkant")
    page.goto(server + guide.get_absolute_url())
    check_a11y(page)
    switcher = page.get_by_role("navigation", name=sv("This text in other languages"))
    expect(switcher.get_by_role("link", name="Lättläst")).to_have_attribute("hreflang", "sv")
    switcher.locator('a[hreflang="ar"]').click()
    article = page.locator("article.material")
    expect(article).to_have_attribute("dir", "rtl")
    expect(article).to_have_attribute("lang", "ar")
    expect(article.get_by_role("heading", level=1)).to_contain_text("التحقق")
    check_a11y(page)


def test_a_communicator_writes_submits_and_publishes(page, server, check_a11y, material):
    log_in(page, server, "communicator_vastmanland")
    page.goto(url(server, "outreach:material-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Information material"))
    check_a11y(page)

    page.get_by_role("link", name=sv("New material")).click()
    check_a11y(page)
    page.get_by_role("button", name=sv("Save")).click()  # empty: the error summary
    expect(page.get_by_role("alert")).to_contain_text(sv("There is a problem"))
    check_a11y(page)

    # The labels are the model's verbose names; the ids are steadier than their translations.
    page.locator("#id_kind").select_option("fact_sheet")
    page.locator("#id_title").fill("Faktablad: validering i Västmanland")
    page.locator("#id_summary").fill("Kort fakta om validering i länet.")
    page.locator("#id_body").fill("## Fakta\n\n- Komvux\n- Branschvalidering")
    page.locator("#id_language").fill("sv")
    page.get_by_label(sv("Employers"), exact=True).check()
    page.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faktablad: validering i Västmanland")
    check_a11y(page)

    page.get_by_role("button", name=sv("Send for review")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The material was sent for review."))
    page.get_by_role("button", name=sv("Publish")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The material is published."))
    check_a11y(page)
    created = Material.objects.get(slug="faktablad-validering-i-vastmanland")
    assert created.state == MaterialState.PUBLISHED

    page.get_by_role("link", name=sv("Public page")).click()
    expect(page.locator("article.material h1")).to_have_text("Faktablad: validering i Västmanland")
    check_a11y(page)
