"""`make load`: Valnav under load, as production serves it.

gunicorn with 2 workers (DEBUG off, the production settings) over a throw-away PostgreSQL on
127.0.0.1, with the reference and demo data and LOAD_OFFERS (default 100 000) generated
offers; then wrk drives each endpoint with 50 concurrent connections for LOAD_SECONDS (default
60) and the throughput, p50/p95/p99 and errors are printed, each beside a bare Django JSON view
measured in the same run.

The search page and the API offer list are driven through the committed varied queries
(bench/search_queries.csv, each with a municipality or none). The search page is measured
twice: every request made unique (a cache miss: the database answers) and a handful of
queries asked again and again (cache hits). Targets: varied-query search page ≥ 20 % and
varied-query API offer list ≥ 30 % of the bare view, p95 ≤ 250 ms, no errors anywhere.

Needs the postgresql and wrk packages (`apt-get install postgresql wrk`), or LOAD_DATABASE_URL
pointing at an empty PostgreSQL database. The client shares the machine with the server, as a
load balancer's health would not: the figures are for comparing runs and endpoints.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.__main__ import postgres_url

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "50"))
WORKERS = 2
OFFERS = int(os.environ.get("LOAD_OFFERS", "100000"))
SEARCH_TARGET = 0.2
API_TARGET = 0.3
P95_TARGET_MS = 250.0
HIT_QUERIES = 20

# Run inside the prepared environment: the URLs to load and an assessor's session cookie.
PREPARE = """
import json, django
django.setup()
from django.test import Client
from django.urls import reverse
from django.utils import translation
from urllib.parse import urlencode
from bench.run_db import query_list
from valnav.accounts.models import User
from valnav.atlas.models import Offer
client = Client()
client.force_login(User.objects.get(email__startswith="assessor_vasteras_komvux@"))
offer = Offer.objects.published().order_by("pk").first()
pages = {}
for language in ("sv", "en"):
    with translation.override(language):
        pages[language] = reverse("atlas:search")
search, api = [], []
for row in query_list():
    params = {"q": row["q"]}
    if row["municipality"]:
        params["municipality"] = row["municipality"]
    search.append(pages[row["lang"]] + "?" + urlencode(params))
    api.append("/api/v1/offers?" + urlencode({**params, "limit": 20}))
print(json.dumps({
    "search": search,
    "api": api,
    "offer": reverse("atlas:offer-detail", kwargs={"pk": offer.pk}),
    "cases": reverse("casework:case-list"),
    "session": client.cookies["sessionid"].value,
}))
"""

GENERATE = """
import django, sys
django.setup()
from django.db import connection
from bench.datagen import generate
from valnav.core.figures_cache import figures_data_changed
generate(offers=int(sys.argv[1]), educations=int(sys.argv[1]) // 5)
figures_data_changed()
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
"""


@dataclass(frozen=True)
class Result:
    name: str
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": database_url,
        "VALNAV_VAR_DIR": str(var_dir),
        "DEBUG": "0",
        "VALNAV_TESTING": "0",
        "SECRET_KEY": "load-" + Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "VALNAV_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "VALNAV_LOOKUP_HASH_KEY": Fernet.generate_key().decode(),
        # The demo issues intyg, which are signed.
        "VALNAV_CREDENTIAL_SIGNING_KEY": Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode(),
        # The load comes from one address: the API's per-address limit would answer 429.
        "VALNAV_API_ANONYMOUS_PER_MINUTE": "100000000",
        # The demo assessor has no authenticator; the session is made directly (PREPARE).
        "VALNAV_REQUIRE_SECOND_FACTOR": "0",
        "LOG_LEVEL": "WARNING",
    }


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.check_call(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered; see its output above")
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.1)  # waiting for a process we started to listen, not for a result
    raise SystemExit("gunicorn did not answer within 30 s")


def _wrk(
    name: str, url: str, cookie: str | None = None, paths: Path | None = None, bust: bool = False
) -> Result:
    """wrk against one URL, or (`paths`) through a list of paths on the same server."""
    script = "wrk_paths.lua" if paths else "wrk_report.lua"
    command = [
        "wrk",
        f"-t{WORKERS}",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / script),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    command.append(url)
    if paths:
        command += ["--", str(paths)] + (["bust"] if bust else [])
    output = subprocess.run(  # noqa: S603  (wrk with our own arguments)
        command, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    report = json.loads(output.strip().splitlines()[-1])
    errors = sum(report[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name=name,
        per_second=report["requests"] / (report["duration_us"] / 1_000_000),
        p50_ms=report["p50"] / 1000,
        p95_ms=report["p95"] / 1000,
        p99_ms=report["p99"] / 1000,
        errors=errors,
    )


def _print(results: list[Result], bare: Result) -> None:
    print(f"\n{CONNECTIONS} connections, {SECONDS} s each, gunicorn {WORKERS} workers, PostgreSQL")
    header = f"{'endpoint':<44}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'errors':>8}{'× bare':>9}")
    for result in results:
        print(
            f"{result.name:<44}{result.per_second:>9.1f}{result.p50_ms:>9.1f}"
            f"{result.p95_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>8}"
            f"{result.per_second / bare.per_second:>9.2f}"
        )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("make load needs wrk: apt-get install wrk")
    database_url = os.environ.get("LOAD_DATABASE_URL")
    stop: list[str] = []
    if database_url is None:
        database_url, stop = postgres_url()
        if database_url is None:
            raise SystemExit("make load needs PostgreSQL: apt-get install postgresql")
    var_dir = Path(tempfile.mkdtemp(prefix="valnav-load-"))
    env = _environment(database_url, var_dir)
    server: subprocess.Popen[bytes] | None = None
    try:
        print("Preparing: migrate, reference and demo data, static files …", flush=True)
        _manage(env, "migrate", "--noinput")
        _manage(env, "import_reference")
        _manage(env, "seed_demo")
        _manage(env, "collectstatic", "--noinput")
        print(f"Generating {OFFERS} offers …", flush=True)
        subprocess.check_call(  # noqa: S603  (our own script)
            [sys.executable, "-c", GENERATE, str(OFFERS)], cwd=ROOT, env=env
        )
        targets = json.loads(
            subprocess.run(  # noqa: S603  (our own script)
                [sys.executable, "-c", PREPARE],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603  (gunicorn from our venv)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_until_up(base, server)
        search_paths = var_dir / "search.txt"
        search_paths.write_text("\n".join(targets["search"]) + "\n", encoding="utf-8")
        hit_paths = var_dir / "search_hits.txt"
        hit_paths.write_text("\n".join(targets["search"][:HIT_QUERIES]) + "\n", encoding="utf-8")
        api_paths = var_dir / "api.txt"
        api_paths.write_text("\n".join(targets["api"]) + "\n", encoding="utf-8")
        for path in targets["search"][:HIT_QUERIES]:  # into the page cache before the hit run
            with urllib.request.urlopen(base + path, timeout=30):  # noqa: S310 (loopback)
                pass
        print(f"Loading {base} …", flush=True)
        bare = _wrk("bare JSON view", f"{base}/bench/bare/")
        search = _wrk("search page, varied, cache miss", base, paths=search_paths, bust=True)
        hits = _wrk(f"search page, {HIT_QUERIES} queries, cache hit", base, paths=hit_paths)
        api = _wrk("API offer list, varied", base, paths=api_paths)
        results = [
            bare,
            search,
            hits,
            api,
            _wrk("offer page", base + targets["offer"]),
            _wrk("assessor's case list", base + targets["cases"], targets["session"]),
        ]
        _print(results, bare)
        print(
            f"\n{OFFERS} generated offers; varied queries: {len(targets['search'])} "
            "(bench/search_queries.csv)."
        )
        checks = [
            (f"search page (miss) ≥ {SEARCH_TARGET:.0%} of bare", search, SEARCH_TARGET),
            (f"API offer list ≥ {API_TARGET:.0%} of bare", api, API_TARGET),
        ]
        failed = False
        for label, result, target in checks:
            ratio = result.per_second / bare.per_second
            ok = ratio >= target and result.p95_ms <= P95_TARGET_MS
            failed |= not ok
            print(
                f"{label}: {ratio:.0%}, p95 {result.p95_ms:.0f} ms "
                f"(≤ {P95_TARGET_MS:.0f}) – {'met' if ok else 'NOT met'}"
            )
        print(f"Cache hit vs miss on the search page: {hits.per_second / search.per_second:.1f}×")
        failures = [result.name for result in results if result.errors]
        if failures:
            print("Errors in: " + ", ".join(failures))
        sys.exit(0 if not failed and not failures else 1)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if stop:
            subprocess.call(stop, stdout=subprocess.DEVNULL)  # noqa: S603
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
