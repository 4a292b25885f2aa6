"""One benchmark run against one database (called by bench/__main__.py in a subprocess).

Usage: python -m bench.run_db DATABASE_URL LABEL

Besides the fixed searches below (beside the bare SQL of their page query), every query of the
committed list `bench/search_queries.csv` (several hundred real-looking queries, each with a
municipality or none) is asked once of the API offer list and twice of the search page: the
first page request is a cache miss, the second a hit. p50/p95 are printed per path the matcher
took (exact or synonym, typo, compound, English, branch word, nothing understood), and the
recall@5 of the committed evaluation list.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

OFFERS = int(os.environ.get("BENCH_OFFERS", "100000"))
EDUCATIONS = int(os.environ.get("BENCH_EDUCATIONS", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))

SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("undersköterska, Västerås", {"q": "undersköterska", "municipality": "1980"}),
    ("svetsare", {"q": "svetsare"}),
    (
        "occupation 7411 within 50 km of Örebro",
        {"occupation": "7411", "municipality": "1880", "within_km": "50"},
    ),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    database_url, label = sys.argv[1], sys.argv[2]
    workdir = Path(tempfile.mkdtemp(prefix="valnav-bench-"))
    os.environ["DATABASE_URL"] = database_url
    os.environ["VALNAV_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-" + "x" * 50
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["VALNAV_TESTING"] = "0"
    os.environ["VALNAV_API_ANONYMOUS_PER_MINUTE"] = "1000000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Window
    from django.test import Client

    from bench.datagen import generate
    from valnav.atlas.selectors import SearchFilters, offer_search

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    # The search page is rendered as in production, with hashed static file names.
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("import_reference", stdout=StringIO())
    print(f"[{label}] import_reference: {time.perf_counter() - started:.2f} s")
    seconds = generate(offers=OFFERS, educations=EDUCATIONS)
    print(f"[{label}] generated {OFFERS} offers and {EDUCATIONS} education rows in {seconds:.1f} s")
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would after a bulk load, so that the visibility
        # map lets the search read its covering index alone.
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    client = Client(HTTP_HOST="127.0.0.1")
    for name, params in SEARCHES:
        filters = SearchFilters(
            query=params.get("q", ""),
            municipality=params.get("municipality", ""),
            occupation=params.get("occupation", ""),
            within_km=int(params["within_km"]) if "within_km" in params else None,
        )
        for _ in range(5):  # warm caches and connections before measuring
            client.get("/api/v1/offers", {**params, "limit": "20"})
        stack: list[float] = []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            response = client.get("/api/v1/offers", {**params, "limit": "20"})
            stack.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content[:300]
        count = response.json()["count"]
        queryset, _origin = offer_search(filters=filters)
        # The query underneath a result page: ranked ids of one page with the total.
        ranked = queryset.annotate(total=Window(Count("pk"))).values_list("pk", "total")[:20]
        page_sql, page_params = ranked.query.sql_with_params()
        bare: list[float] = []
        with connection.cursor() as cursor:
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                cursor.execute(page_sql, page_params)
                cursor.fetchall()
                bare.append(time.perf_counter() - t0)
        p50, p95 = percentile(stack, 0.5) * 1000, percentile(stack, 0.95) * 1000
        b50 = percentile(bare, 0.5) * 1000
        print(
            f"[{label}] GET /api/v1/offers {name:<40} {count:>6} hits  "
            f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  bare ranked query p50 {b50:6.2f} ms  "
            f"ratio {p50 / b50:5.1f}x"
        )
    _varied_queries(label, client)
    if os.environ.get("BENCH_IMPORT", "1") == "1":
        _import_benchmark(label, workdir)


def query_list() -> list[dict[str, str]]:
    """The committed varied queries: q, municipality (or empty), lang."""
    import csv

    with (Path(__file__).resolve().parent / "search_queries.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def query_path(query: str, language: str) -> str:
    """Which path of the matcher a query takes, to report timings per path."""
    from valnav.atlas.search import BRANCH_NAMED, matcher_for, named_kinds

    match = matcher_for(language).match(query)
    if named_kinds(match, language=language)[0]:
        return "kind word"  # "komvux", alone or beside an occupation
    if not any(key.startswith(("ssyk:", "branch:")) for key in match.scores):
        return "full text / nothing understood"
    if match.corrected:
        return "typo"
    if any(hit.how == "compound" for hit in match.hits):
        return "compound"
    if any(score >= BRANCH_NAMED for _key, score in match.ranked("branch:")):
        return "branch word"
    if language == "en":
        return "English"
    return "exact or synonym"


def _varied_queries(label: str, client: Any) -> None:
    from django.urls import reverse
    from django.utils import translation

    from valnav.atlas.search import evaluation_recall, matcher_for

    # The matcher is prepared once per process, as in a server worker: not counted per query.
    matcher_for("sv")
    matcher_for("en")
    page_urls = {}
    for language in ("sv", "en"):
        with translation.override(language):
            page_urls[language] = reverse("atlas:search")
    rows = query_list()
    api: dict[str, list[float]] = {}
    miss: dict[str, list[float]] = {}
    hit: list[float] = []
    for row in rows:
        path = query_path(row["q"], row["lang"])
        params = {"q": row["q"]}
        if row["municipality"]:
            params["municipality"] = row["municipality"]
        t0 = time.perf_counter()
        response = client.get("/api/v1/offers", {**params, "limit": "20"})
        api.setdefault(path, []).append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
        for attempt in range(2):
            t0 = time.perf_counter()
            response = client.get(page_urls[row["lang"]], params)
            seconds = time.perf_counter() - t0
            assert response.status_code == 200, response.content[:300]
            (miss.setdefault(path, []) if attempt == 0 else hit).append(seconds)
    print(f"[{label}] {len(rows)} varied queries (bench/search_queries.csv), p50 / p95 in ms:")

    def line(name: str, values: list[float]) -> str:
        p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
        return f"[{label}]   {name:<44} {len(values):>4}  p50 {p50:6.1f}  p95 {p95:6.1f}"

    for path in sorted(api):
        print(line(f"API offer list, {path}", api[path]))
    print(line("API offer list, all", [v for values in api.values() for v in values]))
    for path in sorted(miss):
        print(line(f"search page (cache miss), {path}", miss[path]))
    print(line("search page (cache miss), all", [v for values in miss.values() for v in values]))
    print(line("search page (cache hit), all", hit))
    report = evaluation_recall(k=5)
    print(
        f"[{label}] recall@5 of data/reference/search_evaluation.csv: "
        f"{report.found}/{report.total} = {report.recall:.1%}"
        + (f" (missed: {', '.join(report.misses)})" if report.misses else "")
    )


def _import_benchmark(label: str, workdir: Path) -> None:
    try:
        from valnav.atlas.offer_io import offers_export, offers_import
    except ImportError:
        print(f"[{label}] offer import: not run (valnav.atlas.offer_io is missing)")
        return
    from valnav.atlas.models import Offer

    queryset = Offer.objects.filter(is_demo=True).order_by("pk")[:OFFERS]
    t0 = time.perf_counter()
    data = offers_export(queryset=queryset, format="csv")
    export_seconds = time.perf_counter() - t0
    # Re-import the same rows as new offers of the same providers under new external ids.
    source = data.replace(b"bench-", b"import-")
    t0 = time.perf_counter()
    report = offers_import(actor=None, source=source, filename="bench.csv", dry_run=False)
    seconds = time.perf_counter() - t0
    rows = report.created + report.updated + report.unchanged
    print(
        f"[{label}] export {OFFERS} offers: {export_seconds:.1f} s; import {rows} rows "
        f"({report.created} new, {len(report.errors)} errors): {seconds:.1f} s = "
        f"{rows / seconds:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
