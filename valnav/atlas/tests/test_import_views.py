import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import task_backends
from django.tasks.signals import task_enqueued
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from valnav.accounts.models import Organisation
from valnav.atlas.models import ModelKind, Offer, PublicationStatus, ValidationModel
from valnav.atlas.tasks import BACKGROUND_ROWS
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db

VASTERAS_KOMVUX = "402000-0024"
HEADER = ["extern_id", "anordnare_orgnr", "modell", "kommunkod", "beskrivning"]


def csv_upload(rows, name="erbjudanden.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def rows(count, *, code="1980"):
    return [[f"A{n}", VASTERAS_KOMVUX, "test-vard", code, "Vård"] for n in range(count)]


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def vard(personas):
    return ValidationModel.objects.create(
        key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
    )


@pytest.fixture
def assessor(personas):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    return client


def import_url():
    return reverse("atlas:import")


def upload(client, file):
    response = client.post(import_url(), {"file": file})
    assert response.status_code == 302
    return response["Location"]


def job_id(location):
    return re.search(r"job=([0-9a-f]{32})", location).group(1)


def test_upload_shows_a_preview_and_nothing_is_saved_until_applied(assessor):
    location = upload(assessor, csv_upload(rows(3)))
    page = assessor.get(location).content.decode()

    assert "<caption>What the import will change</caption>" in page
    assert page.count("New offer") == 3
    assert "Apply the import" in page
    assert not Offer.objects.exists()

    response = assessor.post(import_url(), {"job": job_id(location)})
    assert response.status_code == 302
    assert Offer.objects.count() == 3
    page = assessor.get(response["Location"]).content.decode()
    assert "Imported: 3 new, 0 changed and 0 unchanged offers." in page
    assert "Apply the import" not in page


def test_applying_twice_does_not_import_twice(assessor):
    location = upload(assessor, csv_upload(rows(2)))
    assessor.post(import_url(), {"job": job_id(location)})
    assessor.post(import_url(), {"job": job_id(location)})
    assert Offer.objects.count() == 2
    assert Offer.history.count() == 2


def test_errors_are_listed_by_row_and_column_and_there_is_nothing_to_apply(assessor):
    bad = [*rows(2), ["A9", VASTERAS_KOMVUX, "test-vard", "9999", "Vård"]]
    page = assessor.get(upload(assessor, csv_upload(bad))).content.decode()

    assert re.search(r'<th scope="row" class="num">4</th>\s*<td>kommunkod</td>', page)
    assert "Unknown municipality code 9999" in page
    assert "Apply the import" not in page
    assert 'type="file"' in page  # upload the corrected file right there
    assert not Offer.objects.exists()


def test_a_file_that_cannot_be_read_says_why(assessor):
    file = SimpleUploadedFile("erbjudanden.csv", "extern_id;modell\n".encode("utf-16"))
    page = assessor.get(upload(assessor, file)).content.decode()
    assert "UTF-16" in page


def test_the_upload_form_reports_a_missing_file_at_the_field(assessor):
    response = assessor.post(import_url(), {})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_nobody_else_sees_or_applies_someone_elses_upload(assessor, personas):
    location = upload(assessor, csv_upload(rows(2)))
    other = Client()
    other.force_login(personas["rua_vastmanland"])
    assert other.get(location).status_code == 404
    progress = reverse("atlas:import-progress", kwargs={"job": job_id(location)})
    assert other.get(progress).status_code == 404
    assert other.post(import_url(), {"job": job_id(location)}).status_code == 404
    assert not Offer.objects.exists()


def test_people_without_the_import_permission_cannot_upload(personas):
    client = Client()
    client.force_login(personas["counsellor_orebro"])
    response = client.post(import_url(), {"file": csv_upload(rows(1))})
    assert response.status_code == 403
    assert not Offer.objects.exists()


def test_large_files_run_as_a_task_and_the_page_follows_the_progress(assessor, settings):
    # Tasks wait in the queue here, as they do until a worker picks them up.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    location = upload(assessor, csv_upload(rows(BACKGROUND_ROWS + 1)))
    progress_url = reverse("atlas:import-progress", kwargs={"job": job_id(location)})

    page = assessor.get(location).content.decode()
    assert '<progress id="import-progress-bar" max="100">' in page
    assert 'aria-live="polite"' in page
    fragment = assessor.get(progress_url).content.decode()
    assert 'data-hx-trigger="every 1s"' in fragment
    assert "<html" not in fragment
    # The next poll repeats no status line that has not changed (screen readers would).
    next_poll = re.search(r'data-hx-get="([^"]+)"', fragment).group(1).replace("&amp;", "&")
    assert "data-hx-swap-oob" not in assessor.get(next_poll).content.decode()

    (queued,) = task_backends["default"].results
    queued.task.call(*queued.args, **queued.kwargs)  # what the worker does

    fragment = assessor.get(progress_url).content.decode()
    assert 'data-hx-trigger="every 1s"' not in fragment  # polling stops
    assert 'data-hx-swap-oob="innerHTML"' in fragment  # the status line is announced
    assert f"{BACKGROUND_ROWS + 1} new" in fragment
    assert "Apply the import" in fragment
    assert not Offer.objects.exists()


def test_errors_found_in_the_background_come_with_the_upload_form(assessor, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    bad = [*rows(BACKGROUND_ROWS), ["A9", VASTERAS_KOMVUX, "test-vard", "9999", "Vård"]]
    location = upload(assessor, csv_upload(bad))
    (queued,) = task_backends["default"].results
    queued.task.call(*queued.args, **queued.kwargs)

    progress_url = reverse("atlas:import-progress", kwargs={"job": job_id(location)})
    fragment = assessor.get(progress_url).content.decode()
    assert f'<th scope="row" class="num">{BACKGROUND_ROWS + 2}</th>' in fragment
    assert 'type="file"' in fragment


def test_a_large_file_is_checked_and_applied_by_the_task(assessor):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.kwargs)

    task_enqueued.connect(record)
    try:
        location = upload(assessor, csv_upload(rows(BACKGROUND_ROWS + 1)))
        assessor.post(import_url(), {"job": job_id(location)})
    finally:
        task_enqueued.disconnect(record)

    assert [kwargs["dry_run"] for kwargs in enqueued] == [True, False]
    assert Offer.objects.count() == BACKGROUND_ROWS + 1
    page = assessor.get(location).content.decode()
    assert f"Imported: {BACKGROUND_ROWS + 1} new" in page


def test_the_uploaded_file_is_deleted_once_applied(assessor, tmp_path):
    location = upload(assessor, csv_upload(rows(1)))
    job = tmp_path / "imports" / job_id(location)
    assert (job / "source").exists()
    assessor.post(import_url(), {"job": job_id(location)})
    assert not (job / "source").exists()


# --- Export ---------------------------------------------------------------------------------


@pytest.fixture
def offers(personas, vard):
    own = Organisation.objects.get(org_number=VASTERAS_KOMVUX)
    other = Organisation.objects.get(name="Byggföretaget Östgöta Bygg AB (demo)")
    branch = ValidationModel.objects.create(
        key="test-bygg", name="Bygg (test)", kind=ModelKind.BRANCH, payer="branch"
    )

    def offer(provider, external_id, status, model=vard, code="1980"):
        return Offer.objects.create(
            provider=provider,
            external_id=external_id,
            model=model,
            municipality=Municipality.objects.get(code=code),
            status=status,
        )

    return [
        offer(own, "published", PublicationStatus.PUBLISHED),
        offer(own, "own-draft", PublicationStatus.DRAFT),
        offer(other, "other-draft", PublicationStatus.DRAFT),
        offer(other, "bygg-linkoping", PublicationStatus.PUBLISHED, model=branch, code="0580"),
    ]


def exported_ids(response):
    text = response.content.decode("utf-8-sig")
    return sorted(row["extern_id"] for row in csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_public_exports_only_published_offers(offers):
    response = Client().get(reverse("atlas:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert exported_ids(response) == ["bygg-linkoping", "published"]


def test_members_also_export_their_own_drafts(offers, assessor):
    response = assessor.get(reverse("atlas:export"))
    assert exported_ids(response) == ["bygg-linkoping", "own-draft", "published"]


def test_reviewers_export_everything_and_can_filter_by_status(offers, personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    everything = client.get(reverse("atlas:export"))
    assert len(exported_ids(everything)) == 4
    drafts = client.get(reverse("atlas:export"), {"status": "draft"})
    assert exported_ids(drafts) == ["other-draft", "own-draft"]


def test_the_export_takes_the_search_filters(offers):
    by_county = Client().get(reverse("atlas:export"), {"county": "05"})
    assert exported_ids(by_county) == ["bygg-linkoping"]
    by_kind = Client().get(reverse("atlas:export"), {"kind": "komvux"})
    assert exported_ids(by_kind) == ["published"]


def test_the_export_as_an_excel_workbook(offers):
    response = Client().get(reverse("atlas:export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *data = list(sheet.iter_rows(values_only=True))
    assert header[:5] == ("extern_id", "anordnare_orgnr", "anordnare", "modell", "kommunkod")
    assert sorted(row[0] for row in data) == ["bygg-linkoping", "published"]


def test_an_invalid_export_parameter_is_a_bad_request():
    assert Client().get(reverse("atlas:export"), {"format": "pdf"}).status_code == 400
