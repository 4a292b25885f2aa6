"""Dashboards: the insights each audience looks at first, as panels of a bar chart and the same
figures as a table (the chart's accessible alternative and what the exports carry).

- strategist: the largest gaps in a county, the focus-branch ranking with the default weights,
  validations started and completed per municipality;
- komvux: per municipality of a county, started and completed, the median days to decision,
  the shares of decisions and complementary education;
- project: Östra Mellansverige per county, for the ÖMS project: published offers,
  municipalities with an offer, cases and documents issued.

Every panel is built from the selectors in gaps, focus and equity, or from a few aggregates
here, so a dashboard costs a fixed number of queries whatever the number of rows. Counts of
people arrive suppressed from those selectors and from `casework.statistics.case_counts`
(people with a document issued), where totals and their parts are suppressed together; those
counted here pass through `suppress`, and a total is shown only when none of its parts is one
to four (else it is HIDDEN), so that no count of one to four can be subtracted out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

from django.db.models import Count
from django.utils.translation import gettext as _

from valnav.atlas.models import Offer
from valnav.casework.facts import SUPPRESS_BELOW, case_fact_rows, suppress
from valnav.casework.statistics import OMS as OMS_KEY
from valnav.casework.statistics import case_counts
from valnav.core.figures_cache import cached_figures
from valnav.core.numbers import number_text
from valnav.insights.equity import HIDDEN, AreaEquity, Equity, Share, municipality_equity
from valnav.insights.focus import focus_scores
from valnav.insights.gaps import gap_analysis
from valnav.lib.disclosure import ALL_TIME
from valnav.places.models import County, Municipality

type Audience = Literal["strategist", "komvux", "project"]
type Cell = int | float | str | None  # str: a suppressed count ("<5") or HIDDEN ("..")

AUDIENCES: tuple[Audience, ...] = ("strategist", "komvux", "project")
DEFAULT_AUDIENCE: Audience = "strategist"
TOP_GAPS = 10
TOP_BRANCHES = 10


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    people: bool = False  # a count of people: never 1–4 once published
    charted: bool = False  # drawn as a series of bars


class ChartSeries(TypedDict):
    name: str
    values: list[float | None]  # None: suppressed or missing, no bar
    text: list[str]


class ChartData(TypedDict):
    title: str
    categories: list[str]
    series: list[ChartSeries]
    y_title: str


@dataclass(frozen=True)
class Panel:
    """One chart and its table. The first column names the row (a `th scope="row"`)."""

    key: str
    title: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    y_title: str = ""
    note: str = ""
    total_row: bool = False  # the last row sums the others: in the table, not as a bar

    @property
    def chart_id(self) -> str:
        return f"dashboard-chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"{self.chart_id}-data"

    @property
    def text_rows(self) -> list[list[str]]:
        return [[cell_text(cell) for cell in row] for row in self.rows]

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def chart_data(self) -> ChartData:
        rows = self.rows[:-1] if self.total_row else self.rows
        series: list[ChartSeries] = []
        for index, column in enumerate(self.columns):
            if not column.charted:
                continue
            cells = [row[index] for row in rows]
            series.append(
                {
                    "name": column.label,
                    "values": [
                        float(cell) if isinstance(cell, int | float) else None for cell in cells
                    ],
                    "text": [cell_text(cell) for cell in cells],
                }
            )
        return {
            "title": self.title,
            "categories": [cell_text(row[0]) for row in rows],
            "series": series,
            "y_title": self.y_title,
        }


@dataclass(frozen=True)
class Dashboard:
    audience: Audience
    title: str
    county: County | None  # None: all of Östra Mellansverige
    panels: tuple[Panel, ...]

    def panel(self, key: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.key == key), None)


def cell_text(cell: Cell, *, grouping: bool = True) -> str:
    """A cell as the reader's language writes it: on the page and in the charts grouped by
    thousands, in an export (`grouping=False`) without (valnav.core.numbers)."""
    if cell is None:
        return "–"
    if isinstance(cell, float):
        if cell == int(cell):
            return number_text(int(cell), grouping=grouping)
        return number_text(cell, 1, grouping=grouping)
    if isinstance(cell, int):
        return number_text(cell, grouping=grouping)
    return cell


def audience_label(audience: Audience) -> str:
    return {
        "strategist": _("Regional strategist"),
        "komvux": _("Komvux"),
        "project": _("The ÖMS project"),
    }[audience]


def _percent(share: Share | None) -> float | None:
    return None if share is None else round(share.value * 100, 1)


def _days(days: float | None) -> float | None:
    return None if days is None else round(days, 1)


def protected_total(counts: Iterable[int]) -> int | str:
    """The sum of counts published one by one: shown only when none is one to four, else a
    reader could subtract the others from it."""
    values = list(counts)
    if any(0 < value < SUPPRESS_BELOW for value in values):
        return HIDDEN
    return suppress(sum(values))


# --- Panels shared by several dashboards -------------------------------------------------------


def _areas(equity: Equity) -> list[AreaEquity]:
    areas: list[AreaEquity] = []
    for county in equity.counties:
        areas += [*county.municipalities, county.county]
    return areas


def _started_completed(equity: Equity, county: County) -> Panel:
    return Panel(
        key="validations",
        title=_("Validations started and completed per municipality"),
        caption=_(
            "Validations started and completed (with a decision) per municipality in %(county)s"
        )
        % {"county": county.name},
        columns=(
            Column("area", _("Municipality"), numeric=False),
            Column("started", _("Started"), people=True, charted=True),
            Column("completed", _("Completed"), people=True, charted=True),
        ),
        rows=tuple(
            (area.name, area.total.started, area.total.completed) for area in _areas(equity)
        ),
        y_title=_("People"),
        total_row=True,  # the county
    )


# --- Strategist --------------------------------------------------------------------------------


def _gaps(county: County) -> Panel:
    analysis = gap_analysis(county_code=county.code)
    return Panel(
        key="gaps",
        title=_("Largest gaps between demand and validation"),
        caption=_("The %(limit)s occupations in %(county)s with the largest gap index")
        % {"limit": TOP_GAPS, "county": county.name},
        columns=(
            Column("occupation", _("Occupation (SSYK)"), numeric=False),
            Column("recruitment_situation", _("Recruitment situation"), numeric=False),
            Column("offers", _("Offers")),
            Column("cases", _("Cases"), people=True),
            Column("gap_index", _("Gap index"), charted=True),
        ),
        rows=tuple(
            (
                f"{row.occupation_code} {row.occupation_name}",
                row.demand.situation or _("No assessment"),
                row.supply.offers,
                row.supply.cases,
                row.gap_index,
            )
            for row in analysis.top(county.code, TOP_GAPS)
        ),
        y_title=_("Gap index"),
        note=_("Demand from round %(round)s.") % {"round": analysis.round}
        if analysis.round
        else _("No demand data has been imported yet."),
    )


def _focus(county: County) -> Panel:
    ranking = focus_scores(county_code=county.code)
    return Panel(
        key="focus",
        title=_("Focus-branch ranking"),
        caption=_("The %(limit)s highest-scoring branches in %(county)s, default weights")
        % {"limit": TOP_BRANCHES, "county": county.name},
        columns=(
            Column("branch", _("Branch"), numeric=False),
            Column("rank", _("Rank")),
            Column("score", _("Score"), charted=True),
            Column("offers", _("Offers")),
            Column("cases", _("Cases"), people=True),
        ),
        rows=tuple(
            (row.branch.name_sv, row.rank, row.total, row.offers, row.cases)
            for row in ranking.rows[:TOP_BRANCHES]
        ),
        y_title=_("Score (at most %(max)s)") % {"max": ranking.max_total},
    )


def strategist_panels(county: County) -> tuple[Panel, ...]:
    equity = municipality_equity(county_code=county.code)
    return (_gaps(county), _focus(county), _started_completed(equity, county))


# --- Komvux ------------------------------------------------------------------------------------


def _complementary(county: County, municipalities: Sequence[Municipality]) -> Panel:
    """Cases that started and finished complementary education (their education plan), per
    home municipality. No county total: it would let a small municipality be subtracted."""
    started: dict[str, int] = defaultdict(int)
    finished: dict[str, int] = defaultdict(int)
    grouped = (
        case_fact_rows(county=county)
        .filter(complementary=True)
        .values_list("municipality__code", "complementary_done")
        .annotate(n=Count("*"))
        .order_by()
    )
    for code, done, n in grouped:
        if code is None:
            continue
        started[code] += n
        if done:
            finished[code] += n
    return Panel(
        key="complementary",
        title=_("Complementary education"),
        caption=_(
            "Cases that started and finished complementary education per municipality in %(county)s"
        )
        % {"county": county.name},
        columns=(
            Column("area", _("Municipality"), numeric=False),
            Column("started", _("Started complementary education"), people=True, charted=True),
            Column("finished", _("Finished complementary education"), people=True, charted=True),
        ),
        rows=tuple(
            (m.name, suppress(started[m.code]), suppress(finished[m.code])) for m in municipalities
        ),
        y_title=_("People"),
    )


def komvux_panels(county: County) -> tuple[Panel, ...]:
    equity = municipality_equity(county_code=county.code)
    areas = _areas(equity)
    municipalities = list(Municipality.objects.filter(county=county).order_by("name"))
    return (
        _started_completed(equity, county),
        Panel(
            key="lead-time",
            title=_("Median days to decision"),
            caption=_("Median days from first contact to decision per municipality in %(county)s")
            % {"county": county.name},
            columns=(
                Column("area", _("Municipality"), numeric=False),
                Column("median_days", _("Median days to decision"), charted=True),
            ),
            rows=tuple((area.name, _days(area.total.median_days)) for area in areas),
            y_title=_("Days"),
        ),
        Panel(
            key="decisions",
            title=_("Decisions"),
            caption=_(
                "Share of decisions fully, partly and not met per municipality in %(county)s (%%)"
            )
            % {"county": county.name},
            columns=(
                Column("area", _("Municipality"), numeric=False),
                Column("full", _("Fully met (%)"), charted=True),
                Column("partial", _("Partly met (%)"), charted=True),
                Column("not_met", _("Not met (%)"), charted=True),
            ),
            rows=tuple(
                (
                    area.name,
                    _percent(area.total.full),
                    _percent(area.total.partial),
                    _percent(area.total.not_met),
                )
                for area in areas
            ),
            y_title=_("Per cent of decisions"),
            note=_("A share is shown only with at least %(n)s decided cases.")
            % {"n": SUPPRESS_BELOW},
        ),
        _complementary(county, municipalities),
    )


# --- The ÖMS project ---------------------------------------------------------------------------


def project_panels() -> tuple[Panel, ...]:
    counties = list(County.objects.order_by("code"))
    equity = municipality_equity()
    offers: dict[str, int] = {}
    covered: dict[str, int] = {}
    for row in (
        Offer.objects.published()
        .values("municipality__county__code")
        .annotate(n=Count("pk"), municipalities=Count("municipality", distinct=True))
        .order_by()
    ):
        offers[row["municipality__county__code"]] = row["n"]
        covered[row["municipality__county__code"]] = row["municipalities"]
    municipalities = dict(
        County.objects.annotate(n=Count("municipalities")).values_list("code", "n")
    )
    counts = case_counts()
    by_code = {county.code: county.county for county in equity.counties}
    oms = _("Östra Mellansverige")
    county_label = _("County")
    return (
        Panel(
            key="offers",
            title=_("Published validation offers per county"),
            caption=_("Published validation offers per county in Östra Mellansverige"),
            columns=(
                Column("county", county_label, numeric=False),
                Column("offers", _("Published offers"), charted=True),
            ),
            rows=(
                *((c.name, offers.get(c.code, 0)) for c in counties),
                (oms, sum(offers.values())),
            ),
            y_title=_("Offers"),
            total_row=True,
        ),
        Panel(
            key="coverage",
            title=_("Municipalities with a published offer"),
            caption=_("Municipalities with at least one published validation offer, per county"),
            columns=(
                Column("county", county_label, numeric=False),
                Column("covered", _("With an offer"), charted=True),
                Column("municipalities", _("Municipalities"), charted=True),
            ),
            rows=(
                *(
                    (c.name, covered.get(c.code, 0), municipalities.get(c.code, 0))
                    for c in counties
                ),
                (oms, sum(covered.values()), sum(municipalities.values())),
            ),
            y_title=_("Municipalities"),
            total_row=True,
        ),
        Panel(
            key="cases",
            title=_("Validation cases per county"),
            caption=_("Validations started and completed (with a decision) per county"),
            columns=(
                Column("county", county_label, numeric=False),
                Column("started", _("Started"), people=True, charted=True),
                Column("completed", _("Completed"), people=True, charted=True),
            ),
            rows=(
                *(
                    (c.name, by_code[c.code].total.started, by_code[c.code].total.completed)
                    for c in counties
                    if c.code in by_code
                ),
                (oms, equity.oms.total.started, equity.oms.total.completed),
            ),
            y_title=_("People"),
            total_row=True,
        ),
        Panel(
            key="documents",
            title=_("Documents issued"),
            caption=_(
                "People with a document issued (intyg or yrkesbevis, not revoked) per county"
            ),
            columns=(
                Column("county", county_label, numeric=False),
                Column("documents", _("Documents issued"), people=True, charted=True),
            ),
            rows=(
                *(
                    (c.name, counts.published((ALL_TIME, f"c{c.code}", "all", "documented")))
                    for c in counties
                ),
                (oms, counts.published((ALL_TIME, OMS_KEY, "all", "documented"))),
            ),
            y_title=_("Documents"),
            total_row=True,
        ),
    )


def dashboard(*, audience: Audience, county: County) -> Dashboard:
    """The audience's dashboard; `county` is ignored by the project's, which covers ÖMS. The
    panels come from the cache while the data under them is unchanged: a warm page reads one
    small entry rather than the figures under every panel and the published offers."""
    if audience == "project":
        return Dashboard(
            audience=audience,
            title=_("Dashboard: the ÖMS project"),
            county=None,
            panels=cached_figures("dashboard_panels", (audience,), project_panels),
        )
    if audience == "komvux":
        return Dashboard(
            audience=audience,
            title=_("Dashboard: Komvux in %(county)s") % {"county": county.name},
            county=county,
            panels=cached_figures(
                "dashboard_panels", (audience, county.code), lambda: komvux_panels(county)
            ),
        )
    return Dashboard(
        audience=audience,
        title=_("Dashboard: regional strategy in %(county)s") % {"county": county.name},
        county=county,
        panels=cached_figures(
            "dashboard_panels", (audience, county.code), lambda: strategist_panels(county)
        ),
    )
