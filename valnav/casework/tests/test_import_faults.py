"""The case import when the database goes away in the middle of writing: nothing of the file is
kept, and the person gets a page saying so in their language, not a server error."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.models import CaseTransition, Individual, ValidationCase
from valnav.core.models import AccessLogEntry
from valnav.core.tests.faults import database_lost_at

# Real commits: "nothing was saved" is only shown by a transaction that really ends.
pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["ärendenummer", "förnamn", "efternamn", "kommunkod", "modell", "första_kontakt", "steg"]


def case_file(count: int) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for number in range(count):
        writer.writerow(
            [f"F-{number}", "Testa", "Testsson", "1980", "Vård (test)", "2025-01-10", "bedömning"]
        )
    return SimpleUploadedFile("arenden.csv", buffer.getvalue().encode(), "text/csv")


def written() -> tuple[int, int, int, int]:
    return (
        Individual.objects.count(),
        ValidationCase.objects.count(),
        CaseTransition.objects.count(),
        AccessLogEntry.objects.filter(record_type="casework.validationcase").count(),
    )


def test_a_database_lost_while_importing_cases_keeps_nothing_and_says_so(personas, komvux):
    ValidationModelFactory(key="test-vard", name="Vård (test)", ssyk=["5321"])
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    url = reverse("casework:import")
    before = written()

    # The individuals and cases are written; the connection is lost at their histories.
    with database_lost_at(CaseTransition._meta.db_table) as sent:
        response = client.post(
            url, {"organisation": komvux.pk, "file": case_file(5), "action": "import"}
        )

    assert any(ValidationCase._meta.db_table in statement for statement in sent)
    assert response.status_code == 200
    page = response.content.decode()
    # In Swedish, the site's language: the import stopped and nothing was saved.
    assert "Importen avbröts på grund av ett oväntat fel. Ingenting sparades." in page
    assert written() == before

    # The database is back: the same file, sent again, is imported whole.
    response = client.post(
        url, {"organisation": komvux.pk, "file": case_file(5), "action": "import"}
    )
    assert response.status_code == 200
    assert ValidationCase.objects.filter(organisation=komvux).count() == before[1] + 5
