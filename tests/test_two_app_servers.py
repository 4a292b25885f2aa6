"""Two app servers over one database: what one server starts, the other continues.

Two gunicorn processes (one worker each, production settings, DEBUG off) share only what
docs/deploy.md (Several app servers) says they share: the database, the cache in it
(VALNAV_CACHE_BACKEND=database), SECRET_KEY, and the media and private file roots. Each has its
own VALNAV_VAR_DIR, as separate machines would. A visitor logs in on one server and is logged in
on the other; a file uploaded through one is downloaded, byte for byte, through the other; an
offer import started on one is run by a separate `db_worker` process and followed and applied
through the other, and a second run of the worker imports nothing twice; and the login rate
limit counts the POSTs to both servers together.

The database is the test's own, made and dropped here, apart from pytest-django's: a
PostgreSQL database beside the suite's when the suite runs on PostgreSQL (CI's second phase; the
role may create databases), else a SQLite file. Two servers over one SQLite file show the same
properties, since neither keeps anything of its own between requests. Each test's database is a
copy of one that `manage.py migrate` made once for the module.
"""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from psycopg import sql

from valnav.atlas.tasks import BACKGROUND_ROWS
from valnav.core.tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "assessor@komvux.vasteras.example"
FULL_NAME = "Asta Bedömare"
PASSWORD = "two-servers-one-database-" + "x" * 12
# Login POSTs per minute per address: low, so that counting on each server alone would show.
LOGIN_LIMIT = 4

# Run in the prepared database: an assessor at Komvux Västerås (who may import offers and handle
# cases), a validation model the offers name, and one open case to add evidence to.
SETUP = """
import io, json
from valnav.accounts.models import OrganisationKind
from valnav.accounts.services import membership_grant, organisation_create, user_create
from valnav.atlas.models import ValidationModel
from valnav.casework.services import case_open, individual_register
from valnav.core.permissions import Role
from valnav.places.models import Municipality
from django.core.management import call_command

call_command("import_reference", stdout=io.StringIO())
vasteras = Municipality.objects.get(code="1980")
komvux = organisation_create(
    name="Västerås stad, Vuxenutbildningen",
    kind=OrganisationKind.MUNICIPALITY,
    org_number="212000-2080",
    municipality=vasteras,
)
assessor = user_create(email=EMAIL, full_name=FULL_NAME, password=PASSWORD)
membership_grant(user=assessor, organisation=komvux, role=Role.ASSESSOR)
model = ValidationModel.objects.create(
    key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
)
person = individual_register(
    actor=assessor,
    organisation=komvux,
    data={"given_name": "Amina", "family_name": "Testsson", "municipality": vasteras},
)
case = case_open(actor=assessor, individual=person, organisation=komvux, target={"model": model})
print(json.dumps({"case": case.reference}))
"""


# --- the database -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str

    def count(self, query: str) -> int:
        """The single number `query` selects, read directly, as an operator would."""
        if self.url.startswith("sqlite:"):
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as connection:
                return int(connection.execute(query).fetchone()[0])
        with psycopg.connect(self.url) as connection:
            row = connection.execute(query.encode()).fetchone()
            assert row is not None
            return int(row[0])

    def execute(self, statement: str) -> None:
        """Run `statement` directly, as an operator would."""
        if self.url.startswith("sqlite:"):
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as connection:
                connection.execute(statement)
                connection.commit()
            return
        with psycopg.connect(self.url) as connection:
            connection.execute(statement.encode())


def _server_connection() -> psycopg.Connection[tuple[object, ...]]:
    default = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=str(default["HOST"]),
        port=str(default["PORT"] or 5432),
        user=str(default["USER"]),
        password=str(default["PASSWORD"]),
        autocommit=True,
    )


def _new_database(name: str, *, template: str | None = None) -> Database:
    """A PostgreSQL database beside the suite's, empty or a copy of `template`."""
    default = settings.DATABASES["default"]
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _server_connection() as connection:
        connection.execute(statement)
    user, password = str(default["USER"]), str(default["PASSWORD"])
    credentials = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}"
    host, port = str(default["HOST"]), str(default["PORT"] or 5432)
    return Database(url=f"postgres://{credentials}@{host}:{port}/{name}")


def _drop_database(database: Database) -> None:
    name = urllib.parse.urlsplit(database.url).path.lstrip("/")
    with _server_connection() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database as an operator makes one (`manage.py migrate` and the cache table, with
    production's settings), once for the module: each test's own database starts as a copy of
    it. Migrating takes a quarter of a minute, the copy a moment."""
    tmp_path = tmp_path_factory.mktemp("migrated")
    if _on_postgresql():
        made = _new_database(f"valnav_two_migrated_{secrets.token_hex(4)}")
    else:
        made = Database(url=f"sqlite:///{tmp_path / 'valnav.sqlite3'}")
    try:
        env = environment(tmp_path, made, "var-setup")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        yield made
    finally:
        if _on_postgresql():
            _drop_database(made)


@pytest.fixture
def database(tmp_path: Path, migrated: Database) -> Iterator[Database]:
    """The test's own database, migrated (a copy of `migrated`), dropped after the test."""
    if not _on_postgresql():
        copy = tmp_path / "valnav.sqlite3"
        shutil.copyfile(migrated.url.removeprefix("sqlite:///"), copy)
        yield Database(url=f"sqlite:///{copy}")
        return
    template = urllib.parse.urlsplit(migrated.url).path.lstrip("/")
    made = _new_database(f"valnav_two_{secrets.token_hex(4)}", template=template)
    try:
        yield made
    finally:
        _drop_database(made)


# --- the processes ------------------------------------------------------------------------------


def environment(
    tmp_path: Path, database: Database, var_dir: str, **overrides: str
) -> dict[str, str]:
    """Production's environment; everything but VALNAV_VAR_DIR is the same for every process."""
    return {
        **production_env(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tests.two_servers_settings",
        "VALNAV_TESTING": "0",
        "DATABASE_URL": database.url,
        "VALNAV_CACHE_BACKEND": "database",
        "VALNAV_MEDIA_ROOT": str(tmp_path / "shared" / "media"),
        "VALNAV_PRIVATE_ROOT": str(tmp_path / "shared" / "private"),
        "VALNAV_VAR_DIR": str(tmp_path / var_dir),
        # Plain HTTP on loopback, as behind a load balancer that ends TLS.
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        # The assessor has no authenticator app; the second factor has its own tests.
        "VALNAV_REQUIRE_SECOND_FACTOR": "0",
        "VALNAV_RATE_LIMIT_LOGIN": str(LOGIN_LIMIT),
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def run_worker(tmp_path: Path, database: Database) -> None:
    """`db_worker` in its own process: runs what is queued, then exits."""
    manage(
        environment(tmp_path, database, "var-worker"), "db_worker", "--batch", "--no-startup-delay"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def wait_until_up(self) -> None:
        for _ in range(300):
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log.read_text()}"
            try:
                with urllib.request.urlopen(f"{self.base}/health/", timeout=2):  # noqa: S310  (loopback)
                    return
            except OSError:
                time.sleep(0.1)  # waiting for a process we started to listen, not for a result
        raise AssertionError(f"gunicorn did not answer within 30 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(
    tmp_path: Path, database: Database, name: str, *, workers: int = 1, **overrides: str
) -> Server:
    port = free_port()
    log = tmp_path / f"gunicorn-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603  (gunicorn from our own virtualenv)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=environment(tmp_path, database, f"var-{name}", **overrides),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(base=f"http://127.0.0.1:{port}", process=process, log=log)


@pytest.fixture
def case_reference(tmp_path: Path, database: Database) -> str:
    env = environment(tmp_path, database, "var-setup")
    credentials = f"EMAIL, FULL_NAME, PASSWORD = {EMAIL!r}, {FULL_NAME!r}, {PASSWORD!r}\n"
    output = manage(env, "shell", "-c", credentials + SETUP)
    return str(json.loads(output.strip().splitlines()[-1])["case"])


@pytest.fixture
def servers(
    tmp_path: Path, database: Database, case_reference: str
) -> Iterator[tuple[Server, Server]]:
    started: list[Server] = []
    try:
        started = [start_server(tmp_path, database, name) for name in ("a", "b")]
        for server in started:
            server.wait_until_up()
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


# --- the visitor --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One visitor with one cookie jar, whichever server answers: as behind a load balancer,
    which sends each request to any app server."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _Stay()
        )

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(url))  # noqa: S310  (loopback)

    def post(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Response:
        """Send a form as a browser does: multipart, with the CSRF token of the page."""
        boundary = secrets.token_hex(16)
        parts: list[bytes] = []
        for name, value in fields.items():
            disposition = f'form-data; name="{name}"'
            parts.append(
                f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n".encode()
            )
        for name, (filename, content) in (files or {}).items():
            disposition = f'form-data; name="{name}"; filename="{filename}"'
            head = (
                f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310  (loopback)
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        return self._open(request)

    def form_token(self, url: str) -> str:
        """The CSRF token of the form on the page at `url`."""
        page = self.get(url)
        assert page.status == 200, (url, page.status)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, f"no form on {url}"
        return found.group(1)

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=60) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:  # redirects and refusals alike
            with error:
                return Response(error.code, error.headers, error.read())


def english(name: str, **kwargs: str) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def login_posts_refused_at(servers: tuple[Server, Server]) -> int | None:
    """login_posts_until_refused within one minute: limits are per minute, so a run that
    straddles a minute's end (its count starts again) is repeated once, in the next minute."""
    for _attempt in range(2):
        minute = time.time() // 60
        refused_at = login_posts_until_refused(servers)
        if time.time() // 60 == minute:
            break
    return refused_at


def login_posts_until_refused(servers: tuple[Server, Server]) -> int | None:
    """Send empty login forms to B, A, B, A, … until one is refused as too many; how many were
    sent, or None if all 2 * LOGIN_LIMIT + 2 were answered (per-server counting gets there)."""
    visitor = Browser()
    token = visitor.form_token(servers[0].base + english("accounts:login"))
    for sent in range(1, 2 * LOGIN_LIMIT + 3):
        login = servers[sent % 2].base + english("accounts:login")
        if visitor.post(login, {"csrfmiddlewaretoken": token}).status == 429:
            return sent
    return None


def offers_csv(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["extern_id", "anordnare_orgnr", "modell", "kommunkod", "beskrivning"])
    writer.writerows([f"A{n}", "212000-2080", "test-vard", "1980", "Vård"] for n in range(count))
    return buffer.getvalue().encode("utf-8-sig")


# --- the test -----------------------------------------------------------------------------------


def test_a_session_an_upload_a_background_job_and_rate_limits_work_across_two_servers(
    tmp_path: Path, database: Database, case_reference: str, servers: tuple[Server, Server]
) -> None:
    a, b = servers
    for server in servers:
        # Each reaches the database and the shared cache.
        assert json.loads(Browser().get(f"{server.base}/health/ready/").body)["ok"] is True

    # A session made on A is a session on B.
    browser = Browser()
    dashboard = english("accounts:dashboard")
    assert english("accounts:login") in browser.get(b.base + dashboard).location
    login = a.base + english("accounts:login")
    response = browser.post(
        login,
        {
            "csrfmiddlewaretoken": browser.form_token(login),
            "username": EMAIL,
            "password": PASSWORD,
        },
    )
    assert response.status == 302, response.text
    page = browser.get(b.base + dashboard)
    assert page.status == 200
    assert f"You are logged in as {FULL_NAME} ({EMAIL})." in page.text

    # A file uploaded through A is downloaded through B, the same bytes.
    case = english("casework:case-detail", reference=case_reference)
    evidence = b"%PDF-1.4\n%" + secrets.token_hex(16).encode() + b"\n%%EOF\n"
    response = browser.post(
        a.base + english("casework:evidence-add", reference=case_reference),
        {"csrfmiddlewaretoken": browser.form_token(a.base + case), "description": "Intyg"},
        {"file": ("arbetsgivarintyg.pdf", evidence)},
    )
    assert response.status == 302, response.text
    page = browser.get(b.base + case)
    link = re.search(
        r'<a href="([^"]+/evidence/\d+/)" download>arbetsgivarintyg\.pdf</a>', page.text
    )
    assert link, "B does not list the file uploaded through A"
    download = browser.get(b.base + link.group(1))
    assert download.status == 200
    assert download.body == evidence

    # An import started on A is run by the worker and followed and applied through B.
    rows = BACKGROUND_ROWS + 1  # large enough for the background
    upload = a.base + english("atlas:import")
    response = browser.post(
        upload,
        {"csrfmiddlewaretoken": browser.form_token(upload)},
        {"file": ("erbjudanden.csv", offers_csv(rows))},
    )
    assert response.status == 302, response.text
    job = b.base + response.location
    progress = browser.get(job).text
    assert "Checking the file" in progress
    assert '<progress id="import-progress-bar"' in progress

    run_worker(tmp_path, database)
    preview = browser.get(job).text
    assert "Apply the import" in preview
    assert database.count("SELECT count(*) FROM atlas_offer") == 0

    job_id = re.search(r"job=([0-9a-f]{32})", job)
    assert job_id
    response = browser.post(
        b.base + english("atlas:import"),
        {"csrfmiddlewaretoken": browser.form_token(job), "job": job_id.group(1)},
    )
    assert response.status == 302, response.text
    assert "Importing" in browser.get(job).text

    run_worker(tmp_path, database)
    imported = f"Imported: {rows} new, 0 changed and 0 unchanged offers."
    assert imported in browser.get(job).text
    assert database.count("SELECT count(*) FROM atlas_offer") == rows

    # Nothing runs twice: a second worker finds nothing left, and applying again queues nothing.
    run_worker(tmp_path, database)
    response = browser.post(
        a.base + english("atlas:import"),
        {"csrfmiddlewaretoken": browser.form_token(job), "job": job_id.group(1)},
    )
    assert response.status == 302
    assert imported in browser.get(a.base + response.location).text
    assert database.count("SELECT count(*) FROM atlas_offer") == rows
    tasks = "SELECT count(*) FROM django_tasks_database_dbtaskresult"
    assert database.count(tasks) == 2
    assert database.count(tasks + " WHERE status = 'SUCCESSFUL'") == 2

    # The rate limits count on both servers together. Each server counting alone would refuse
    # no POST before the 2 * LOGIN_LIMIT th. The logins above may fall in the same minute's count:
    # the count starts afresh, as it would for a new visitor.
    database.execute("DELETE FROM core_ratelimitcount")
    assert login_posts_refused_at(servers) == LOGIN_LIMIT + 1


def test_the_login_rate_limit_holds_across_the_workers_of_a_server_with_the_default_cache(
    tmp_path: Path, database: Database
) -> None:
    """`gunicorn --workers 3` as docs/deploy.md runs it, with the default, per-process cache:
    the workers count the login POSTs together (they once counted alone, each to the limit)."""
    default_cache = {"VALNAV_CACHE_BACKEND": "locmem"}
    server = start_server(tmp_path, database, "workers", workers=3, **default_cache)
    try:
        server.wait_until_up()
        assert login_posts_refused_at((server, server)) == LOGIN_LIMIT + 1
    finally:
        server.stop()
