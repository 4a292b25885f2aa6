import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from valnav.accounts.personas import demo_organisation
from valnav.governance.budget import budget_overview
from valnav.governance.budget_io import budget_import
from valnav.governance.models import BudgetLine, Financier
from valnav.governance.selectors import project_scope
from valnav.governance.services import project_create

pytestmark = pytest.mark.django_db

# The application's "Kostnads- och finansieringsbudget", as a sheet.
APPLICATION = """Typ;Post;Andel;Region;2022;2023;2024
Kostnad;Egen personal inkl lönebikostnader;;;491 352;4 350 944;3 988 367
Kostnad;Externa tjänster;;;72 800;1 536 800;1 500 400
Kostnad;Resor och logi;;;0;112 732;112 732
Kostnad;Indirekta kostnader;;;99 195;884 180;810 498
;Summa bokförda kostnader;;;663 347;6 884 656;6 411 997
Finansiering;Region Örebro län 1:1;10;18;66 334;688 466;641 200
Finansiering;Tillväxtverket nationella medel;50;;331 677;3 442 326;3 205 997
Finansiering;Region Västmanland;10;19;66 334;688 466;641 200
Finansiering;Region Sörmland;10;04;66 334;688 466;641 200
Finansiering;Region Östergötland;10;05;66 334;688 466;641 200
Finansiering;Region Uppsala;10;03;66 334;688 466;641 200
;Summa finansiering;;;663 347;6 884 656;6 411 997
"""


@pytest.fixture
def empty(personas):
    return project_create(
        name="Kopia",
        diarienummer="22RS8988-B",
        owner=demo_organisation("region-vastmanland"),
        starts_on="2022-11-01",
        ends_on="2024-11-30",
    )


def _import(project, text, dry_run=False):
    with translation.override("en"):
        report = budget_import(
            project=project, source=text.encode(), filename="budget.csv", dry_run=dry_run
        )
        return report, [str(error) for error in report.errors]


def test_a_financier_off_its_share_is_named_but_does_not_stop_the_import(empty):
    shifted = APPLICATION.replace(
        "Finansiering;Region Uppsala;10;03;66 334;688 466;641 200",
        "Finansiering;Region Uppsala;10;03;66 334;687 466;641 200",
    ).replace(
        "Finansiering;Region Sörmland;10;04;66 334;688 466;641 200",
        "Finansiering;Region Sörmland;10;04;66 334;689 466;641 200",
    )
    report, errors = _import(empty, shifted)
    assert errors == []  # every year still balances
    assert [w.split(":")[0] for w in report.share_warnings] == [
        "Region Sörmland, 2023",
        "Region Uppsala, 2023",
    ]


def test_the_applications_tables_are_imported(personas, empty):
    report, errors = _import(empty, APPLICATION)
    assert errors == []
    assert (report.cost_lines, report.financiers) == (4, 6)
    # Tillväxtverket takes up the regions' öre (3.50, 2 and 1.50 kr): rounding, as on the page.
    assert report.share_warnings == []
    overview = budget_overview(project_scope(user=personas["admin"], pk=empty.pk))
    assert overview.cost_totals == [663_347, 6_884_656, 6_411_997]
    assert overview.financing_total == 13_960_000
    assert overview.balanced


def test_unbalanced_financing_is_refused_naming_the_year_and_nothing_is_saved(empty):
    unbalanced = APPLICATION.replace("Region Uppsala;10;03;66 334", "Region Uppsala;10;03;66 000")
    _report, errors = _import(empty, unbalanced)
    # Amounts keep their digits together with non-breaking spaces.
    assert errors == ["2022: the financing is 334 kr short of the costs (663\xa0347 kr)."]
    assert not BudgetLine.objects.filter(project=empty).exists()
    assert not Financier.objects.filter(project=empty).exists()


def test_row_errors_name_row_and_column(empty):
    bad = APPLICATION.replace("Resor och logi", "Fika").replace("1 536 800", "15x")
    bad = bad.replace("Region Sörmland;10", "Region Sörmland;110")
    _report, errors = _import(empty, bad)
    assert errors == [
        "row 3, 2023: “15x” is not an amount in whole kronor.",
        "row 4, Post: Unknown cost category “Fika”.",
        "row 10, Andel: A financier's share is a per cent from 0 to 100, not “110”.",
    ]
    assert not BudgetLine.objects.filter(project=empty).exists()


def test_a_year_outside_the_project_is_refused(empty):
    _report, errors = _import(empty, "Typ;Post;2021\nKostnad;Resor och logi;5\n")
    assert errors == ["row 1, 2021: 2021 is outside the project period (2022–2024)."]


def test_an_import_replaces_the_budget(personas, project):
    _report, errors = _import(project, APPLICATION.replace("0;112 732", "0;112 733"))
    assert errors != []  # 2023 now unbalanced by 1 kr
    assert BudgetLine.objects.filter(project=project).count() == 12
    _report, errors = _import(project, APPLICATION)
    assert errors == []
    assert BudgetLine.objects.filter(project=project).count() == 12
    assert Financier.objects.filter(project=project).count() == 6


def test_the_command(empty, tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text(
        APPLICATION.replace(
            "688 466;641 200\nFinansiering;Region Sörmland",
            "688 466;641 201\nFinansiering;Region Sörmland",
        ),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_budget", str(path), "--project", str(empty.pk), "--language", "en", stderr=err
        )
    assert "2024: the financing exceeds the costs (6\xa0411\xa0997 kr) by 1 kr." in err.getvalue()
    path.write_text(APPLICATION, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_budget", str(path), "--project", str(empty.pk), "--language", "en", stdout=out
    )
    assert "2024: balanced" in out.getvalue()
    assert BudgetLine.objects.filter(project=empty).count() == 12
