from decimal import Decimal

import pytest
from django.utils import translation

from valnav.governance.budget import budget_overview, kr
from valnav.governance.models import BudgetLine, CostCategory, FinancingLine
from valnav.governance.selectors import project_scope

pytestmark = pytest.mark.django_db


def _overview(personas, project):
    return budget_overview(project_scope(user=personas["project_manager"], pk=project.pk))


def test_the_seed_budget_is_the_applications_table(personas, project):
    overview = _overview(personas, project)
    assert overview.years == [2022, 2023, 2024]
    assert overview.cost_totals == [663_347, 6_884_656, 6_411_997]
    assert overview.cost_total == 13_960_000
    rows = {row.label: row.amounts for row in overview.costs}
    # The labels are in the language the overview was made in (Swedish, the default).
    with translation.override("sv"):
        assert rows[str(CostCategory.STAFF.label)] == [491_352, 4_350_944, 3_988_367]
        assert rows[str(CostCategory.EXTERNAL.label)] == [72_800, 1_536_800, 1_500_400]
        assert rows[str(CostCategory.TRAVEL.label)] == [0, 112_732, 112_732]
        assert rows[str(CostCategory.INDIRECT.label)] == [99_195, 884_180, 810_498]
    assert [row.total for row in overview.costs] == [8_830_663, 3_110_000, 225_464, 1_793_873]


def test_the_seed_financing_is_the_applications_table(personas, project):
    overview = _overview(personas, project)
    rows = {row.label: (row.share, row.amounts, row.total) for row in overview.financing}
    assert rows["Tillväxtverket nationella medel"] == (
        Decimal(50),
        [331_677, 3_442_326, 3_205_997],
        6_980_000,
    )
    for region in (
        "Region Örebro län 1:1",
        "Region Västmanland",
        "Region Sörmland",
        "Region Östergötland",
        "Region Uppsala",
    ):
        assert rows[region] == (Decimal(10), [66_334, 688_466, 641_200], 1_396_000)
    assert overview.financing_totals == [663_347, 6_884_656, 6_411_997]
    assert overview.financing_total == 13_960_000


def test_costs_equal_financing_every_year_in_the_seed(personas, project):
    overview = _overview(personas, project)
    assert overview.balanced
    assert [check.ok for check in overview.year_checks] == [True, True, True]


def test_an_unbalanced_year_is_named_with_the_difference(personas, project):
    line = FinancingLine.objects.get(financier__name="Region Uppsala", year=2023)
    line.amount -= 1_000
    line.save()
    with translation.override("en"):
        overview = _overview(personas, project)
        assert not overview.balanced
        failing = [check for check in overview.year_checks if not check.ok]
        assert [check.year for check in failing] == [2023]
        assert failing[0].difference == -1_000
        # Amounts keep their non-breaking spaces; read here as the ordinary spaces they show as.
        assert failing[0].message.replace("\xa0", " ") == (
            "2023: the financing is 1 000 kr short of the costs (6 884 656 kr)."
        )
        share = next(
            c for c in overview.share_checks if c.financier == "Region Uppsala" and c.year == 2023
        )
        assert share.message.replace("\xa0", " ") == (
            "Region Uppsala, 2023: expected 688 465,60 kr (10 % of 6 884 656 kr), actual "
            "687 466 kr, a difference of 999,60 kr."
        )


def test_the_seeds_rounding_is_not_a_share_error(personas, project):
    # The application's Tillväxtverket amounts take up the regions' rounding: 50 % of the
    # costs differs from them by 3.50, 2 and 1.50 kr, within 1 kr per financier (six).
    overview = _overview(personas, project)
    assert overview.shares_ok
    tvv = [c for c in overview.share_checks if c.financier.startswith("Tillväxtverket")]
    assert [abs(c.actual - c.expected) for c in tvv] == [Decimal("3.5"), 2, Decimal("1.5")]
    assert {c.tolerance for c in overview.share_checks} == {Decimal(6)}


def test_the_implied_indirect_rate_and_the_proposal(personas, project):
    overview = _overview(personas, project)
    assert overview.implied_indirect_rates == [Decimal("20.19"), Decimal("20.32"), Decimal("20.32")]
    assert overview.proposed_indirect == [98_270, 870_189, 797_673]


def test_a_partner_sees_its_regions_budget_lines_only(personas, project, uppsala):
    from valnav.places.models import County

    BudgetLine.objects.create(
        project=project,
        category=CostCategory.STAFF,
        year=2023,
        region=County.objects.get(code="03"),
        amount=100,
    )
    BudgetLine.objects.create(
        project=project,
        category=CostCategory.STAFF,
        year=2023,
        region=County.objects.get(code="04"),
        amount=200,
    )
    overview = budget_overview(project_scope(user=uppsala, pk=project.pk))
    assert overview.cost_total == 100
    assert [row.label for row in overview.financing] == ["Region Uppsala"]
    assert overview.year_checks == []


def test_kronor_are_written_with_spaces():
    assert kr(13_960_000) == "13\u00a0960\u00a0000"  # non-breaking: never split on a line
    assert kr(Decimal("-1234.5")) == "−1\u00a0234,50"
