"""The offers import when the world fails it: the database lost in the middle of applying a file,
and the background worker stopped in the middle of a job. Nothing of the file is kept, the page
says so in the person's language, and the file sent again is imported once."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from valnav.atlas.models import Offer, ValidationModel
from valnav.atlas.tasks import BACKGROUND_ROWS
from valnav.core.tests.faults import database_lost_at, db_worker_batch, disk_full_after

# Real commits: "nothing was saved" is only shown by a transaction that really ends.
pytestmark = pytest.mark.django_db(transaction=True)

VASTERAS_KOMVUX = "402000-0024"
FAILED = "Importen avbröts på grund av ett oväntat fel. Ingenting sparades."
HISTORY_TABLE = Offer.history.model._meta.db_table


def offer_file(count: int) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["extern_id", "anordnare_orgnr", "modell", "kommunkod", "beskrivning"])
    writer.writerows(
        [f"F{number}", VASTERAS_KOMVUX, "test-vard", "1980", "Vård"] for number in range(count)
    )
    return SimpleUploadedFile("erbjudanden.csv", buffer.getvalue().encode(), "text/csv")


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def assessor(personas):
    ValidationModel.objects.create(
        key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
    )
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    return client


def upload(client: Client, count: int) -> str:
    """Upload a file of `count` offers (its check runs at once, or in the background); the
    job's id."""
    response = client.post(reverse("atlas:import"), {"file": offer_file(count)})
    assert response.status_code == 302
    found = re.search(r"job=([0-9a-f]{32})", response["Location"])
    assert found is not None
    return found.group(1)


def apply(client: Client, job: str) -> str:
    response = client.post(reverse("atlas:import"), {"job": job})
    assert response.status_code == 302
    return str(response["Location"])


def test_a_database_lost_while_applying_keeps_nothing_and_says_so(assessor):
    job = upload(assessor, 5)

    # The offers are written; the connection is lost at their history rows.
    with database_lost_at(HISTORY_TABLE) as sent:
        location = apply(assessor, job)

    assert any(f"INSERT INTO {connection.ops.quote_name(Offer._meta.db_table)}" in s for s in sent)
    page = assessor.get(location)
    assert page.status_code == 200
    assert FAILED in page.content.decode()
    assert not Offer.objects.exists()
    assert not Offer.history.exists()

    # The database is back: the file, uploaded again, is imported once.
    apply(assessor, upload(assessor, 5))
    assert Offer.objects.count() == 5


def test_a_worker_stopped_in_a_background_import_keeps_nothing_and_says_so(assessor, settings):
    """The production worker (django_tasks_db's db_worker) runs the job. Told twice to stop
    (SIGTERM from a deploy, then again), it raises SystemExit wherever the task is: here in
    the middle of writing the offers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    count = BACKGROUND_ROWS + 1
    job = upload(assessor, count)
    db_worker_batch()  # the check
    location = apply(assessor, job)

    def stopped(run, sql, params, many, context):
        if HISTORY_TABLE in sql:
            raise SystemExit(1)
        return run(sql, params, many, context)

    with connection.execute_wrapper(stopped):
        db_worker_batch()

    page = assessor.get(location).content.decode()
    assert FAILED in page
    assert not Offer.objects.exists()

    # Uploaded again and applied by a worker that is left alone: each offer once.
    job = upload(assessor, count)
    db_worker_batch()
    apply(assessor, job)
    db_worker_batch()
    assert Offer.objects.count() == count
    page = assessor.get(f"{reverse('atlas:import')}?job={job}").content.decode()
    assert FAILED not in page


def test_an_upload_on_a_full_disk_is_refused_on_the_file_field_and_leaves_no_job(
    assessor, tmp_path
):
    with disk_full_after(100):
        response = assessor.post(reverse("atlas:import"), {"file": offer_file(50)})
    assert response.status_code == 200
    with translation.override("sv"):
        expected = gettext(
            "The file could not be saved: the server has no room for it. Nothing was saved; "
            "please tell the administrator."
        )
    assert response.context["form"].errors["file"] == [expected]
    assert expected in response.content.decode()
    imports = tmp_path / "imports"
    assert not imports.exists() or not any(imports.iterdir())
    # With room again, the same file goes in.
    assert upload(assessor, 50)
