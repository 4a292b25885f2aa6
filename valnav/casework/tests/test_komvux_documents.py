"""The documents each track issues (issue #16): a Komvux intyg for every completed assessment,
naming the courses or subjects matched; a betyg only after a passed prövning; a branch model's
document in its owner's name."""

import io
import tomllib
from datetime import timedelta

import pdfplumber
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from valnav.accounts.models import OrganisationKind
from valnav.atlas.models import ModelKind, Payer, ValidationModel
from valnav.atlas.tests.factories import OrganisationFactory, ValidationModelFactory
from valnav.casework.credentials import credential_issue, signed_outcome
from valnav.casework.documents import credential_pdf
from valnav.casework.komvux import (
    komvux_courses_for_model,
    komvux_courses_valid_on,
    signed_courses,
)
from valnav.casework.models import Credential, CriterionResult, DocumentType
from valnav.casework.services import (
    case_open,
    course_match_set,
    document_types_allowed,
    examination_record,
)
from valnav.casework.states import CaseState, Decision
from valnav.casework.tests.test_cases import walk
from valnav.casework.tests.test_views_credentials import _boxes_overlap, pdf_text
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

TO_ASSESSMENT = (CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT)


@pytest.fixture
def assessor(personas):
    return personas["assessor_vasteras_komvux"]


@pytest.fixture
def komvux_case(case, assessor, komvux):
    """A case of Komvux validation in vård och omsorg, at its assessment."""
    model = ValidationModelFactory(
        name="Komvux: vård och omsorg",
        kind=ModelKind.KOMVUX,
        payer=Payer.FREE_KOMVUX,
        outcome_documents=["intyg", "betyg"],
    )
    komvux_case = case_open(
        actor=assessor,
        individual=case.individual,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=20),
        target={"model": model},
    )
    return walk(komvux_case, assessor, *TO_ASSESSMENT)


def issue(case, assessor, document_type):
    return credential_issue(
        case=case,
        actor=assessor,
        document_type=document_type,
        signer_name="Rebecka Rektor",
        signer_title="rektor",
    )


def test_a_komvux_assessment_not_met_gives_an_intyg(komvux_case, assessor):
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.NOT_MET)
    assert document_types_allowed(case) == [DocumentType.INTYG]
    credential = issue(case, assessor, DocumentType.INTYG)
    assert credential.document_type == DocumentType.INTYG
    assert credential.decision == Decision.NOT_MET
    case.refresh_from_db()
    assert case.state == CaseState.DOCUMENTED


def test_the_intyg_names_the_courses_fully_and_partly_matched(komvux_case, assessor):
    course_match_set(case=komvux_case, actor=assessor, course_key="gy11-omvardnad-1", extent="full")
    course_match_set(
        case=komvux_case, actor=assessor, course_key="gy25-psykiatri-1", extent="partly"
    )
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    credential = issue(case, assessor, DocumentType.INTYG)
    outcome = signed_outcome(credential.payload)
    assert outcome.named(CriterionResult.MET) == ["Omvårdnad 1"]
    assert outcome.named(CriterionResult.PARTLY_MET) == ["Psykiatri nivå 1"]


@pytest.mark.parametrize("model_key", ["komvux-kock", "komvux-lager-logistik"])
def test_an_intyg_outside_vard_names_the_courses_of_its_own_occupation(
    case, assessor, komvux, model_key
):
    """A Komvux model other than vård och omsorg has courses of its own yrkespaket in the
    catalogue, and its intyg names those matched fully and partly."""
    model = ValidationModel.objects.get(key=model_key, kind=ModelKind.KOMVUX)
    own = [
        course
        for course in komvux_courses_for_model(model_key, timezone.localdate())
        if course.area != "gemensamt"
    ]
    assert len(own) >= 2
    assert all(course.area != "vard_omsorg" for course in own)
    komvux_case = case_open(
        actor=assessor,
        individual=case.individual,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=20),
        target={"model": model},
    )
    komvux_case = walk(komvux_case, assessor, *TO_ASSESSMENT)
    course_match_set(case=komvux_case, actor=assessor, course_key=own[0].key, extent="full")
    course_match_set(case=komvux_case, actor=assessor, course_key=own[1].key, extent="partly")
    komvux_case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    credential = issue(komvux_case, assessor, DocumentType.INTYG)
    courses = signed_courses(credential.payload)
    assert courses.full == [own[0].name]
    assert courses.partly == [own[1].name]


def test_a_course_outside_the_catalogue_is_refused(komvux_case, assessor):
    with pytest.raises(ValidationError) as error:
        course_match_set(case=komvux_case, actor=assessor, course_key="gy11-x", extent="full")
    assert "course_key" in error.value.message_dict


def test_a_betyg_needs_a_passed_examination(komvux_case, assessor):
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    with pytest.raises(ValidationError) as error:
        issue(case, assessor, DocumentType.BETYG)
    assert "document_type" in error.value.message_dict
    examination_record(
        case=case,
        actor=assessor,
        course_key="gy11-omvardnad-1",
        examiner_name="Lena Lärare",
        grade="F",
    )
    assert DocumentType.BETYG not in document_types_allowed(case)
    with pytest.raises(ValidationError):
        issue(case, assessor, DocumentType.BETYG)
    examination_record(
        case=case,
        actor=assessor,
        course_key="gy11-omvardnad-2",
        examiner_name="Lena Lärare",
        grade="C",
    )
    assert DocumentType.BETYG in document_types_allowed(case)
    betyg = issue(case, assessor, DocumentType.BETYG)
    assert signed_outcome(betyg.payload).named(CriterionResult.MET) == ["Omvårdnad 2 (betyg C)"]
    assert not Credential.objects.filter(case=case).exclude(pk=betyg.pk).exists()


def test_an_examination_needs_an_examiner_and_a_grade(komvux_case, assessor):
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.FULL)
    with pytest.raises(ValidationError) as error:
        examination_record(
            case=case,
            actor=assessor,
            course_key="gy11-omvardnad-1",
            examiner_name=" ",
            grade="G",
        )
    assert set(error.value.message_dict) == {"examiner_name", "grade"}


@pytest.fixture
def branch_case(case, assessor, komvux):
    owner = OrganisationFactory(
        name="Byggbranschens Yrkesnämnd (BYN)", kind=OrganisationKind.BRANCH_ORGANISATION
    )
    model = ValidationModelFactory(
        name="BYN yrkesbevis", owner=owner, outcome_documents=["yrkesbevis", "valideringsintyg"]
    )
    branch_case = case_open(
        actor=assessor,
        individual=case.individual,
        organisation=komvux,
        target={"model": model},
    )
    return walk(branch_case, assessor, *TO_ASSESSMENT, CaseState.DECISION, decision=Decision.FULL)


def test_a_branch_credential_names_the_model_owner(branch_case, assessor):
    credential = issue(branch_case, assessor, DocumentType.YRKESBEVIS)
    owner = branch_case.model.owner
    assert credential.payload["issuer"]["name"] == "Byggbranschens Yrkesnämnd (BYN)"
    assert credential.on_behalf_of == owner
    assert credential.title.startswith("Yrkesbevis")


def test_a_branch_model_issues_only_its_own_documents(branch_case, assessor):
    assert document_types_allowed(branch_case) == [
        DocumentType.YRKESBEVIS,
        DocumentType.VALIDERINGSINTYG,
    ]
    with pytest.raises(ValidationError) as error:
        issue(branch_case, assessor, DocumentType.KOMPETENSBEVIS)
    assert "document_type" in error.value.message_dict


def test_a_branch_decision_not_met_gives_no_document(case, assessor):
    case = walk(case, assessor, *TO_ASSESSMENT, CaseState.DECISION, decision=Decision.NOT_MET)
    with pytest.raises(ValidationError):
        issue(case, assessor, DocumentType.INTYG)


def test_the_issue_form_offers_only_the_documents_allowed(client, komvux_case, assessor):
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.NOT_MET)
    client.force_login(assessor)
    url = reverse("casework:credential-issue", kwargs={"reference": case.reference})
    page = client.get(url).content.decode()
    assert 'value="intyg"' in page
    assert 'value="betyg"' not in page
    assert 'value="kompetensbevis"' not in page
    answer = client.post(
        url, {"document_type": "betyg", "signer_name": "Rebecka Rektor", "signer_title": "rektor"}
    )
    assert answer.status_code == 200
    assert not Credential.objects.filter(case=case).exists()


def test_the_assessor_matches_courses_and_records_a_proving_on_the_case_page(
    client, komvux_case, assessor
):
    client.force_login(assessor)
    page_url = reverse("casework:case-detail", kwargs={"reference": komvux_case.reference})
    page = client.get(page_url).content.decode()
    assert 'id="komvux-heading"' in page
    assert "Omvårdnad 1" in page  # offered from the catalogue
    url = reverse("casework:course-match", kwargs={"reference": komvux_case.reference})
    refused = client.post(url, {"course-course_key": "gy11-omvardnad-1"})
    assert refused.status_code == 400
    assert 'href="#id_course-extent"' in refused.content.decode()
    answer = client.post(url, {"course-course_key": "gy11-omvardnad-1", "course-extent": "full"})
    assert answer.status_code == 302
    assert komvux_case.course_matches.get().course_name == "Omvårdnad 1"

    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    exam_url = reverse("casework:examination-add", kwargs={"reference": case.reference})
    answer = client.post(
        exam_url,
        {
            "exam-course_key": "gy11-omvardnad-1",
            "exam-examiner_name": "Lena Lärare",
            "exam-held_on": "2026-12-01",
            "exam-grade": "B",
        },
    )
    assert answer.status_code == 302
    issue_page = client.get(
        reverse("casework:credential-issue", kwargs={"reference": case.reference})
    ).content.decode()
    assert 'value="betyg"' in issue_page


def test_a_komvux_intyg_is_signed_by_the_rektor(komvux_case, assessor):
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.FULL)
    with pytest.raises(ValidationError) as error:
        credential_issue(
            case=case,
            actor=assessor,
            document_type=DocumentType.INTYG,
            signer_name="Lena Lärare",
            signer_title="lärare",
        )
    assert "signer_title" in error.value.message_dict
    credential = credential_issue(
        case=case,
        actor=assessor,
        document_type=DocumentType.INTYG,
        signer_name="Rebecka Rektor",
        signer_title="Biträdande rektor",
    )
    assert credential.signer_title == "Biträdande rektor"


def test_the_public_verification_page_names_the_model_owner(client, branch_case, assessor):
    credential = issue(branch_case, assessor, DocumentType.YRKESBEVIS)
    page = client.get(
        reverse("casework:credential-verify", kwargs={"public_id": credential.public_id})
    ).content.decode()
    assert "Byggbranschens Yrkesnämnd (BYN)" in page
    assert "Utfärdat i namn av" in page


def test_every_branch_document_of_the_catalogue_can_be_issued():
    """Each outcome document a branch model of validation_models.toml names is a document
    type a case can be issued (Socialstyrelsen's title is not issued here)."""
    path = settings.BASE_DIR / "data" / "reference" / "validation_models.toml"
    with open(path, "rb") as handle:
        catalogue = tomllib.load(handle)
    models = next(value for value in catalogue.values() if isinstance(value, list))
    named = {
        document
        for model in models
        if model["kind"] in (ModelKind.BRANCH, ModelKind.KOMVUX)
        for document in model.get("outcome_documents", [])
    }
    assert named <= set(DocumentType.values)


def test_the_intyg_courses_block_lists_the_signed_courses(komvux_case, assessor):
    course_match_set(case=komvux_case, actor=assessor, course_key="gy25-omvardnad-1", extent="full")
    course_match_set(
        case=komvux_case, actor=assessor, course_key="gy11-psykiatri-1", extent="partly"
    )
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    credential = issue(case, assessor, DocumentType.INTYG)
    courses = signed_courses(credential.payload)
    assert courses.full == ["Omvårdnad nivå 1"]
    assert courses.partly == ["Psykiatri 1"]
    block = render_to_string("casework/includes/credential_pdf_courses.html", {"courses": courses})
    assert "helt motsvarar" in block
    assert "<li>Omvårdnad nivå 1</li>" in block
    assert "<li>Psykiatri 1</li>" in block


def test_the_model_owners_issuer_profile_is_published(client, branch_case, assessor):
    credential = issue(branch_case, assessor, DocumentType.YRKESBEVIS)
    answer = client.get(credential.payload["issuer"]["id"])
    assert answer.status_code == 200
    assert answer.json()["name"] == "Byggbranschens Yrkesnämnd (BYN)"


def test_the_intyg_pdf_names_the_matched_courses_and_nothing_overlaps(komvux_case, assessor):
    """The printed intyg lists the courses under "helt" and "delvis motsvarar", and a long
    title with every course of the catalogue still leaves every word clear of the QR code and
    of every other word, on every page."""
    model = komvux_case.model
    model.name = " ".join(["Komvux:", *["yrkesområdesövergripande"] * 6])
    model.save(update_fields=["name"])
    courses = komvux_courses_valid_on(timezone.localdate())
    assert len(courses) >= 25
    for number, course in enumerate(courses):
        extent = "full" if number % 2 == 0 else "partly"
        course_match_set(case=komvux_case, actor=assessor, course_key=course.key, extent=extent)
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    credential = issue(case, assessor, DocumentType.INTYG)
    data = credential_pdf(credential)

    text = pdf_text(data)
    full, partly = text.split("kunskaperna helt motsvarar")[1].split("kunskaperna delvis motsvarar")
    assert courses[0].name in full
    assert courses[1].name in partly
    assert courses[1].name not in full.replace(courses[0].name, "")
    assert "Helt uppfyllda kriterier" not in text  # courses, not the model's criteria
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2  # many courses: the list runs on
        (qr,) = pdf.pages[0].images
        for page in pdf.pages:
            words = page.extract_words()
            if page is pdf.pages[0]:
                assert [word["text"] for word in words if _boxes_overlap(word, qr)] == []
            overlapping = [
                (a["text"], b["text"])
                for i, a in enumerate(words)
                for b in words[i + 1 :]
                if _boxes_overlap(a, b)
            ]
            assert overlapping == []


def test_the_issue_page_of_an_underskoterska_case_gives_the_title_rule(
    client, komvux_case, assessor
):
    """The intyg does not give the protected title; the page says so and which rule applies
    by when studies started."""
    komvux_case.model.occupations.set(Occupation.objects.filter(code="5321"))
    case = walk(komvux_case, assessor, CaseState.DECISION, decision=Decision.PARTIAL)
    client.force_login(assessor)
    url = reverse("casework:credential-issue", kwargs={"reference": case.reference})
    with translation.override("sv"):
        page = client.get(url).content.decode()
    assert 'data-note="protected-title"' in page
    assert "efter den 30 juni 2023" in page
    assert "samhällskunskap" in page
