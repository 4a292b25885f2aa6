import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_project_list_needs_a_member_with_view_projects(client, personas, project):
    url = reverse("api-v1:governance-project-list")
    assert client.get(url).status_code == 401
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(url).status_code == 403
    client.force_login(personas["project_manager"])
    answer = client.get(url)
    assert answer.status_code == 200
    assert [p["diarienummer"] for p in answer.json()] == ["22RS8988"]


def test_the_budget_has_costs_financing_totals_and_checks(client, personas, project):
    client.force_login(personas["project_manager"])
    answer = client.get(
        reverse("api-v1:governance-project-budget", kwargs={"project_id": project.pk})
    )
    assert answer.status_code == 200
    budget = answer.json()
    assert budget["years"] == [2022, 2023, 2024]
    assert budget["cost_totals"] == {"2022": 663347, "2023": 6884656, "2024": 6411997}
    assert budget["cost_total"] == 13960000
    assert budget["financing_total"] == 13960000
    assert budget["balanced"] is True
    assert [c["ok"] for c in budget["year_checks"]] == [True, True, True]
    staff = budget["costs"][0]
    assert staff["per_year"] == {"2022": 491352, "2023": 4350944, "2024": 3988367}
    tillvaxtverket = next(
        f for f in budget["financing"] if f["label"] == "Tillväxtverket nationella medel"
    )
    assert tillvaxtverket["total"] == 6980000
    # Tillväxtverket's amounts take up the regions' öre: rounding, not a share error.
    assert all(c["ok"] for c in budget["share_checks"])


def test_another_project_is_404(client, personas, project):
    client.force_login(personas["project_manager"])
    url = reverse("api-v1:governance-project-budget", kwargs={"project_id": project.pk + 999})
    assert client.get(url).status_code == 404


def test_a_partner_gets_its_part(client, project, uppsala):
    client.force_login(uppsala)
    answer = client.get(
        reverse("api-v1:governance-project-budget", kwargs={"project_id": project.pk})
    )
    budget = answer.json()
    assert budget["whole_project"] is False
    assert [f["label"] for f in budget["financing"]] == ["Region Uppsala"]
    assert budget["year_checks"] == []
    assert budget["balanced"] is None
