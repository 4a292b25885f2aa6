"""`make load`: Valnav under load, as production serves it.

gunicorn with 2 workers (DEBUG off, the production settings) over a throw-away PostgreSQL on
127.0.0.1, with the reference and demo data; then wrk drives each endpoint with 50 concurrent
connections for LOAD_SECONDS (default 60) and the throughput, p50/p95/p99 and errors are
printed, each beside a bare Django JSON view measured in the same run. Target: the public
search at least 50 % of the bare view's throughput, and no errors anywhere.

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
SEARCH_TARGET = 0.5

# Run inside the prepared environment: the URLs to load and an assessor's session cookie.
PREPARE = """
import json, django
django.setup()
from django.test import Client
from django.urls import reverse
from valnav.accounts.models import User
from valnav.atlas.models import Offer
client = Client()
client.force_login(User.objects.get(email__startswith="assessor_vasteras_komvux@"))
offer = Offer.objects.published().order_by("pk").first()
print(json.dumps({
    "search": reverse("atlas:search") + "?q=undersk%C3%B6terska",
    "offer": reverse("atlas:offer-detail", kwargs={"pk": offer.pk}),
    "api": "/api/v1/offers?limit=20",
    "cases": reverse("casework:case-list"),
    "session": client.cookies["sessionid"].value,
}))
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


def _wrk(name: str, url: str, cookie: str | None = None) -> Result:
    command = [
        "wrk",
        f"-t{WORKERS}",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(  # noqa: S603  (wrk with our own arguments)
        [*command, url], capture_output=True, text=True, check=True
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
    header = f"{'endpoint':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'errors':>8}{'× bare':>9}")
    for result in results:
        print(
            f"{result.name:<26}{result.per_second:>9.1f}{result.p50_ms:>9.1f}"
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
        print(f"Loading {base} …", flush=True)
        bare = _wrk("bare JSON view", f"{base}/bench/bare/")
        results = [
            bare,
            _wrk("public search", base + targets["search"]),
            _wrk("offer page", base + targets["offer"]),
            _wrk("API offer list", base + targets["api"]),
            _wrk("assessor's case list", base + targets["cases"], targets["session"]),
        ]
        _print(results, bare)
        search = results[1]
        ratio = search.per_second / bare.per_second
        failures = [result.name for result in results if result.errors]
        print(f"\nSearch at {ratio:.0%} of the bare view (target ≥ {SEARCH_TARGET:.0%}).")
        if failures:
            print("Errors in: " + ", ".join(failures))
        sys.exit(0 if ratio >= SEARCH_TARGET and not failures else 1)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if stop:
            subprocess.call(stop, stdout=subprocess.DEVNULL)  # noqa: S603
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
