"""The catalogue of validation models: loaded from data/reference/validation_models.toml."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.atlas.catalogue import catalogue_import
from valnav.atlas.models import (
    Criterion,
    ModelKind,
    ModelStep,
    Offer,
    OutcomeDocument,
    Payer,
    ValidationModel,
)
from valnav.core.models import ReferenceDataset
from valnav.core.reference import REFERENCE_DIR, ReferenceDataError
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db

CATALOGUE = "validation_models.toml"


@pytest.fixture
def reference_copy(tmp_path):
    """A writable copy of the two files the catalogue import reads."""
    for name in ("datasets.toml", CATALOGUE):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    return tmp_path


def edit(folder, old, new):
    path = folder / CATALOGUE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def state():
    """Everything an import could touch, comparable between runs."""
    return {
        "models": sorted(ValidationModel.objects.values_list("key", "updated_at")),
        "steps": sorted(ModelStep.objects.values_list("pk", "model__key", "position", "title")),
        "criteria": sorted(Criterion.objects.values_list("pk", "model__key", "code")),
        "occupations": sorted(
            ValidationModel.occupations.through.objects.values_list("pk", "occupation__code")
        ),
        "organisations": Organisation.objects.count(),
        "dataset": ReferenceDataset.objects.filter(key="validation_models").values_list(
            "imported_at", "sha256", "row_count"
        )[0],
    }


def test_the_catalogue_holds_the_branch_and_komvux_models(reference_data):
    keys = set(ValidationModel.objects.values_list("key", flat=True))
    assert len(keys) >= 25
    assert {"byn-bygg", "ecy-el", "svets", "siv-industri", "komvux-vard-omsorg"} <= keys
    kinds = set(ValidationModel.objects.values_list("kind", flat=True))
    assert {ModelKind.BRANCH, ModelKind.KOMVUX} <= kinds
    dataset = ReferenceDataset.objects.get(key="validation_models")
    assert dataset.row_count == len(keys)
    assert dataset.version == "2026-11"


def test_every_model_has_ssyk_groups_steps_and_criteria_in_order(reference_data):
    for model in ValidationModel.objects.prefetch_related("occupations", "steps", "criteria"):
        occupations = list(model.occupations.all())
        assert occupations, model.key
        assert all(occupation.level == 4 for occupation in occupations), model.key
        steps = [step.position for step in model.steps.all()]
        assert steps, model.key
        assert steps == list(range(1, len(steps) + 1)), model.key
        criteria = [criterion.position for criterion in model.criteria.all()]
        assert len(criteria) >= 3, model.key
        assert criteria == list(range(1, len(criteria) + 1)), model.key
        assert set(model.outcome_documents) <= set(OutcomeDocument.values), model.key
        assert model.source_urls, model.key
        assert model.last_verified, model.key
        assert model.branch is not None, model.key


def test_komvux_models_have_no_owner_and_say_the_rektor_signs_the_intyg(reference_data):
    komvux = ValidationModel.objects.filter(kind=ModelKind.KOMVUX)
    assert komvux.count() >= 7
    for model in komvux:
        assert model.owner is None
        assert model.payer == Payer.FREE_KOMVUX
        assert "rektorn" in model.summary, model.key
        assert "helt eller delvis" in model.summary, model.key


def test_branch_models_are_owned_by_branch_organisations(reference_data):
    byn = ValidationModel.objects.select_related("owner", "branch").get(key="byn-bygg")
    assert byn.owner.kind == OrganisationKind.BRANCH_ORGANISATION
    assert byn.branch.key == "bygg"
    assert set(byn.occupations.values_list("code", flat=True)) >= {"7111", "7113", "8342"}
    svets = ValidationModel.objects.get(key="svets")
    assert list(svets.criteria.values_list("code", flat=True))[:4] == [
        "SVETS-VIT",
        "SVETS-GRON",
        "SVETS-BLA",
        "SVETS-SVART",
    ]
    owners = Organisation.objects.filter(owned_models__isnull=False).distinct()
    names = list(owners.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert not owners.filter(is_demo=True).exists()


def test_unverified_facts_are_marked_in_the_summary(reference_data):
    for key in ("vvs-branschprov", "pvf-platslageri"):
        assert "uppgiften är inte bekräftad" in ValidationModel.objects.get(key=key).summary


def test_a_second_import_changes_nothing(reference_data):
    before = state()
    counts = catalogue_import()
    assert (counts.created, counts.updated) == (0, 0)
    assert counts.unchanged == ValidationModel.objects.count() + 1  # the models and the dataset
    assert state() == before


def test_a_changed_file_updates_one_model_in_place_and_its_offers_search_text(
    reference_data, reference_copy
):
    municipality = Municipality.objects.get(code="0483")
    provider = Organisation.objects.create(name="Testcenter", kind=OrganisationKind.OTHER)
    svets = ValidationModel.objects.get(key="svets")
    offer = Offer.objects.create(
        model=svets, provider=provider, external_id="1", municipality=municipality
    )
    other_before = ValidationModel.objects.get(key="ecy-el").updated_at
    edit(
        reference_copy,
        'name = "Validering av svetsare (VIT, GRÖN, BLÅ, SVART)"',
        'name = "Validering av svetsare och gasskärare"',
    )
    edit(reference_copy, 'title = "Säkert arbetssätt och egenkontroll"', 'title = "Säkerhet"')
    edit(reference_copy, 'ssyk = ["7212"]', 'ssyk = ["7212", "7214"]')

    counts = catalogue_import(reference_dir=reference_copy)

    assert counts.created == 0
    assert counts.updated == 2  # the model and the dataset record
    svets.refresh_from_db()
    assert svets.name == "Validering av svetsare och gasskärare"
    assert svets.criteria.get(code="SVETS-SAK-1").title == "Säkerhet"
    assert set(svets.occupations.values_list("code", flat=True)) == {"7212", "7214"}
    assert ValidationModel.objects.get(key="ecy-el").updated_at == other_before
    offer.refresh_from_db()
    assert "gasskär" in offer.search_stems.split()
    assert ReferenceDataset.objects.get(key="validation_models").sha256 != ""


SVETS_BRANCH = 'branch = "industri"\nowner = "Svetskommissionen"'
SVETS_DOCUMENTS = 'outcome_documents = ["intyg"]\npayer = "mixed"\nsources = [\n  "https://svets'


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('ssyk = ["7212"]', 'ssyk = ["7212", "9999"]', "unknown SSYK code 9999"),
        ('ssyk = ["7212"]', 'ssyk = ["72"]', "unknown SSYK code 72 "),
        (SVETS_BRANCH, SVETS_BRANCH.replace("industri", "smide"), "unknown branch 'smide'"),
        (SVETS_DOCUMENTS, SVETS_DOCUMENTS.replace("intyg", "diplom"), "outcome document diplom"),
    ],
)
def test_a_broken_catalogue_is_refused_naming_the_model_and_nothing_is_written(
    reference_data, reference_copy, old, new, problem
):
    # An earlier model changes too, to show that nothing before the broken one is written.
    edit(reference_copy, 'name = "Elteknisk validering (ECY)"', 'name = "Ändrad"')
    edit(reference_copy, old, new)
    before = state()

    with pytest.raises(ReferenceDataError) as refused:
        catalogue_import(reference_dir=reference_copy)

    message = str(refused.value)
    assert message.startswith("validation_models.toml model svets:")
    assert problem in message
    assert state() == before
    assert ValidationModel.objects.get(key="ecy-el").name == "Elteknisk validering (ECY)"


def test_an_unknown_kind_is_refused(reference_data, reference_copy):
    edit(
        reference_copy,
        'name = "Motorbranschens valideringsmodell (fordonstekniska yrkesroller)"\nkind = "branch"',
        'name = "Motorbranschens valideringsmodell (fordonstekniska yrkesroller)"\nkind = "skrå"',
    )
    with pytest.raises(ReferenceDataError, match="model tf-fordon: unknown kind 'skrå'"):
        catalogue_import(reference_dir=reference_copy)


def test_the_import_command_refuses_a_broken_catalogue_and_keeps_the_data(
    reference_data, reference_copy, tmp_path
):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    shutil.copy(reference_copy / CATALOGUE, folder / CATALOGUE)
    edit(folder, 'ssyk = ["7212"]', 'ssyk = ["0000"]')
    before = state()
    with pytest.raises(CommandError, match="model svets: unknown SSYK code 0000"):
        call_command("import_reference", dir=folder)
    assert state() == before


def test_a_model_left_out_of_the_file_is_kept_and_noted(reference_data, reference_copy):
    path = reference_copy / CATALOGUE
    text = path.read_text(encoding="utf-8")
    start = text.index('[[model]]\nkey = "incert-kyl"')
    end = text.index("[[model]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    counts = catalogue_import(reference_dir=reference_copy)

    assert ValidationModel.objects.filter(key="incert-kyl").exists()
    assert any("incert-kyl" in note for note in counts.notes)
