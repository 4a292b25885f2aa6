"""A regional strategist sees cases only inside aggregates, small counts suppressed."""

import pytest
from django.urls import reverse

from valnav.casework.services import case_open

pytestmark = pytest.mark.django_db


def vasteras_row(html: str) -> str:
    start = html.index("Västerås <span")
    return html[start : html.index("</tr>", start)]


def test_a_strategist_sees_a_single_case_only_as_fewer_than_five(client, personas, case):
    client.force_login(personas["rua_vastmanland"])
    page = client.get(reverse("casework:statistics"), {"county": "19"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;5" in vasteras_row(body)
    assert case.reference not in body
    assert case.individual.pseudonym not in body
    assert "Testsson" not in body


def test_five_cases_are_counted_as_five(client, personas, case):
    assessor = personas["assessor_vasteras_komvux"]
    for _ in range(4):
        case_open(
            actor=assessor,
            individual=case.individual,
            organisation=case.organisation,
            target={"komvux_course": "Svenska som andraspråk"},
        )
    client.force_login(personas["project_manager"])
    body = client.get(reverse("casework:statistics")).content.decode()
    assert '<td class="num">5</td>' in vasteras_row(body)


def test_case_handlers_do_not_get_the_regional_figures(client, personas):
    client.force_login(personas["counsellor_orebro"])
    assert client.get(reverse("casework:statistics")).status_code == 403
