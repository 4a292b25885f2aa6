"""Gap analysis: labour demand (the recruitment situation in Arbetsförmedlingen's
Yrkesbarometer) against validation supply (published offers whose model covers the occupation),
per county and per municipality.

The gap index is deliberately simple, so that a reader can recompute it by hand (docs/gap-index.md):

    gap index = shortage strength × supply factor × distance factor

- shortage strength: 0 when the occupation is not a shortage by the active ShortageRule
  (by default: recruitment situation "brist"); 1 when it is, 1.5 when besides Arbetsförmedlingen
  expects demand to grow over five years (prognos "öka");
- supply factor = 1 / (1 + offers in the area): 1 without any offer, ½ with one, ⅓ with two, …;
- distance factor = 1 + min(km to the nearest offer, 200) / 100: 1 with an offer on the spot, 3 at
  200 km or more, or when no offer anywhere covers the occupation.

No gap is built on a missing assessment: where Arbetsförmedlingen made none (and the rule does not
take the country's), the row says so and its gap index is None, not 0. A municipality has no
assessment of its own: it takes its county's. Distances run between centroids
(places.County and places.Municipality): from the area's centroid to the centroid of the nearest
municipality with an offer anywhere in Östra Mellansverige.

Everything is read in a fixed number of queries, whatever the number of rows, and aggregated in
one pass in Python. Counts of people (cases) leave this module already suppressed: "<5" for one
to four, and ".." where a county's count less its other municipalities would give one to four
(`gap_case_counts`, docs/privacy.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from valnav.atlas.models import Offer, ValidationModel
from valnav.casework.facts import case_fact_rows
from valnav.core.figures_cache import cached_figures
from valnav.core.numbers import number_text
from valnav.insights.demand import Assessment, demand_assessments, shortage_rule_active
from valnav.insights.models import Outlook, ShortageRule
from valnav.lib.disclosure import Published, Relation, Suppressor
from valnav.lib.geo import haversine_km
from valnav.lib.stats import weighted_median
from valnav.places.models import County, Municipality
from valnav.places.selectors import (
    NO_DATA_FILL,
    MapData,
    MapStyle,
    category_map_data,
    outline_for,
)
from valnav.taxonomy.models import Occupation

SHORTAGE_STRENGTH = 1.0
GROWING_STRENGTH = 1.5  # a shortage where demand is expected to grow over five years
DISTANCE_CAP_KM = 200.0
DISTANCE_SCALE_KM = 100.0
TOP_PER_COUNTY = 20

type Level = Literal["county", "municipality"]


# The demand of a row is the county's Assessment (valnav.insights.demand).
Demand = Assessment


@dataclass(frozen=True)
class Supply:
    offers: int
    capacity_per_year: int
    median_lead_time_weeks: float | None
    nearest_offer_km: float | None  # None: no published offer anywhere covers the occupation
    cases: Published  # 0, "<5", ".." (held back so that "<5" cannot be subtracted out) or ≥ 5


@dataclass(frozen=True)
class GapRow:
    level: Level
    county_code: str
    county_name: str
    municipality_code: str | None
    municipality_name: str | None
    occupation_code: str
    occupation_name: str
    demand: Demand
    supply: Supply
    shortage_strength: float | None  # None: no assessment
    supply_factor: float
    distance_factor: float
    gap_index: float | None  # None: no assessment, so no gap is built

    @property
    def area_name(self) -> str:
        return self.municipality_name or self.county_name


@dataclass(frozen=True)
class GapAnalysis:
    round: str | None
    rule: ShortageRule
    rows: list[GapRow]  # largest gap first

    def county_rows(self, county_code: str) -> list[GapRow]:
        return [r for r in self.rows if r.level == "county" and r.county_code == county_code]

    def top(self, county_code: str, limit: int = TOP_PER_COUNTY) -> list[GapRow]:
        return self.county_rows(county_code)[:limit]

    def largest_by_municipality(self) -> dict[str, GapRow]:
        """Each municipality's largest gap (rows are sorted, so the first seen); rows without
        an assessment have none."""
        largest: dict[str, GapRow] = {}
        for row in self.rows:
            if row.municipality_code is not None and row.gap_index is not None:
                largest.setdefault(row.municipality_code, row)
        return largest


def shortage_strength(demand: Assessment) -> float | None:
    """None without an assessment; else 0, 1 or 1.5 (module docstring)."""
    if not demand.assessed:
        return None
    if not demand.shortage:
        return 0.0
    return GROWING_STRENGTH if demand.outlook == Outlook.INCREASING else SHORTAGE_STRENGTH


def supply_factor(offers: int) -> float:
    return 1 / (1 + offers)


def distance_factor(km: float | None) -> float:
    capped = DISTANCE_CAP_KM if km is None else min(km, DISTANCE_CAP_KM)
    return 1 + capped / DISTANCE_SCALE_KM


def gap_index(strength: float | None, offers: int, km: float | None) -> float | None:
    if strength is None:
        return None
    return round(strength * supply_factor(offers) * distance_factor(km), 2)


@dataclass
class _Offers:
    """The published offers covering one occupation in one area."""

    count: int = 0
    capacity: int = 0
    lead_times: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # weeks → n

    def add(self, offers: int, capacity: int | None) -> None:
        self.count += offers
        self.capacity += capacity or 0

    def add_lead_time(self, weeks: int, offers: int) -> None:
        self.lead_times[weeks] += offers

    def median_lead_time(self) -> float | None:
        return weighted_median(self.lead_times)


def _model_occupations() -> dict[int, set[str]]:
    pairs = ValidationModel.occupations.through.objects.values_list(
        "validationmodel_id", "occupation__code"
    )
    covered: dict[int, set[str]] = defaultdict(set)
    for model_id, code in pairs:
        covered[model_id].add(code)
    return covered


def _nearest(origin: tuple[float, float], places: Iterable[tuple[float, float]]) -> float | None:
    distances = [haversine_km(origin[0], origin[1], lat, lon) for lat, lon in places]
    return round(min(distances), 1) if distances else None


def _gap_analysis(
    *,
    county_code: str | None = None,
    municipality_code: str | None = None,
    occupation_code: str | None = None,
) -> GapAnalysis:
    """Demand against supply per county × occupation and municipality × occupation, largest
    gap first. `municipality_code` gives that municipality's rows only; `occupation_code` may be
    an SSYK code of any level (its four-digit groups)."""
    rule = shortage_rule_active()
    municipalities = list(Municipality.objects.select_related("county").order_by("code"))
    by_municipality_id = {m.pk: m for m in municipalities}
    chosen = next((m for m in municipalities if m.code == municipality_code), None)
    if municipality_code and chosen is None:
        return GapAnalysis(round=None, rule=rule, rows=[])
    if chosen is not None:
        county_code = chosen.county.code
    counties = {
        c.code: c for c in County.objects.filter(**({"code": county_code} if county_code else {}))
    }
    latest, demand, names = demand_assessments(
        rule, county_codes=sorted(counties), occupation_code=occupation_code
    )
    if latest is None:
        return GapAnalysis(round=None, rule=rule, rows=[])
    covered = _model_occupations()
    wanted = set(names)

    # The published offers per area and occupation, and where each occupation is offered at
    # all (for the distance, which looks across all of Östra Mellansverige); grouped in the
    # database by place, model and lead time, not read offer by offer.
    by_municipality: dict[tuple[str, str], _Offers] = defaultdict(_Offers)
    by_county: dict[tuple[str, str], _Offers] = defaultdict(_Offers)
    offered_in: dict[str, set[int]] = defaultdict(set)
    grouped = (
        Offer.objects.published()
        .values_list("municipality_id", "model_id", "lead_time_weeks")
        .annotate(n=Count("pk"), capacity=Sum("capacity_per_year"))
        .order_by()
    )
    for municipality_id, model_id, weeks, n, capacity in grouped:
        municipality = by_municipality_id[municipality_id]
        for code in covered.get(model_id, set()) & wanted:
            for offers in (
                by_municipality[(municipality.code, code)],
                by_county[(municipality.county.code, code)],
            ):
                offers.add(n, capacity)
                if weeks is not None:
                    offers.add_lead_time(weeks, n)
            offered_in[code].add(municipality_id)

    cases = gap_case_counts()

    def offer_places(code: str) -> list[tuple[float, float]]:
        places = (by_municipality_id[pk] for pk in offered_in.get(code, set()))
        return [(m.centroid_lat, m.centroid_lon) for m in places]

    places_by_code = {code: offer_places(code) for code in wanted}
    rows: list[GapRow] = []
    for (county, code), observed in demand.items():
        if county not in counties:
            continue
        areas: list[tuple[Level, str, str | None, str | None, float, float]] = []
        place = counties[county]
        if chosen is None:
            areas.append(("county", county, None, None, place.centroid_lat, place.centroid_lon))
        for m in municipalities:
            if m.county.code == county and (chosen is None or m.pk == chosen.pk):
                areas.append(
                    ("municipality", county, m.code, m.name, m.centroid_lat, m.centroid_lon)
                )
        for level, county_key, m_code, m_name, lat, lon in areas:
            key = (m_code or county_key, code)
            offers = (by_municipality if m_code else by_county).get(key) or _Offers()
            published_cases = cases.get((f"m{m_code}" if m_code else f"c{county_key}", code), 0)
            km = 0.0 if offers.count else _nearest((lat, lon), places_by_code[code])
            strength = shortage_strength(observed)
            rows.append(
                GapRow(
                    level=level,
                    county_code=county,
                    county_name=place.name,
                    municipality_code=m_code,
                    municipality_name=m_name,
                    occupation_code=code,
                    occupation_name=names[code],
                    demand=observed,
                    supply=Supply(
                        offers=offers.count,
                        capacity_per_year=offers.capacity,
                        median_lead_time_weeks=offers.median_lead_time(),
                        nearest_offer_km=km,
                        cases=published_cases,
                    ),
                    shortage_strength=strength,
                    supply_factor=round(supply_factor(offers.count), 4),
                    distance_factor=round(distance_factor(km), 4),
                    gap_index=gap_index(strength, offers.count, km),
                )
            )
    rows.sort(
        key=lambda r: (
            r.gap_index is None,
            -(r.gap_index or 0.0),
            r.level,
            r.county_code,
            r.municipality_code or "",
            r.occupation_code,
        )
    )
    return GapAnalysis(round=latest, rule=rule, rows=rows)


def _gap_case_counts() -> dict[tuple[str, str], Published]:
    """Cases per (area, SSYK code), published: a county's are the sum of its municipalities'
    for each occupation, so they are suppressed together (`valnav.lib.disclosure`), over all
    counties and occupations whatever a page asks for, so that two pages never disagree.
    Keys: ("m1980", "5321") or ("c19", "5321"); a missing key is 0."""
    covered = _model_occupations()
    places = {m.pk: (m.code, m.county.code) for m in Municipality.objects.with_county()}
    ssyk = dict(Occupation.objects.values_list("pk", "code"))
    codes_by_county: dict[str, list[str]] = defaultdict(list)
    for municipality_code, county in places.values():
        codes_by_county[county].append(municipality_code)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    # Cases for the occupation, or for a model that covers it; each case counted once.
    # Grouped in the database by place and target; a group's cases share their codes.
    grouped = (
        case_fact_rows()
        .filter(municipality__isnull=False)
        .values_list("municipality_id", "occupation_id", "model_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for municipality_id, occupation_id, model_id, n in grouped:
        codes = set(covered.get(model_id, set())) if model_id is not None else set()
        if occupation_id is not None:
            codes.add(ssyk[occupation_id])
        municipality_code, county = places[municipality_id]
        for code in codes:
            counts[(f"c{county}", code)] += n
            counts[(f"m{municipality_code}", code)] += n
    occupations = {code for _area, code in counts}
    relations = [
        Relation((f"c{county}", code), tuple((f"m{m}", code) for m in municipalities))
        for code in sorted(occupations)
        for county, municipalities in sorted(codes_by_county.items())
    ]
    suppressor = Suppressor(counts, relations).run()
    return {cell: suppressor.published(cell) for cell in counts}


def gap_case_counts() -> dict[tuple[str, str], Published]:
    """The published cases per area and occupation (above), cached with the data."""
    return cached_figures("gap_case_counts", (), _gap_case_counts)


def gap_analysis(
    *,
    county_code: str | None = None,
    municipality_code: str | None = None,
    occupation_code: str | None = None,
) -> GapAnalysis:
    """The gap analysis (below), from the cache while the data under it is unchanged."""
    return cached_figures(
        "gap_analysis",
        (county_code, municipality_code, occupation_code),
        lambda: _gap_analysis(
            county_code=county_code,
            municipality_code=municipality_code,
            occupation_code=occupation_code,
        ),
    )


# Upper bounds of the gap map's bins above 0; the last bin is open-ended.
GAP_BIN_TOPS = [1, 2, 3]
GAP_FILLS = ["#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]  # light to dark orange
NO_GAP_FILL = "#d9f0d3"  # pale green: assessed, and no gap


def gap_bin(gap_index: float) -> int:
    """The map category of a gap index: 1 for 0 (no gap), then 2, 3, … by GAP_BIN_TOPS."""
    if gap_index <= 0:
        return 1
    return 2 + sum(1 for top in GAP_BIN_TOPS if gap_index > top)


def gap_map_data(analysis: GapAnalysis, *, municipalities: list[Municipality]) -> MapData:
    """The municipalities coloured by their largest gap, in bins; a municipality without an
    assessment (no gap could be built) is grey, apart from one with no gap."""
    largest = analysis.largest_by_municipality()
    lows = [0, *GAP_BIN_TOPS[:-1]]
    styles = [
        MapStyle(label=_("No assessment"), fill=NO_DATA_FILL),
        MapStyle(label=_("0, no gap"), fill=NO_GAP_FILL),
        *(
            MapStyle(
                label=_("over %(low)s up to %(high)s")
                % {"low": number_text(low), "high": number_text(high)},
                fill=fill,
                outline=outline_for(fill),
            )
            for low, high, fill in zip(lows, GAP_BIN_TOPS, GAP_FILLS, strict=False)
        ),
        MapStyle(
            label=_("over %(low)s") % {"low": number_text(GAP_BIN_TOPS[-1])},
            fill=GAP_FILLS[-1],
            outline=outline_for(GAP_FILLS[-1]),
        ),
    ]
    category: list[int] = []
    texts: list[str] = []
    for m in municipalities:
        row = largest.get(m.code)
        if row is None or row.gap_index is None:
            category.append(0)
            texts.append(f"{m.name}: {_('No assessment, no gap')}")
        else:
            category.append(gap_bin(row.gap_index))
            texts.append(
                f"{m.name}: {number_text(row.gap_index)} "
                f"({row.occupation_code} {row.occupation_name})"
            )
    return category_map_data(
        municipalities=municipalities,
        styles=styles,
        category=category,
        text=texts,
        customdata=[m.county.name for m in municipalities],
        title=_("Largest gap index"),
    )
