"""GDPR and secrecy: register extracts, anonymisation, retention, key rotation, access log."""

import datetime as dt
import io
import json
import shutil
import subprocess
from collections import Counter
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation

from valnav.accounts.services import membership_grant, user_create
from valnav.atlas.models import Criterion
from valnav.atlas.tests.factories import EducationFactory, ValidationModelFactory
from valnav.casework import privacy
from valnav.casework.models import (
    CaseTransition,
    CourseMatch,
    Credential,
    CriterionAssessment,
    DocumentType,
    EducationPlanItem,
    EvidenceFile,
    Examination,
    Gender,
    Individual,
    PlanItemStatus,
    Referral,
    ReferralShare,
    SigningKey,
    StatusList,
    ValidationCase,
)
from valnav.casework.selectors import case_lead_times
from valnav.casework.services import (
    assessment_record,
    case_open,
    case_transition,
    individual_register,
    referral_send,
)
from valnav.casework.states import CaseState, Decision
from valnav.core.models import AccessAction, AccessLogEntry
from valnav.core.permissions import Role
from valnav.lib import fieldcrypto

pytestmark = pytest.mark.django_db

PERSONNUMMER = "19811218-9876"


@pytest.fixture
def private_storage(settings, tmp_path):
    """Evidence files go to tmp_path. The field holds the storage it was built with (at
    import), so it is pointed at the overridden one as well."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    field = EvidenceFile._meta.get_field("file")
    original = field.storage
    field.storage = storages["private"]
    yield field.storage
    field.storage = original


def _walk_to_decision(case, actor, *, decision=Decision.FULL, end=CaseState.CLOSED):
    steps = [
        CaseState.INITIAL_MAPPING,
        CaseState.IN_DEPTH_MAPPING,
        CaseState.ASSESSMENT,
    ]
    for state in steps:
        case = case_transition(
            case=case,
            actor=actor,
            to_state=state,
            expected_version=case.version,
            reason=f"Skäl till {state}: samtal med Amina",
        )
    case = case_transition(
        case=case,
        actor=actor,
        to_state=CaseState.DECISION,
        expected_version=case.version,
        decision=decision,
        reason="Beslut efter bedömning",
    )
    case = case_transition(
        case=case, actor=actor, to_state=CaseState.DOCUMENTED, expected_version=case.version
    )
    if end:
        case = case_transition(case=case, actor=actor, to_state=end, expected_version=case.version)
    return case


def _evidence(case, uploader, *, name="arbetsprov.jpg", assessment=None):
    return EvidenceFile.objects.create(
        case=case,
        assessment=assessment,
        file=ContentFile(b"\xff\xd8 foto av arbetsprov", name="upload.jpg"),
        original_name=name,
        content_type="image/jpeg",
        size=22,
        sha256="a" * 64,
        description="Foto av Aminas arbetsprov",
        uploaded_by=uploader,
    )


def _credential(case, issuer, issued_by, *, revoked=False):
    key, _created = SigningKey.objects.get_or_create(
        kid="key-test", defaults={"public_jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}
    )
    status_list = StatusList.objects.first() or StatusList.objects.create()
    index = status_list.next_index
    status_list.next_index += 1
    status_list.save()
    return Credential.objects.create(
        case=case,
        issuer=issuer,
        document_type=DocumentType.INTYG,
        decision=Decision.FULL,
        title="Intyg om validering: undersköterska",
        issued_at=timezone.now(),
        issued_by=issued_by,
        signer_name="Rut Rektor",
        signer_title="rektor",
        payload={"credentialSubject": {"name": "Amina Testsson", "achievement": "USK"}},
        jws="eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl",
        key=key,
        status_list=status_list,
        status_index=index,
        revoked_at=timezone.now() if revoked else None,
        revoked_by=issued_by if revoked else None,
        revocation_reason="Utfärdat på fel kurs" if revoked else "",
    )


@pytest.fixture
def full_case(case, personas, komvux, private_storage):
    """The `case` fixture's person with something in every table and every field."""
    assessor = personas["assessor_vasteras_komvux"]
    individual = case.individual
    individual.email = "amina@example.se"
    individual.phone = "021-123 45 67"
    individual.personnummer_encrypted = fieldcrypto.encrypt("198112189876")
    individual.personnummer_lookup = fieldcrypto.lookup_hash("198112189876")
    individual.gender = Gender.WOMAN
    individual.birth_year = 1981
    individual.born_abroad = True
    individual.languages = "arabiska, svenska"
    individual.purposes = {"gender": "Uppföljning av jämställdhet", "languages": "Tolkbehov"}
    individual.save()
    criterion = Criterion.objects.create(
        model=case.model, position=1, code="K1", title="Basal hygien"
    )
    Criterion.objects.create(model=case.model, position=2, code="K2", title="Bemötande")
    for state in (CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING):
        case = case_transition(
            case=case,
            actor=assessor,
            to_state=state,
            expected_version=case.version,
            reason="Amina berättade om sina år på äldreboendet",
        )
    assessment = assessment_record(
        case=case,
        actor=assessor,
        criterion=criterion,
        result="met",
        method="practical",
        note="Visade säker handhygien",
    )
    _evidence(case, assessor, assessment=assessment)
    EducationPlanItem.objects.create(
        case=case,
        criterion=criterion,
        education=EducationFactory.create(title="Vård och omsorg 1"),
        status=PlanItemStatus.STARTED,
        started_on=timezone.localdate() - timedelta(days=5),
        finished_on=timezone.localdate(),
        note="Läser på kvällstid",
    )
    referral_send(
        case=case,
        actor=assessor,
        to_organisation=personas["counsellor_orebro"].memberships.get().organisation,
        shares=[ReferralShare.TARGET, ReferralShare.DECISION],
        consent_how="Muntligt vid mötet den 20 november",
        message="Amina flyttar till Örebro",
    )
    CourseMatch.objects.create(
        case=case, course_key="gy11-omvardnad-1", course_name="Omvårdnad 1", extent="full"
    )
    Examination.objects.create(
        case=case,
        course_key="gy11-omvardnad-2",
        course_name="Omvårdnad 2",
        examiner_name="Lena Lärare",
        held_on=timezone.localdate(),
        grade="C",
        recorded_by=assessor,
    )
    case.komvux_course = "Vård- och omsorgsarbete 1"
    case.culled_at = timezone.now()
    case.ended_on = timezone.localdate()
    case.save()
    _credential(case, komvux, assessor, revoked=True)
    return case


# Register extract ------------------------------------------------------------------------------


def _links_to(target: type[Model]) -> dict[type[Model], tuple[str, str]]:
    """Every model with a chain of foreign keys to `target`: (lookup path, linking field)."""
    found: dict[type[Model], tuple[str, str]] = {target: ("", "")}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found:
                continue
            for field in model._meta.get_fields():
                is_link = field.concrete and (field.many_to_one or field.one_to_one)
                if is_link and field.related_model in found:
                    parent_path = found[field.related_model][0]
                    path = f"{field.name}__{parent_path}" if parent_path else field.name
                    found[model] = (path, field.name)
                    changed = True
                    break
    return found


def _shown(value):
    """A stored value as the extract writes it."""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _dicts(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)


def test_the_register_extract_holds_every_stored_value_of_every_linked_record(full_case):
    """Walks the models, not a list: a new field or a new table linked to the person fails
    here until the extract carries it (or EXTRACT_EXCLUDED_FIELDS or EXTRACT_EXCLUDED_MODELS says
    why not)."""
    individual = full_case.individual
    extract = privacy.register_extract(individual=individual)
    nodes = list(_dicts(json.loads(json.dumps(extract))))
    for model, (path, link) in _links_to(Individual).items():
        label = model._meta.label_lower
        if label in privacy.EXTRACT_EXCLUDED_MODELS:
            continue
        excluded = set(privacy.EXTRACT_EXCLUDED_FIELDS.get(label, {})) | {link}
        rows = model._default_manager.filter(
            **({path: individual} if path else {"pk": individual.pk})
        )
        assert rows.exists(), f"the fixture has no {label}: give it one"
        for row in rows:
            expected = {}
            for field in model._meta.get_fields():
                if field.auto_created or field.name in excluded:
                    continue
                if getattr(field, "primary_key", False):
                    continue
                if field.many_to_many:
                    expected[field.name] = sorted(str(o) for o in getattr(row, field.name).all())
                elif field.concrete:
                    expected[field.name] = _shown(getattr(row, field.name))
            matching = [
                n for n in nodes if all(n.get(k, object()) == v for k, v in expected.items())
            ]
            missing = {
                k for k, v in expected.items() if not any(n.get(k, object()) == v for n in nodes)
            }
            assert matching, f"{label} {row.pk} not fully in the extract; missing: {missing}"
    assert extract["individual"]["personnummer"] == "198112189876"


def test_the_register_extract_lists_who_read_or_changed_the_records(full_case, personas):
    extract = privacy.register_extract(individual=full_case.individual)
    refs = {entry["record_ref"] for entry in extract["access_log"]}
    assert refs == {full_case.individual.pseudonym, full_case.reference}
    assert {entry["actor"] for entry in extract["access_log"]} == {"Bodil Bedömare"}
    assert {entry["action"] for entry in extract["access_log"]} == {"create", "update", "export"}
    assert all(entry["at"] and entry["purpose"] for entry in extract["access_log"])


def test_the_json_extract_is_an_uncached_attachment_named_by_pseudonym_and_logged(
    client, full_case, personas
):
    client.force_login(personas["assessor_vasteras_komvux"])
    pseudonym = full_case.individual.pseudonym
    response = client.get(reverse("casework:register-extract-json", args=[pseudonym]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{pseudonym}.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["individual"]["given_name"] == "Amina"
    assert data["cases"][0]["evidence"][0]["original_name"] == "arbetsprov.jpg"
    assert AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, record_ref=pseudonym, actor=personas["assessor_vasteras_komvux"]
    ).exists()


@pytest.mark.needs_system("poppler-utils")
def test_the_pdf_extract_is_tagged_and_shows_the_person_their_cases_and_the_log(
    client, full_case, personas, tmp_path
):
    client.force_login(personas["assessor_vasteras_komvux"])
    pseudonym = full_case.individual.pseudonym
    response = client.get(reverse("casework:register-extract-pdf", args=[pseudonym]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{pseudonym}.pdf"'
    assert response["Cache-Control"] == "no-store"
    pdf = tmp_path / "extract.pdf"
    pdf.write_bytes(response.content)
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    assert pdftotext
    assert pdfinfo
    text = subprocess.run(  # noqa: S603  (a fixed program on a file this test wrote)
        [pdftotext, str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(text.split())  # table cells wrap their text over lines
    for expected in [
        pseudonym,
        "Amina",
        "Testsson",
        "198112189876",
        "amina@example.se",
        full_case.reference,
        "arbetsprov.jpg",
        "K1 Basal hygien",
        "Visade säker handhygien",
        "Vård och omsorg 1",
        "Amina flyttar till Örebro",
        "Intyg om validering: undersköterska",
        "Bodil Bedömare",
        "Uppföljning av jämställdhet",
    ]:
        assert expected in text, expected
    info = subprocess.run(  # noqa: S603  (as above)
        [pdfinfo, str(pdf)], capture_output=True, check=True, text=True
    ).stdout
    assert "Tagged:          yes" in info
    assert pseudonym in next(line for line in info.splitlines() if line.startswith("Title:"))
    assert AccessLogEntry.objects.filter(action=AccessAction.EXPORT, record_ref=pseudonym).exists()


def test_only_case_handlers_of_the_persons_organisation_get_the_extract(
    client, full_case, personas
):
    pseudonym = full_case.individual.pseudonym
    url = reverse("casework:register-extract-json", args=[pseudonym])
    # The Örebro counsellor sees the referred case, but only in part: no extract.
    client.force_login(personas["counsellor_orebro"])
    assert client.get(url).status_code == 404
    client.force_login(personas["admin"])
    assert client.get(url).status_code == 404
    client.force_login(personas["rua_vastmanland"])
    assert client.get(url).status_code == 403
    assert not AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, record_type=privacy.INDIVIDUAL_RECORD
    ).exists()


def test_a_protected_identity_is_extracted_only_by_the_responsible_assessor(
    client, full_case, komvux, personas
):
    colleague = user_create(email="kollega@valnav.example", full_name="Kim Kollega", password=None)
    membership_grant(user=colleague, organisation=komvux, role=Role.GUIDANCE_COUNSELLOR)
    url = reverse("casework:register-extract-json", args=[full_case.individual.pseudonym])
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    Individual.objects.filter(pk=full_case.individual.pk).update(protected_identity=True)
    assert client.get(url).status_code == 404
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(url).status_code == 200


# Anonymisation ---------------------------------------------------------------------------------

# Fields of Individual that anonymisation keeps; every other field must end up empty.
KEPT_ON_INDIVIDUAL = {
    "id",
    "pseudonym",
    "organisation",
    "gender",
    "born_abroad",
    "anonymised_at",
    "is_demo",
    "created_at",
    "updated_at",
}


def _statistics():
    """What the equity statistics and lead-time follow-up read."""
    counts = Counter(
        ValidationCase.objects.values_list(
            "municipality__code", "decision", "individual__gender", "individual__born_abroad"
        )
    )
    lead_times = {case.reference: case_lead_times(case) for case in ValidationCase.objects.all()}
    return counts, lead_times


@pytest.fixture
def second_person(full_case, komvux, personas):
    assessor = personas["assessor_vasteras_komvux"]
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={"given_name": "Bo", "gender": "man", "born_abroad": False},
        purposes={"gender": "Jämställdhet", "born_abroad": "Likvärdighet"},
    )
    other = case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=60),
        target={"model": full_case.model},
    )
    return _walk_to_decision(other, assessor, decision=Decision.PARTIAL)


def test_anonymisation_leaves_no_personal_data_and_unchanged_statistics(
    full_case, second_person, personas, django_capture_on_commit_callbacks
):
    assessor = personas["assessor_vasteras_komvux"]
    case = case_transition(
        case=full_case,
        actor=assessor,
        to_state=CaseState.ASSESSMENT,
        expected_version=full_case.version,
    )
    case = case_transition(
        case=case,
        actor=assessor,
        to_state=CaseState.DECISION,
        expected_version=case.version,
        decision=Decision.FULL,
        reason="Alla kriterier uppfyllda enligt Amina",
    )
    individual = case.individual
    stored = [evidence.file.name for evidence in EvidenceFile.objects.filter(case=case)]
    storage = EvidenceFile._meta.get_field("file").storage
    assert stored
    assert all(storage.exists(name) for name in stored)
    credential = Credential.objects.get(case=case)
    before = _statistics()

    with django_capture_on_commit_callbacks(execute=True):
        privacy.individual_anonymise(
            individual=individual, actor=None, reason="Begäran om radering (art. 17)"
        )

    individual.refresh_from_db()
    for field in Individual._meta.concrete_fields:
        if field.name not in KEPT_ON_INDIVIDUAL:
            assert getattr(individual, field.attname) in (None, "", {}, False), field.name
    assert individual.gender == Gender.WOMAN
    assert individual.born_abroad is True
    assert individual.anonymised_at is not None
    assert not EvidenceFile.objects.filter(case=case).exists()
    assert not any(storage.exists(name) for name in stored)
    assert not CaseTransition.objects.filter(case=case).exclude(reason="").exists()
    assert not CriterionAssessment.objects.filter(case=case).exclude(note="").exists()
    assert not EducationPlanItem.objects.filter(case=case).exclude(note="").exists()
    assert not Referral.objects.filter(case=case).exclude(message="").exists()
    assert not Referral.objects.filter(case=case).exclude(consent_how="").exists()
    # The other person is untouched, the credential is kept as issued.
    assert CaseTransition.objects.filter(case=second_person).exclude(reason="").exists()
    kept = Credential.objects.get(pk=credential.pk)
    assert (kept.payload, kept.jws) == (credential.payload, credential.jws)
    assert _statistics() == before
    case.refresh_from_db()
    assert (case.municipality.code, case.decision, case.state) == ("1980", "full", "decision")
    assert AccessLogEntry.objects.filter(
        action=AccessAction.ANONYMISE,
        record_ref=individual.pseudonym,
        actor=None,
        purpose="Begäran om radering (art. 17)",
    ).exists()


def test_anonymisation_needs_a_reason(case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        privacy.individual_anonymise(individual=case.individual, actor=None, reason=" ")
    case.individual.refresh_from_db()
    assert case.individual.given_name == "Amina"


def test_the_anonymise_command_finds_the_person_by_pseudonym_and_logs_the_operator(case, personas):
    out = io.StringIO()
    call_command(
        "anonymise_individual",
        case.individual.pseudonym.lower(),
        reason="Begäran från individen",
        actor="admin@valnav.example",
        stdout=out,
    )
    assert f"Anonymised {case.individual.pseudonym}" in out.getvalue()
    case.individual.refresh_from_db()
    assert case.individual.given_name == ""
    assert AccessLogEntry.objects.filter(
        action=AccessAction.ANONYMISE, actor=personas["admin"], record_ref=case.reference
    ).exists()


# Retention -------------------------------------------------------------------------------------

TODAY = dt.date(2031, 6, 1)


@pytest.fixture
def retention_cases(settings, personas, komvux, private_storage):
    """Four people, each with one closed case with notes and evidence, ended at different
    dates; the first also has an open case."""
    settings.VALNAV_RETENTION_YEARS = {
        "credential": None,
        "evidence": 2,
        "working_notes": 3,
        "individual": 5,
    }
    assessor = personas["assessor_vasteras_komvux"]
    model = ValidationModelFactory(name="Svetsare")
    made = {}
    for key, ended in [
        ("old_but_open_too", dt.date(2025, 1, 10)),
        ("old", dt.date(2025, 1, 10)),
        ("middle", dt.date(2028, 3, 1)),
        ("recent", dt.date(2030, 9, 1)),
    ]:
        person = individual_register(
            actor=assessor,
            organisation=komvux,
            data={"given_name": key, "gender": "woman"},
            purposes={"gender": "Jämställdhet"},
        )
        case = case_open(
            actor=assessor,
            individual=person,
            organisation=komvux,
            first_contact=ended - timedelta(days=200),
            target={"model": model},
            reason=f"Förfrågan från {key}",
        )
        case = _walk_to_decision(case, assessor)
        ValidationCase.objects.filter(pk=case.pk).update(ended_on=ended)
        _evidence(case, assessor)
        _credential(case, komvux, assessor)
        made[key] = case
    case_open(
        actor=assessor,
        individual=made["old_but_open_too"].individual,
        organisation=komvux,
        target={"model": model},
        reason="Ny förfrågan",
    )
    return made


def _notes(case):
    return CaseTransition.objects.filter(case=case).exclude(reason="").count()


def test_a_dry_run_reports_what_retention_would_cull_and_changes_nothing(retention_cases):
    log_before = AccessLogEntry.objects.count()
    report = privacy.retention_apply(today=TODAY, dry_run=True)
    assert report.dry_run
    evidence = report.outcome("evidence")
    assert evidence.cutoff == dt.date(2029, 6, 1)
    assert evidence.items == 3
    notes = report.outcome("working_notes")
    assert notes.cutoff == dt.date(2028, 6, 1)
    assert set(notes.records) == {
        retention_cases[k].reference for k in ("old_but_open_too", "old", "middle")
    }
    assert report.outcome("individual").records == [retention_cases["old"].individual.pseudonym]
    assert report.outcome("credential").items == 4
    assert EvidenceFile.objects.count() == 4
    assert all(_notes(case) for case in retention_cases.values())
    assert AccessLogEntry.objects.count() == log_before


def test_retention_culls_each_class_after_its_period_keeps_credentials_and_is_idempotent(
    retention_cases, django_capture_on_commit_callbacks
):
    storage = EvidenceFile._meta.get_field("file").storage
    files = {k: EvidenceFile.objects.get(case=c).file.name for k, c in retention_cases.items()}
    with django_capture_on_commit_callbacks(execute=True):
        report = privacy.retention_apply(today=TODAY, dry_run=False)
    assert report.outcome("evidence").items == 3
    assert report.outcome("individual").items == 1

    old, open_too, middle, recent = (
        retention_cases[k] for k in ("old", "old_but_open_too", "middle", "recent")
    )
    # Evidence: 2 years — gone for all but the recent case, rows and files.
    assert list(EvidenceFile.objects.values_list("case", flat=True)) == [recent.pk]
    assert storage.exists(files["recent"])
    assert not any(storage.exists(files[k]) for k in ("old", "old_but_open_too", "middle"))
    # Working notes: 3 years — blanked in the cases ended in 2025 and 2028, not in 2030.
    assert [_notes(c) for c in (old, open_too, middle)] == [0, 0, 0]
    assert _notes(recent) > 0
    # Individuals: 5 years after their last case ended; one with an open case stays.
    old.individual.refresh_from_db()
    open_too.individual.refresh_from_db()
    assert old.individual.anonymised_at is not None
    assert old.individual.given_name == ""
    assert open_too.individual.given_name == "old_but_open_too"
    # Culling is recorded on the case and in the log, as the system.
    for case in (old, open_too, middle):
        case.refresh_from_db()
        assert case.culled_at is not None
    recent.refresh_from_db()
    assert recent.culled_at is None
    culls = AccessLogEntry.objects.filter(action=AccessAction.CULL)
    assert not culls.exclude(actor=None).exists()
    purposes = set(culls.values_list("purpose", flat=True))
    assert any("evidence" in p and "VALNAV_RETAIN_EVIDENCE_YEARS" in p for p in purposes)
    assert any("working_notes" in p for p in purposes)
    assert culls.filter(record_ref=old.individual.pseudonym).exists()
    # Credentials are never culled.
    assert Credential.objects.count() == 4
    assert Credential.objects.filter(case=old).exclude(payload={}).exists()

    log_count = AccessLogEntry.objects.count()
    again = privacy.retention_apply(today=TODAY, dry_run=False)
    assert [o.items for o in again.outcomes if o.retention_class != "credential"] == [0, 0, 0]
    assert AccessLogEntry.objects.count() == log_count


def test_the_retention_command_prints_each_class(retention_cases):
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run" in text
    for name in ("evidence:", "working_notes:", "individual:", "credential: kept permanently"):
        assert name in text
    assert EvidenceFile.objects.count() == 4


def test_retention_refuses_a_period_for_issued_credentials(settings, case):
    from django.core.exceptions import ImproperlyConfigured

    settings.VALNAV_RETENTION_YEARS = {**settings.VALNAV_RETENTION_YEARS, "credential": 10}
    with pytest.raises(ImproperlyConfigured):
        privacy.retention_apply(today=TODAY, dry_run=True)


# Key rotation ----------------------------------------------------------------------------------


def test_rotating_field_keys_re_encrypts_every_personnummer_under_the_new_key(
    settings, komvux, personas
):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VALNAV_FIELD_ENCRYPTION_KEYS = [old_key]
    people = [
        individual_register(
            actor=personas["assessor_vasteras_komvux"],
            organisation=komvux,
            data={"given_name": name},
            personnummer=number,
        )
        for name, number in [("Amina", PERSONNUMMER), ("Bo", "19900101-0017")]
    ]
    without = individual_register(
        actor=personas["assessor_vasteras_komvux"], organisation=komvux, data={}
    )
    settings.VALNAV_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Re-encrypted 2 personnummer" in out.getvalue()

    settings.VALNAV_FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed
    decrypted = []
    for person in people:
        person.refresh_from_db()
        Fernet(new_key.encode()).decrypt(person.personnummer_encrypted.encode())
        decrypted.append(fieldcrypto.decrypt(person.personnummer_encrypted))
    assert decrypted == ["198112189876", "199001010017"]
    without.refresh_from_db()
    assert without.personnummer_encrypted == ""


# The access log --------------------------------------------------------------------------------


def test_the_access_log_is_for_administrators_only(client, personas):
    url = reverse("casework:access-log")
    assert client.get(url).status_code == 302
    for key in ("assessor_vasteras_komvux", "rua_vastmanland", "counsellor_orebro"):
        client.force_login(personas[key])
        assert client.get(url).status_code == 403


def test_the_access_log_searches_by_record_user_action_and_date(client, full_case, personas):
    client.force_login(personas["admin"])
    url = reverse("casework:access-log")
    pseudonym = full_case.individual.pseudonym
    response = client.get(url, {"record_ref": pseudonym.lower()})
    refs = {entry.record_ref for entry in response.context["page"].object_list}
    assert refs == {pseudonym, full_case.reference}  # the person's cases too
    response = client.get(url, {"actor_email": "ADMIN@valnav.example"})
    assert response.context["page"].paginator.count == 0
    response = client.get(url, {"action": "create", "record_ref": full_case.reference})
    assert [e.action for e in response.context["page"].object_list] == ["create"]
    today = timezone.localdate()
    response = client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert response.context["page"].paginator.count == AccessLogEntry.objects.count()
    response = client.get(url, {"date_to": (today - timedelta(days=1)).isoformat()})
    assert response.context["page"].paginator.count == 0
    response = client.get(url, {"actor_email": "not an address"})
    assert response.context["page"] is None
    assert "actor_email" in response.context["form"].errors


def test_the_access_log_pages_by_fifty_in_a_fixed_number_of_queries(
    client, personas, django_assert_num_queries
):
    for number in range(120):
        AccessLogEntry.objects.create(
            actor=personas["assessor_vasteras_komvux"],
            action=AccessAction.VIEW,
            record_type="casework.validationcase",
            record_ref=f"V-{number:08d}",
            purpose="Läste ärendet",
        )
    client.force_login(personas["admin"])
    url = reverse("casework:access-log")
    client.get(url)  # warm the session
    # Session, user, roles, count, the page (rows with their users) and the session save.
    with django_assert_num_queries(8):
        response = client.get(url, {"page": "2"})
    page = response.context["page"]
    assert len(page.object_list) == 50
    assert page.paginator.num_pages == 3
    content = response.content.decode()
    assert "<caption>" in content
    assert 'scope="col"' in content


def test_the_access_log_csv_is_spreadsheet_safe_and_its_export_is_logged(client, personas):
    AccessLogEntry.objects.create(
        actor=None,
        action=AccessAction.VIEW,
        record_type="casework.validationcase",
        record_ref="V-AAAAAAAA",
        purpose='=HYPERLINK("http://evil")',
    )
    AccessLogEntry.objects.create(
        actor=personas["assessor_vasteras_komvux"],
        action=AccessAction.UPDATE,
        record_type="casework.validationcase",
        record_ref="V-BBBBBBBB",
        purpose="Ändrade",
    )
    client.force_login(personas["admin"])
    response = client.get(
        reverse("casework:access-log"), {"record_ref": "V-AAAAAAAA", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "V-BBBBBBBB" not in text
    export = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert export.actor == personas["admin"]
    assert "V-AAAAAAAA" in export.purpose


def test_the_public_privacy_notice_gives_the_real_legal_grounds(client):
    """Anyone can read the notice, in Swedish and English: secrecy only for what OSL covers,
    the personnummer rule of dataskyddslagen and the access log's GDPR basis."""
    page = client.get(reverse("casework:privacy-notice"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Personuppgifter i valideringsärenden" in text
    assert "elevstödjande verksamhet" in text
    assert "3 kap. 10 §" in text
    assert "art. 5.2 och 32" in text
    assert "art. 30" not in text
    with translation.override("en"):
        english_url = reverse("casework:privacy-notice")
    english = client.get(english_url).content.decode()
    assert "student-welfare support" in english
