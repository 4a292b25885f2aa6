"""Casework in a real browser: an assessor registers a person, opens a case, takes it through
mapping to assessment, records all criteria in one form, decides and sees the complementary
education nearest the person, issues the intyg and its credential; the QR code's link verifies
it, and after revocation it no longer does, on the page and with `credential_verify`. axe on
every page on the way."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.atlas.models import Criterion, ModelKind
from valnav.atlas.tests.factories import EducationFactory, ValidationModelFactory
from valnav.casework.documents import qr_svg_data_uri
from valnav.casework.models import ValidationCase
from valnav.casework.states import CaseState, Decision
from valnav.places.models import Municipality


@pytest.fixture
def vard(browser_data: dict[str, Any]) -> Any:
    model = ValidationModelFactory(
        name="Validering inom vård och omsorg", kind=ModelKind.KOMVUX, ssyk=["5321"]
    )
    for position, title in enumerate(["Vård- och omsorgsarbete", "Etik", "Psykiatri"], 1):
        model.criteria.create(position=position, code=f"VO-{position}", title=title)
    EducationFactory(
        title="Psykiatri 1",
        municipality=Municipality.objects.get(code="1961"),  # Hallstahammar, Västmanland
        closes=[model],
    )
    EducationFactory(
        title="Psykiatri 1 distans",
        municipality=Municipality.objects.get(code="0580"),  # Linköping
        closes=[model],
    )
    return model


def log_in(page: Any, server: str, key: str) -> None:
    persona = PERSONAS_BY_KEY[key]
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))


def move_to(page: Any, state: CaseState, check_a11y: Any) -> None:
    page.get_by_label(field_label("New state")).select_option(state.value)
    page.get_by_role("button", name=sv("Change state")).click()
    expect(page.locator("#case-facts")).to_contain_text(sv(state.label))
    check_a11y(page)


def assess(page: Any, criterion: Criterion, result: str, method: str) -> None:
    row = page.locator(f"#criterion-{criterion.pk}")
    row.get_by_label(sv("Result")).select_option(result)
    row.get_by_label(sv("Method")).select_option(method)


def test_an_assessor_takes_a_case_from_registration_to_a_verifiable_intyg(
    page, server, check_a11y, vard, settings, tmp_path
):
    settings.VALNAV_PUBLIC_URL = server  # the QR code points at this test server
    log_in(page, server, "assessor_vasteras_komvux")
    main_nav(page).get_by_role("link", name=sv("Cases")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Cases"))
    check_a11y(page)

    page.get_by_role("link", name=sv("Register a person")).click()
    check_a11y(page)
    # Submitting with a missing name shows the error summary linked to the field.
    page.get_by_role("button", name=sv("Register")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(sv("Given name"))
    check_a11y(page)
    page.get_by_label(field_label("Given name")).fill("Amina")
    page.get_by_label(field_label("Family name")).fill("Testsson")
    page.get_by_label(field_label("Home municipality")).select_option(label="Västerås")
    page.get_by_role("button", name=sv("Register")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Open a case"))
    pseudonym = page.get_by_label(field_label("The person's pseudonym")).input_value()
    assert pseudonym.startswith("P-")
    check_a11y(page)
    page.get_by_label(field_label("Validation model")).select_option(label=vard.name)
    page.get_by_role("button", name=sv("Open the case")).click()

    case = ValidationCase.objects.get(individual__pseudonym=pseudonym)
    expect(page).to_have_url(url(server, "casework:case-detail", reference=case.reference))
    expect(page).to_have_title(re.compile(re.escape(case.reference)))
    expect(page.get_by_role("main")).to_contain_text("Amina Testsson")
    check_a11y(page)

    for state in (CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT):
        move_to(page, state, check_a11y)
    expect(page.locator('[aria-current="step"]')).to_contain_text(sv("Assessment"))

    first, second, third = vard.criteria.order_by("position")
    assess(page, first, "met", "practical")
    assess(page, second, "partly_met", "interview")
    assess(page, third, "met", "documentation")
    # One form, one save for all the criteria; then the decision, right below them.
    page.get_by_role("button", name=sv("Save the assessments")).click()
    expect(page.locator(f"#criterion-{second.pk} td").first).to_contain_text(sv("Partly met"))
    expect(page.locator("#decision-summary")).to_contain_text(sv("Partly met"))
    expect(page.locator("#decision-summary")).to_contain_text("VO-2 Etik")
    check_a11y(page)

    decision = page.get_by_label(field_label("Decision"))
    expect(decision).to_have_value(Decision.PARTIAL.value)  # suggested from the criteria
    page.get_by_label(field_label("New state")).select_option(CaseState.DECISION.value)
    page.get_by_label(field_label("Reason")).fill("Två kriterier uppfyllda, etik delvis")
    page.get_by_role("button", name=sv("Change state")).click()
    expect(page.locator("#case-facts")).to_contain_text(sv("Partly met"))
    check_a11y(page)

    case.refresh_from_db()
    assert case.state == CaseState.DECISION
    assert case.decision == Decision.PARTIAL
    suggestions = page.locator("#plan table").first
    expect(suggestions.locator("tbody tr").first).to_contain_text("Psykiatri 1")
    expect(suggestions.locator("tbody tr").first).to_contain_text("Hallstahammar")
    expect(suggestions.locator("tbody tr").first).to_contain_text("km")
    expect(page.get_by_role("main")).to_contain_text("Två kriterier uppfyllda, etik delvis")

    # Document the decision: the intyg and its credential.
    page.get_by_role("link", name=sv("Issue a document")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Issue a document"))
    check_a11y(page)
    page.get_by_label(field_label("Signed by")).fill("Rebecka Rektor")
    page.get_by_role("button", name=sv("Sign and issue")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        sv("Valid: the signature, the Open Badges schema and the status list check out.")
    )
    check_a11y(page)
    credential = case.credentials.get()
    case.refresh_from_db()
    assert case.state == CaseState.DOCUMENTED
    with page.expect_download() as download:
        page.get_by_role("link", name=sv("Download the intyg (PDF)")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The QR code encodes the verification link shown beside it; a phone would open it.
    link = page.get_by_role("link", name=re.compile(re.escape(credential.public_id)))
    verification_link = link.get_attribute("href")
    assert verification_link == url(
        server, "casework:credential-verify", public_id=credential.public_id
    )
    qr = page.get_by_role("img", name=re.compile("QR"))
    assert qr.get_attribute("src") == qr_svg_data_uri(verification_link)
    holder_file = tmp_path / "intyg.json"
    holder_file.write_text(
        page.request.get(f"{server}/api/v1/credentials/{credential.public_id}").text()
    )
    call_command("credential_verify", str(holder_file), stdout=io.StringIO())  # exit 0: valid

    visitor = page.context.browser.new_page()
    visitor.goto(verification_link)
    expect(visitor.locator("[data-status]")).to_have_attribute("data-status", "valid")
    expect(visitor.get_by_role("main")).to_contain_text("Amina Testsson")
    check_a11y(visitor)

    # Revoked: the same link and the holder's file no longer verify.
    page.get_by_label(field_label("Why is the document revoked?")).fill("Utfärdat av misstag")
    page.get_by_role("button", name=sv("Revoke the document")).click()
    expect(page.get_by_role("status").first).to_contain_text("Utfärdat av misstag")
    check_a11y(page)
    visitor.reload()
    expect(visitor.locator("[data-status]")).to_have_attribute("data-status", "revoked")
    check_a11y(visitor)
    visitor.close()
    with pytest.raises(CommandError) as failed:
        call_command("credential_verify", str(holder_file), stdout=io.StringIO())
    assert failed.value.returncode == 1
