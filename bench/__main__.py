"""`make bench`: print timings of the reference import and of in-process requests.

Runs on a throw-away SQLite database (or DATABASE_URL if set) so it never touches var/.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="valnav-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["VALNAV_VAR_DIR"] = str(workdir)
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("import_reference", stdout=StringIO())
    first = time.perf_counter() - started
    started = time.perf_counter()
    call_command("import_reference", stdout=StringIO())
    second = time.perf_counter() - started
    print(f"import_reference: first run {first:.2f} s, second (no changes) {second:.2f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    for label, url, rounds in [
        ("GET /api/v1/municipalities", "/api/v1/municipalities", 200),
        ("GET /api/v1/occupations?q=undersköterska", "/api/v1/occupations?q=undersköterska", 200),
        ("GET / (home)", "/", 200),
        ("GET /platser/ (places with map data)", "/platser/", 50),
    ]:
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p95 = timings[int(len(timings) * 0.95) - 1] * 1000
        print(
            f"{label:<45} {1 / statistics.mean(timings):7.0f} req/s  "
            f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"
        )


if __name__ == "__main__":
    main()
