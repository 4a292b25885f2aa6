"""Insights at scale on one database (called by bench/__main__.py).

BENCH_CASES cases (default 1 000 000) over all municipalities, with decisions and their
transitions, BENCH_OFFERS offers (100 000) and the demo demand; then each insights page and
endpoint through the Django test client as rua_vastmanland: the first request (cold) and the
p50/p95 of BENCH_INSIGHT_ROUNDS more (warm; at least BENCH_INSIGHT_MIN_ROUNDS, then within
BENCH_INSIGHT_BUDGET seconds), the queries of one request and the peak memory.
Each page is measured in a fresh process of its own, prepared as a server's worker is as it
starts (valnav.core.startup), so that its cold time is the first request after a start, with
every cache empty, and its peak memory is its own, not the data generation's. Beside the
equity page: one hand-written SQL aggregate over the same cases as they are stored
(casework_validationcase: per municipality, cases and decisions by kind) and the ratio of the
page to it, cold (its figures computed from the case facts) and warm (from the cache).

Usage: python -m bench.run_insights DATABASE_URL LABEL
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
OFFERS = int(os.environ.get("BENCH_OFFERS", "100000"))
EDUCATIONS = int(os.environ.get("BENCH_INSIGHT_EDUCATIONS", "2000"))
ROUNDS = int(os.environ.get("BENCH_INSIGHT_ROUNDS", "20"))
# Warm rounds stop once a page has used this many seconds (at least MIN_ROUNDS are run).
BUDGET_SECONDS = float(os.environ.get("BENCH_INSIGHT_BUDGET", "20"))
MIN_ROUNDS = int(os.environ.get("BENCH_INSIGHT_MIN_ROUNDS", "3"))
PERSONA = "rua_vastmanland"
WARM_TARGET_MS = 300
COLD_TARGET_MS = 2000
RSS_TARGET_MB = 500
CHUNK = 20_000

# (name, URL name or path, GET parameters); a URL name that does not resolve is skipped.
PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("gaps page (county 19)", "insights:gaps", {"county": "19"}),
    ("equity page (county 19)", "insights:equity", {"county": "19"}),
    ("equity page + trend (1980)", "insights:equity", {"county": "19", "municipality": "1980"}),
    ("equity CSV (all)", "insights:equity-csv", {}),
    ("focus page", "insights:focus", {}),
    ("value calculator (1980)", "insights:value", {"municipality": "1980", "from_cases": "1"}),
    ("API gaps ?county=19", "/api/v1/insights/gaps", {"county": "19"}),
    ("API equity ?county=19", "/api/v1/insights/equity", {"county": "19"}),
    ("API focus", "/api/v1/insights/focus", {}),
    ("dashboard strategist", "insights:dashboard", {}),
    ("dashboard Komvux", "insights:dashboard", {"audience": "komvux"}),
    ("dashboard project", "insights:dashboard", {"audience": "project"}),
    ("dashboard XLSX", "insights:dashboard-xlsx", {}),
]

EQUITY_SQL = """
SELECT m.code,
       COUNT(*),
       SUM(CASE WHEN c.decision IN ('full', 'partial', 'not_met') THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.decision = 'full' THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.decision = 'partial' THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.decision = 'not_met' THEN 1 ELSE 0 END)
FROM casework_validationcase c
JOIN places_municipality m ON m.id = c.municipality_id
GROUP BY m.code
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _setup(database_url: str) -> None:
    # The children measuring the pages share the parent's (its collected static files).
    workdir = os.environ.get("BENCH_INSIGHTS_VAR_DIR") or tempfile.mkdtemp(
        prefix="valnav-bench-insights-"
    )
    os.environ["BENCH_INSIGHTS_VAR_DIR"] = workdir
    os.environ["DATABASE_URL"] = database_url
    os.environ["VALNAV_VAR_DIR"] = workdir
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-" + "x" * 50
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["VALNAV_TESTING"] = "0"
    os.environ["VALNAV_DEMO_LOGINS"] = "1"
    os.environ["VALNAV_API_ANONYMOUS_PER_MINUTE"] = "1000000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- Data ------------------------------------------------------------------------------------


def _transitions() -> tuple[int, float]:
    """The moves of each case: its opening, and for decided cases the decision and what came
    after it (documented, complementary education, re-assessment). Returns rows and seconds."""
    import random

    from django.db import connection, transaction

    from valnav.casework.models import CaseTransition, ValidationCase
    from valnav.casework.states import CaseState as S

    started = time.perf_counter()
    rng = random.Random(13)
    table = connection.ops.quote_name(CaseTransition._meta.db_table)
    sql = (
        f"INSERT INTO {table} (case_id, from_state, to_state, actor_id, at, reason) "  # noqa: S608
        "VALUES (%s, %s, %s, NULL, %s, '')"
    )
    after_decision = {
        S.DOCUMENTED: [S.DOCUMENTED],
        S.CLOSED: [S.DOCUMENTED, S.CLOSED],
        S.COMPLEMENTARY_EDUCATION: [S.DOCUMENTED, S.COMPLEMENTARY_EDUCATION],
        S.REASSESSMENT: [S.DOCUMENTED, S.COMPLEMENTARY_EDUCATION, S.REASSESSMENT],
    }

    def at(day: date, offset: int) -> Any:
        moment = datetime.combine(day + timedelta(days=offset), datetime.min.time(), UTC)
        return connection.ops.adapt_datetimefield_value(moment + timedelta(hours=10))

    total = 0
    last = 0
    with transaction.atomic(), connection.cursor() as cursor:
        while True:
            batch = list(
                ValidationCase.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "state", "decision", "first_contact")[:CHUNK]
            )
            if not batch:
                break
            last = batch[-1][0]
            rows: list[tuple[Any, ...]] = []
            for pk, state, decision, first_contact in batch:
                rows.append((pk, "", S.INQUIRY.value, at(first_contact, 0)))
                if not decision:
                    continue
                days = rng.randint(20, 240)
                rows.append((pk, S.ASSESSMENT.value, S.DECISION.value, at(first_contact, days)))
                previous = S.DECISION.value
                for step, later in enumerate(after_decision.get(S(state), []), start=1):
                    rows.append((pk, previous, later.value, at(first_contact, days + 14 * step)))
                    previous = later.value
            cursor.executemany(sql, rows)
            total += len(rows)
    return total, time.perf_counter() - started


def _generate(label: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import casegen, datagen
    from valnav.accounts.models import Organisation
    from valnav.accounts.personas import DEMO_ORGANISATIONS, PERSONAS_BY_KEY
    from valnav.casework.facts import case_facts_refresh
    from valnav.demo.demand import seed_demand
    from valnav.demo.services import demo_accounts_seed
    from valnav.places.models import Municipality

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("import_reference", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_accounts_seed()
    observations = seed_demand()
    persona = PERSONAS_BY_KEY[PERSONA]
    spec = next(org for org in DEMO_ORGANISATIONS if org.key == persona.organisation)
    organisation = Organisation.objects.get(name=spec.name, is_demo=True)
    seconds = datagen.generate(offers=OFFERS, educations=EDUCATIONS)
    print(f"[{label}] generated {OFFERS} offers and {EDUCATIONS} educations in {seconds:.1f} s")
    seconds = casegen.generate(organisation=organisation, total=CASES, own=0)
    municipalities = Municipality.objects.count()
    print(
        f"[{label}] generated {CASES} cases over {municipalities} municipalities in "
        f"{seconds:.1f} s; {observations} demo demand observations"
    )
    rows, seconds = _transitions()
    print(f"[{label}] generated {rows} case transitions in {seconds:.1f} s")
    started = time.perf_counter()
    facts = case_facts_refresh()  # the raw inserts above sent no signals
    print(
        f"[{label}] rebuilt the fact rows of {facts} cases in "
        f"{time.perf_counter() - started:.1f} s (manage.py refresh_case_facts)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- One page in a process of its own -----------------------------------------------------


def _measure(name: str, target: str, params: dict[str, str]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from valnav.accounts.models import User
    from valnav.accounts.personas import PERSONAS_BY_KEY

    if target.startswith("/"):
        url = target
    else:
        try:
            url = reverse(target)
        except NoReverseMatch:
            return {"name": name, "skipped": f"{target} does not exist"}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=PERSONAS_BY_KEY[PERSONA].email))
    queries: list[str] = []

    def count(execute: Any, sql: str, sql_params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, sql_params, many, context)

    t0, cpu0 = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        response = client.get(url, params)
    cold = time.perf_counter() - t0
    # The process's own CPU time (SQLite runs in it): on a shared machine the wall time also
    # holds the time spent waiting for a core.
    cold_cpu = time.process_time() - cpu0
    assert response.status_code == 200, (name, response.status_code, response.content[:300])
    warm: list[float] = []
    spent = 0.0
    while len(warm) < ROUNDS and (len(warm) < MIN_ROUNDS or spent < BUDGET_SECONDS):
        t0 = time.perf_counter()
        response = client.get(url, params)
        warm.append(time.perf_counter() - t0)
        spent += warm[-1]
        assert response.status_code == 200, response.status_code
    result: dict[str, Any] = {
        "name": name,
        "cold_ms": cold * 1000,
        "cold_cpu_ms": cold_cpu * 1000,
        "p50_ms": percentile(warm, 0.5) * 1000,
        "p95_ms": percentile(warm, 0.95) * 1000,
        "rounds": len(warm),
        "queries": len(queries),
        "rss_mb": _peak_rss_mb(),
    }
    if target == "insights:equity":
        bare: list[float] = []
        with connection.cursor() as cursor:
            for _ in range(max(MIN_ROUNDS, min(ROUNDS, 10))):
                t0 = time.perf_counter()
                cursor.execute(EQUITY_SQL)
                cursor.fetchall()
                bare.append(time.perf_counter() - t0)
        result["sql_ms"] = percentile(bare, 0.5) * 1000
    return result


def _row(label: str, result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"[{label}] {result['name']:<26} not run: {result['skipped']}"
    over = []
    if result["p95_ms"] > WARM_TARGET_MS:
        over.append(f"warm>{WARM_TARGET_MS}ms")
    if result["cold_ms"] > COLD_TARGET_MS:
        over.append(f"cold>{COLD_TARGET_MS / 1000:.0f}s")
    if result["rss_mb"] > RSS_TARGET_MB:
        over.append(f"rss>{RSS_TARGET_MB}MB")
    line = (
        f"[{label}] {result['name']:<26} cold {result['cold_ms']:7.0f} ms "
        f"(CPU {result.get('cold_cpu_ms', 0):6.0f} ms)  "
        f"warm p50 {result['p50_ms']:6.0f} ms  p95 {result['p95_ms']:6.0f} ms "
        f"({result['rounds']:2d} rounds)  {result['queries']:3d} queries  "
        f"peak RSS {result['rss_mb']:4.0f} MB  {'OVER: ' + ', '.join(over) if over else 'ok'}"
    )
    if "sql_ms" in result:
        line += (
            f"\n[{label}] {'':<26} hand-written SQL aggregate p50 {result['sql_ms']:8.1f} ms  "
            f"ratio to it: cold page {result['cold_ms'] / result['sql_ms']:5.2f}x, "
            f"warm page {result['p50_ms'] / result['sql_ms']:5.2f}x"
        )
    return line


def main() -> None:
    database_url, label = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:  # a child: the data, or one page with its result as JSON
        _setup(database_url)
        if sys.argv[3] == "generate":
            _generate(label)
            print(f"[{label}] peak RSS of the generating process {_peak_rss_mb():.0f} MB")
            return
        name, target, params = PAGES[int(sys.argv[3])]
        # As a gunicorn worker (config/wsgi.py): the URL modules and matchers are ready before
        # the first request, whose figures are still computed from the case facts (cold).
        from valnav.core.startup import prepare_process

        prepare_process()
        print(json.dumps(_measure(name, target, params)))
        return
    # This process stays small and does not set Django up: on Linux a child inherits its
    # parent's peak RSS across fork and exec, which would hide the pages' own.
    os.environ["BENCH_INSIGHTS_VAR_DIR"] = tempfile.mkdtemp(prefix="valnav-bench-insights-")
    module = [sys.executable, "-m", "bench.run_insights", database_url, label]
    root = Path(__file__).resolve().parent.parent
    if subprocess.call([*module, "generate"], cwd=root) != 0:  # noqa: S603  (our own module)
        sys.exit(1)
    print(
        f"[{label}] targets: cold (caches empty, a freshly started process) ≤ {COLD_TARGET_MS} ms, "
        f"warm p95 ≤ {WARM_TARGET_MS} ms, peak RSS ≤ {RSS_TARGET_MB} MB",
        flush=True,
    )
    failures = 0
    for index in range(len(PAGES)):
        child = subprocess.run(  # noqa: S603  (our own module)
            [*module, str(index)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            failures += 1
            print(f"[{label}] {PAGES[index][0]}: FAILED\n{child.stderr[-2000:]}")
            continue
        print(_row(label, json.loads(child.stdout.strip().splitlines()[-1])), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
