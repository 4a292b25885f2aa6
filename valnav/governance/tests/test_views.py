import io
import re
import subprocess

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from valnav.governance.budget import kr
from valnav.governance.models import Actual, Indicator, Measurement, Project, Risk
from valnav.governance.reports import steering_report
from valnav.governance.selectors import project_scope
from valnav.governance.tests.test_ledger import GOOD

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


def _pdf_text(content):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607  (poppler-utils, a test dependency)
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def digits(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text)


@pytest.fixture
def manager(client, personas):
    client.force_login(personas["project_manager"])
    return client


def test_the_list_shows_the_project(manager, project):
    page = manager.get(_url("project-list"))
    assert page.status_code == 200
    assert "22RS8988" in page.content.decode()


def test_the_overview_shows_the_groups(manager, project):
    html = _text(manager.get(_url("project-detail", pk=project.pk)).content)
    assert "Steering group" in html
    assert "Pia Projektledare" in html
    assert "Region Uppsala" in html


def test_a_new_project_with_an_impossible_end_date_is_refused(manager, project):
    answer = manager.post(
        _url("project-new"),
        {
            "name": "Nytt",
            "diarienummer": "25RS1",
            "owner": project.owner_id,
            "starts_on": "2022-11-01",
            "ends_on": "2024-11-31",
        },
    )
    assert answer.status_code == 200
    assert "Ends on: 2024-11-31 is not a date: November has 30 days." in answer.content.decode()
    assert not Project.objects.filter(diarienummer="25RS1").exists()


def test_a_new_project_is_created(manager, project):
    answer = manager.post(
        _url("project-new"),
        {
            "name": "Nytt",
            "diarienummer": "25RS1",
            "owner": project.owner_id,
            "starts_on": "2025-01-01",
            "ends_on": "2026-12-31",
        },
    )
    created = Project.objects.get(diarienummer="25RS1")
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/{created.pk}/")


def test_editing_checks_the_period(manager, project):
    data = {
        "name": project.name,
        "starts_on": "2022-11-01",
        "ends_on": "2022-10-01",
        "indirect_cost_rate": "20",
    }
    answer = manager.post(_url("project-edit", pk=project.pk), data)
    assert "must end after it starts" in answer.content.decode()
    data["ends_on"] = "2024-11-30"
    data["indirect_cost_rate"] = "25"
    assert manager.post(_url("project-edit", pk=project.pk), data).status_code == 302
    project.refresh_from_db()
    assert project.indirect_cost_rate == 25


def test_the_budget_page_has_the_tables_and_checks(manager, project):
    html = _text(manager.get(_url("budget", pk=project.pk)).content)
    assert html.count("13 960 000") >= 2
    for total in ("663 347", "6 884 656", "6 411 997", "8 830 663", "6 980 000", "1 396 000"):
        assert total in html
    assert html.count("<strong>Balanced</strong>") == 3
    assert "Every financier's amount is its decided share of the year's costs" in html
    assert "20,19 %" in html


def test_a_ledger_is_checked_then_imported_through_the_page(manager, project):
    url = _url("ledger-import", pk=project.pk)

    def upload(action):
        return manager.post(
            url, {"file": SimpleUploadedFile("l.csv", GOOD.encode()), "action": action}
        )

    assert "Nothing has been saved yet" in upload("check").content.decode()
    assert not Actual.objects.exists()
    assert "Imported: 3 new lines" in upload("import").content.decode()
    assert Actual.objects.count() == 3
    html = _text(manager.get(_url("actuals", pk=project.pk)).content)
    assert "166 250,50" in html
    assert "−1 491 800" in html  # external services 2023: 45 000 − 1 536 800
    assert "linear" in html


def test_a_bad_ledger_shows_row_errors_and_saves_nothing(manager, project):
    bad = GOOD.replace("Externa tjänster", "Konsulter").replace("2023-01-31", "2023-01-32")
    answer = manager.post(
        _url("ledger-import", pk=project.pk),
        {"file": SimpleUploadedFile("l.csv", bad.encode()), "action": "import"},
    )
    html = _text(answer.content)
    assert "Nothing has been imported" in html
    assert "2023-01-32 is not a date: January has 31 days." in html
    assert "Unknown cost category “Konsulter”" in html
    assert not Actual.objects.exists()


def _requisition_query(project):
    financier = project.financiers.get(name="Tillväxtverket nationella medel")
    return {"financier": financier.pk, "since": "2023-01-01", "until": "2023-03-31"}


def test_a_requisition_as_page_pdf_and_xlsx(manager, project):
    manager.post(
        _url("ledger-import", pk=project.pk),
        {"file": SimpleUploadedFile("l.csv", GOOD.encode()), "action": "import"},
    )
    query = _requisition_query(project)
    html = _text(manager.get(_url("requisition", pk=project.pk), query).content)
    assert "83 125,25" in html  # 50 % of 166 250,50
    pdf = manager.get(_url("requisition-pdf", pk=project.pk), query)
    assert pdf["Content-Type"] == "application/pdf"
    assert "83125,25" in digits(_pdf_text(pdf.content))
    xlsx = manager.get(_url("requisition-xlsx", pk=project.pk), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][1:] == (166250.5, 83125.25)


def test_a_requisition_period_outside_the_project_is_refused(manager, project):
    query = _requisition_query(project) | {"since": "2021-01-01"}
    html = _text(manager.get(_url("requisition", pk=project.pk), query).content)
    assert "within the project period" in html
    query = _requisition_query(project) | {"until": "2023-02-30"}
    html = _text(manager.get(_url("requisition", pk=project.pk), query).content)
    assert "To: 2023-02-30 is not a date: February 2023 has 28 days." in html


def test_the_steering_group_report_pdf_has_the_totals(manager, project):
    answer = manager.get(_url("report-pdf", pk=project.pk))
    assert answer.status_code == 200
    text = _pdf_text(answer.content)
    flat = digits(text)
    assert "13960000" in flat
    for year_sum in ("663347", "6884656", "6411997"):
        assert year_sum in flat
    assert "Steering-group report" in text
    assert "Risks" in text
    assert "Accessibility" in text


def test_the_final_report_pdf_covers_the_whole_period(manager, project):
    text = _pdf_text(manager.get(_url("final-report-pdf", pk=project.pk)).content)
    assert "Final report" in text
    assert "2024-11-30" in text
    assert "13960000" in digits(text)


def test_the_steering_group_report_xlsx(manager, project):
    answer = manager.get(_url("report-xlsx", pk=project.pk))
    workbook = load_workbook(io.BytesIO(answer.content))
    budget = list(workbook["Budget"].iter_rows(values_only=True))
    assert ("Total costs", 663347, 6884656, 6411997, 13960000) in budget
    assert "Risks" in workbook.sheetnames


def test_results_and_a_manual_indicator(manager, project):
    html = _text(manager.get(_url("results", pk=project.pk)).content)
    assert "Information och kommunikation om validering" in html
    indicator = Indicator.objects.get(live_key="")
    url = _url("indicator-detail", pk=project.pk, indicator=indicator.pk)
    html = _text(manager.get(url).content)
    assert "Västmanland och Örebro län" in html
    answer = manager.post(url, {"measured_on": "2024-09-31", "value": "5"})
    assert "Date: 2024-09-31 is not a date: September has 30 days." in answer.content.decode()
    assert manager.post(url, {"measured_on": "2024-09-30", "value": "5"}).status_code == 302
    assert Measurement.objects.filter(indicator=indicator).count() == 3


def test_a_live_indicator_has_a_value_per_month_end(manager, project):
    indicator = Indicator.objects.get(live_key="offers_published")  # in the demo project
    html = _text(
        manager.get(_url("indicator-detail", pk=project.pk, indicator=indicator.pk)).content
    )
    assert "2022-11-30" in html
    assert "2024-11-30" in html


def test_risks_are_added_by_a_manager(manager, project):
    url = _url("risk-list", pk=project.pk)
    data = {"description": "Sjukdom", "likelihood": "2", "impact": "3"}
    assert manager.post(url, data).status_code == 302
    assert Risk.objects.filter(description="Sjukdom").exists()


def test_a_partner_reads_its_part_and_may_not_write(client, project, uppsala):
    client.force_login(uppsala)
    assert client.get(_url("project-detail", pk=project.pk)).status_code == 200
    html = _text(client.get(_url("budget", pk=project.pk)).content)
    assert '<th scope="row">Region Uppsala</th>' in html
    assert '<th scope="row">Region Sörmland</th>' not in html
    assert "Tillväxtverket" not in html
    assert client.get(_url("ledger-import", pk=project.pk)).status_code == 403
    data = {"description": "X", "likelihood": "2", "impact": "3"}
    assert client.post(_url("risk-list", pk=project.pk), data).status_code == 403


def test_a_partners_actuals_are_its_regions(client, manager, project, uppsala, sormland):
    manager.post(
        _url("ledger-import", pk=project.pk),
        {"file": SimpleUploadedFile("l.csv", GOOD.encode()), "action": "import"},
    )
    client.force_login(uppsala)
    html = _text(client.get(_url("actuals", pk=project.pk)).content)
    assert "1 250,50" in html
    assert "120 000" not in html
    client.force_login(sormland)
    html = _text(client.get(_url("actuals", pk=project.pk)).content)
    assert "1 250,50" not in html


def test_someone_outside_the_project_gets_404(client, personas, project):
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(_url("project-detail", pk=project.pk)).status_code == 403
    from valnav.accounts.models import Membership

    Membership.objects.create(
        user=personas["assessor_vasteras_komvux"],
        organisation=personas["counsellor_orebro"].memberships.get().organisation,
        role="project_manager",
    )
    assert client.get(_url("project-detail", pk=project.pk)).status_code == 404


def test_editing_the_budget_shows_where_it_no_longer_balances(manager, project):
    url = _url("budget-edit", pk=project.pk)
    assert manager.get(url).status_code == 200
    answer = manager.post(
        url,
        {"form": "line", "line-category": "travel", "line-year": "2023", "line-amount": "112832"},
    )
    assert answer.status_code == 302
    html = _text(manager.get(_url("budget", pk=project.pk)).content)
    assert "<strong>Not balanced</strong>" in html
    assert "2023: the financing is 100 kr short of the costs (6 884 756 kr)." in html
    uppsala = project.financiers.get(name="Region Uppsala")
    answer = manager.post(
        url,
        {
            "form": "financing",
            "financing-financier": uppsala.pk,
            "financing-year": "2023",
            "financing-amount": "688566",
        },
    )
    assert answer.status_code == 302
    html = _text(manager.get(_url("budget", pk=project.pk)).content)
    assert html.count("<strong>Balanced</strong>") == 3


def test_a_budget_year_outside_the_project_is_refused(manager, project):
    answer = manager.post(
        _url("budget-edit", pk=project.pk),
        {"form": "line", "line-category": "travel", "line-year": "2025", "line-amount": "1"},
    )
    assert answer.status_code == 200
    assert "errorlist" in answer.content.decode()


def test_the_demo_seed_is_idempotent(project):
    from valnav.demo.governance import seed_governance
    from valnav.governance.models import BudgetLine, FinancingLine

    counts = (BudgetLine.objects.count(), FinancingLine.objects.count())
    assert seed_governance() == 0
    assert counts == (BudgetLine.objects.count(), FinancingLine.objects.count()) == (12, 18)
    assert Project.objects.get().is_demo


def test_a_member_is_added_with_role_and_region(manager, project, uppsala):
    url = _url("member-add", pk=project.pk)
    page = manager.get(url).content.decode()
    assert "rua.uppsala@example.org" not in page  # names only, never e-mail addresses
    data = {"user": uppsala.pk, "group": "project", "role": "sub_project_manager", "region": ""}
    answer = manager.post(url, data)
    assert "A sub-project manager represents a region." in answer.content.decode()
    from valnav.places.models import County

    data["region"] = County.objects.get(code="03").pk
    assert manager.post(url, data).status_code == 302
    seat = project.members.get(user=uppsala)
    assert seat.get_role_display() == "Sub-project manager"


def test_an_activity_is_created_and_its_status_changed(manager, project):
    sub_goal = project.sub_goals.get(number=2)
    data = {
        "sub_goal": sub_goal.pk,
        "title": "Nätverksträff Komvux",
        "target_group": "education_provider",
        "region": "",
        "status": "planned",
        "planned_start": "2024-02-30",
        "planned_end": "",
        "actual_start": "",
        "actual_end": "",
    }
    answer = manager.post(_url("activity-new", pk=project.pk), data)
    assert (
        "Planned start: 2024-02-30 is not a date: February 2024 has 29 days."
        in answer.content.decode()
    )
    data["planned_start"] = "2024-02-29"
    assert manager.post(_url("activity-new", pk=project.pk), data).status_code == 302
    from valnav.governance.models import Activity

    activity = Activity.objects.get(title="Nätverksträff Komvux")
    data |= {"status": "done", "actual_start": "2024-03-01", "actual_end": "2024-02-01"}
    url = _url("activity-edit", pk=project.pk, activity=activity.pk)
    assert "The end cannot be before the start." in manager.post(url, data).content.decode()
    data["actual_end"] = "2024-03-01"
    assert manager.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.status == "done"


def test_indicators_are_created(manager, project):
    url = _url("indicator-new", pk=project.pk)
    data = {
        "sub_goal": "",
        "name": "Nöjda deltagare",
        "live_key": "",
        "unit": "%",
        "baseline": "0",
        "target": "80",
    }
    answer = manager.post(url, data)
    assert answer.status_code == 302
    live = {
        "sub_goal": "",
        "name": "Evenemang",
        "live_key": "events_held",
        "unit": "",
        "baseline": "0",
        "target": "10",
    }
    assert manager.post(url, live).status_code == 302
    assert Indicator.objects.get(name="Evenemang").is_live
    html = _text(manager.get(_url("results", pk=project.pk)).content)
    assert "Nöjda deltagare" in html


def test_the_list_costs_a_fixed_number_of_queries(manager, project, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert manager.get(_url("project-list")).status_code == 200


def test_an_unbalanced_budget_file_is_refused_on_the_page(manager, project):
    from valnav.governance.tests.test_budget_io import APPLICATION

    unbalanced = APPLICATION.replace("Region Uppsala;10;03;66 334", "Region Uppsala;10;03;66 000")
    answer = manager.post(
        _url("budget-import", pk=project.pk),
        {"file": SimpleUploadedFile("b.csv", unbalanced.encode()), "action": "import"},
    )
    html = _text(answer.content)
    assert "Nothing has been imported" in html
    assert "2022: the financing is 334 kr short of the costs (663 347 kr)." in html
    assert project.financiers.get(name="Region Uppsala").lines.get(year=2022).amount == 66_334
    answer = manager.post(
        _url("budget-import", pk=project.pk),
        {"file": SimpleUploadedFile("b.csv", APPLICATION.encode()), "action": "import"},
    )
    assert "Imported: 4 cost lines and 6 financiers" in _text(answer.content)


def test_typed_text_is_not_a_formula_in_the_xlsx(manager, project):
    Risk.objects.create(project=project, description="=1+1", likelihood=1, impact=1)
    workbook = load_workbook(io.BytesIO(manager.get(_url("report-xlsx", pk=project.pk)).content))
    descriptions = [row[0] for row in workbook["Risks"].iter_rows(values_only=True)]
    assert "'=1+1" in descriptions


def test_the_seeds_own_end_date_is_shown_beside_the_corrected_one(manager, project):
    """The decision writes the end as "2024-11-31", which does not exist; wherever the period is
    shown, that date stands beside the real one with a note, so a reader can match the decision."""
    note = "the decision says “2024-11-31”, which is not a date; read as 2024-11-30"
    assert project.ends_on_as_written == "2024-11-31"
    for name in ("project-detail", "project-list"):
        kwargs = {"pk": project.pk} if name == "project-detail" else {}
        html = _text(manager.get(_url(name, **kwargs)).content)
        assert f"2022-11-01 – 2024-11-30 ({note})" in re.sub(r"<[^>]+>", "", html)
    text = " ".join(_pdf_text(manager.get(_url("final-report-pdf", pk=project.pk)).content).split())
    assert "2024-11-31" in text
    assert "read as 2024-11-30" in text


def _pdf_lines(content: bytes) -> list[str]:
    """The PDF's text as pdfplumber lays it out, line by line, with the non-breaking spaces of
    amounts read as the spaces they show as."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return [line.replace("\u00a0", " ").replace("\u202f", " ") for line in text.splitlines()]


def _swedish_url(name, **kwargs):
    with translation.override("sv"):
        return reverse(f"governance:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", ["report-pdf", "final-report-pdf"])
def test_the_report_pdf_keeps_every_amount_on_one_line_under_the_right_headings(
    manager, personas, project, name
):
    manager.post(
        _url("ledger-import", pk=project.pk),
        {"file": SimpleUploadedFile("l.csv", GOOD.encode()), "action": "import"},
    )
    answer = manager.get(_swedish_url(name, pk=project.pk))
    assert answer.status_code == 200
    lines = _pdf_lines(answer.content)
    scope = project_scope(user=personas["project_manager"], pk=project.pk)
    report = steering_report(scope, final=name == "final-report-pdf")
    budget, actuals = report.budget, report.actuals
    amounts = {
        *budget.cost_totals,
        *budget.financing_totals,
        budget.cost_total,
        *(amount for row in budget.costs for amount in row.amounts),
        *(row.total for row in budget.financing),
        *(row.budget for row in actuals.rows),
        *(row.actual for row in actuals.rows),
    }
    wide = [kr(amount).replace("\u00a0", " ") for amount in amounts if abs(amount) >= 1000]
    assert "13 960 000" in wide
    split = [amount for amount in wide if not any(amount in line for line in lines)]
    assert not split, f"amounts broken across lines: {split}"
    text = "\n".join(lines)
    assert "13 960 000 kr" in text  # the amount and its unit on one line
    # The target column is the indicator's target, and the budget table is the budget.
    indicator_head = next(line for line in lines if line.startswith("Indikator "))
    assert indicator_head.split()[-1] == "Mål"
    assert "Valideringsmål" not in text
    assert "Budgeterade kostnader per kostnadsslag och år (kr)" in text
    assert "Bokförda kostnader per kostnadsslag" not in text
    assert "Budget och bokförda kostnader per kostnadsslag, år och region" in text
    # The chart is drawn in the PDF: its title and legend are text of the page.
    assert "Budget och bokförda kostnader per år" in text
    assert any("Budget" in line and "Bokfört" in line for line in lines)
