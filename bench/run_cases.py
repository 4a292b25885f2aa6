"""The assessor's case list at scale on one database (called by bench/__main__.py).

BENCH_CASES cases (default 1 000 000), BENCH_OWN_CASES (10 000) of them in the assessor
persona's organisation; then pages 1, 2 and the last of the case list through the Django test
client as assessor_vasteras_komvux, with p50/p95 and the queries of one request. Where the view
does not exist yet, the selector's first page and count are timed the way a paginated page
runs them. Usage: python -m bench.run_cases DATABASE_URL LABEL
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
OWN_CASES = int(os.environ.get("BENCH_OWN_CASES", "10000"))
ROUNDS = int(os.environ.get("BENCH_CASE_ROUNDS", "50"))
PAGE_SIZE = 25  # only for the fallback; the view has its own
TARGET_MS = 100


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _setup(database_url: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="valnav-bench-cases-"))
    os.environ["DATABASE_URL"] = database_url
    os.environ["VALNAV_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-" + "x" * 50
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["VALNAV_TESTING"] = "0"
    os.environ["VALNAV_DEMO_LOGINS"] = "1"  # the assessor persona signs in
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _measure(label: str, name: str, call: Callable[[], object]) -> None:
    from django.db import connection

    for _ in range(3):  # warm caches and the connection
        call()
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper rather than connection.queries: the request may close and reopen the connection.
    with connection.execute_wrapper(count):
        call()
    timings: list[float] = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    p50, p95 = percentile(timings, 0.5) * 1000, percentile(timings, 0.95) * 1000
    verdict = "ok" if p95 <= TARGET_MS else f"SLOW (target p95 ≤ {TARGET_MS} ms)"
    print(
        f"[{label}] case list {name:<28} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"{len(queries):2d} queries  {verdict}"
    )


def _explain(label: str) -> None:
    """The plans of the page and count queries, to see which index they use."""
    from django.db import connection

    from valnav.accounts.models import User
    from valnav.casework.selectors import case_list_for_user

    user = User.objects.get(email="assessor_vasteras_komvux@valnav.example")
    cases = case_list_for_user(user=user)
    print(f"[{label}] plan of the page query:")
    for line in cases[:PAGE_SIZE].explain().splitlines():
        print(f"[{label}]     {line}")
    sql, params = cases.order_by().values("pk").query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608  (SQL from the ORM)
        rows = cursor.fetchall()
    print(f"[{label}] plan of the count query:")
    for row in rows:
        print(f"[{label}]     {' '.join(str(cell) for cell in row)}")


def main() -> None:
    database_url, label = sys.argv[1], sys.argv[2]
    _setup(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.casegen import generate
    from valnav.accounts.models import Organisation, User
    from valnav.accounts.personas import DEMO_ORGANISATIONS, PERSONAS_BY_KEY
    from valnav.casework.selectors import case_list_for_user
    from valnav.demo.services import demo_accounts_seed

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("import_reference", stdout=StringIO())
    # The pages need the hashed static files' manifest, as in production (DEBUG off).
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_accounts_seed()
    persona = PERSONAS_BY_KEY["assessor_vasteras_komvux"]
    spec = next(org for org in DEMO_ORGANISATIONS if org.key == persona.organisation)
    organisation = Organisation.objects.get(name=spec.name, is_demo=True)
    seconds = generate(organisation=organisation, total=CASES, own=min(OWN_CASES, CASES))
    print(
        f"[{label}] generated {CASES} cases ({min(OWN_CASES, CASES)} in {organisation.name}) "
        f"in {seconds:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.get(email=persona.email)

    try:
        url = reverse("casework:case-list")
    except NoReverseMatch:
        url = ""
    if url:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        first = client.get(url)
        assert first.status_code == 200, (first.status_code, first.get("Location"))
        from django.core.paginator import Paginator

        from valnav.casework import views_cases
        from valnav.casework.selectors import case_page_for_user

        page_size = getattr(views_cases, "PAGE_SIZE", PAGE_SIZE)
        last = Paginator(case_page_for_user(user=user), page_size).num_pages
        for name, number in (("page 1", 1), ("page 2", 2), (f"last page ({last})", last)):

            def get(number: int = number) -> None:
                response = client.get(url, {"page": number})
                assert response.status_code == 200, response.status_code

            _measure(label, f"GET {name}", get)
    else:
        print(f"[{label}] casework:case-list does not exist yet: timing the selector instead")
        total = case_list_for_user(user=user).count()
        last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        for name, number in (("page 1", 1), ("page 2", 2), (f"last page ({last})", last)):

            def select(number: int = number) -> None:
                cases = case_list_for_user(user=user)
                cases.count()
                list(cases[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])

            _measure(label, f"selector {name}", select)
    _explain(label)


if __name__ == "__main__":
    main()
