"""Cases through the API: the pages' visibility, a 404 for another organisation, logged reads."""

import pytest

from valnav.api.services import api_token_create
from valnav.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_the_assessor_reads_the_case_without_names(client, personas, case):
    client.force_login(personas["assessor_vasteras_komvux"])
    answer = client.get(f"/api/v1/cases/{case.reference}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["pseudonym"] == case.individual.pseudonym
    assert body["state"] == "inquiry"
    assert "Testsson" not in answer.content.decode()
    assert AccessLogEntry.objects.filter(record_ref=case.reference, action="view").exists()
    listed = client.get("/api/v1/cases").json()
    assert listed["count"] == 1
    assert listed["items"][0]["reference"] == case.reference


def test_a_token_reads_as_its_user(client, personas, case):
    secret = api_token_create(
        actor=personas["assessor_vasteras_komvux"], name="Verksamhetssystem"
    ).secret
    answer = client.get(f"/api/v1/cases/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200


def test_a_counsellor_of_another_organisation_gets_404(client, personas, case):
    client.force_login(personas["counsellor_orebro"])
    assert client.get(f"/api/v1/cases/{case.reference}").status_code == 404
    assert client.get("/api/v1/cases").json()["count"] == 0


def test_a_strategist_and_anonymous_callers_are_refused(client, personas, case):
    assert client.get(f"/api/v1/cases/{case.reference}").status_code == 401
    client.force_login(personas["rua_vastmanland"])
    assert client.get(f"/api/v1/cases/{case.reference}").status_code == 403
