"""`make bench`: the atlas at scale on SQLite and, where PostgreSQL is installed, on it too.

For each database: 100 000 offers and 20 000 education rows are generated, then the search
endpoint's p50/p95 through the full Django stack is printed beside the bare SQL of its page
query, and offers imported per second from a 100 000-row CSV. Sizes: BENCH_OFFERS,
BENCH_EDUCATIONS, BENCH_ROUNDS. Then the assessor's case list among BENCH_CASES cases
(bench/run_cases.py), and the insights pages among as many (bench/run_insights.py).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(database_url: str, label: str, module: str = "bench.run_db") -> int:
    return subprocess.call(  # noqa: S603  (our own module)
        [sys.executable, "-m", module, database_url, label], cwd=ROOT
    )


def postgres_url() -> tuple[str | None, list[str]]:
    """A throw-away PostgreSQL cluster on 127.0.0.1, if the server is installed."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"], []
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        return None, []
    pg_bin = bins[-1]
    data = Path(tempfile.mkdtemp(prefix="valnav-bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0 and shutil.which("runuser"):
        shutil.chown(data, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = "54399"
    subprocess.check_call(  # noqa: S603
        [
            *as_user,
            f"{pg_bin}/initdb",
            "-D",
            f"{data}/db",
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        stdout=subprocess.DEVNULL,
    )
    subprocess.check_call(  # noqa: S603
        [
            *as_user,
            f"{pg_bin}/pg_ctl",
            "-D",
            f"{data}/db",
            "-l",
            f"{data}/log",
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off",
            "start",
        ],
        stdout=subprocess.DEVNULL,
    )
    stop = [*as_user, f"{pg_bin}/pg_ctl", "-D", f"{data}/db", "-m", "fast", "stop"]
    return f"postgres://postgres@127.0.0.1:{port}/postgres", stop


def main() -> None:
    sqlite_dir = Path(tempfile.mkdtemp(prefix="valnav-bench-sqlite-"))
    failures = run(f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", "SQLite")
    # The case list in a database of its own (bench.run_cases flushes what it runs on).
    failures += run(f"sqlite:///{sqlite_dir / 'cases.sqlite3'}", "SQLite", "bench.run_cases")
    failures += run(f"sqlite:///{sqlite_dir / 'insights.sqlite3'}", "SQLite", "bench.run_insights")
    url, stop = postgres_url()
    if url is None:
        print("[PostgreSQL] not run: install the postgresql package to include it")
    else:
        try:
            failures += run(url, "PostgreSQL")
            failures += run(url, "PostgreSQL", "bench.run_cases")
            failures += run(url, "PostgreSQL", "bench.run_insights")
        finally:
            if stop:
                subprocess.call(stop, stdout=subprocess.DEVNULL)  # noqa: S603
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
