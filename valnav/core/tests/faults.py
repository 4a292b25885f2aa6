"""Faults of the outside world for tests, and the worker that meets them: the database going
away in the middle of a write, a disk that fills up while a file is written, and the production
task worker run in-process. Each fault is made at the boundary where the real one would show
itself (the database driver, the operating system's file write), never in our own code, so the
code under test meets it exactly as it would in production."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError, connection


@contextlib.contextmanager
def database_lost_at(table: str) -> Iterator[list[str]]:
    """The database connection is lost when the first INSERT into `table` is sent, after what
    the code wrote before it in the same transaction. Yields the statements that got through.

    On PostgreSQL the connection really is killed: a second connection terminates the server
    process serving this one (what a failover or a restarted server does) and waits until it
    is gone; the statement then fails in the driver. SQLite has no server to lose; there the
    driver's answer to a vanished database file, "disk I/O error", is raised at that point.
    """
    sent: list[str] = []
    marker = f"INSERT INTO {connection.ops.quote_name(table)}"

    def execute(
        run: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        if marker in sql and not any(marker in earlier for earlier in sent):
            if connection.vendor == "postgresql":
                _terminate_this_connection()
            else:
                raise OperationalError("disk I/O error")
        sent.append(sql)
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        yield sent


def _terminate_this_connection() -> None:
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
    finally:
        other.close()


class _FillingFile:
    """A file on a disk with `room` bytes left: the bytes that fit are written, then the write
    fails as the kernel fails it (ENOSPC), leaving the partial file behind."""

    def __init__(self, real: Any, room: list[int]) -> None:
        self._real = real
        self._room = room

    def write(self, data: bytes) -> int:
        fits = data[: self._room[0]]
        self._real.write(fits)
        self._room[0] -= len(fits)
        if len(fits) < len(data):
            self._real.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextlib.contextmanager
def disk_full_after(room: int) -> Iterator[None]:
    """While inside, files written through an open descriptor (how Django's FileSystemStorage
    writes an upload) get `room` bytes in all, then ENOSPC."""
    real_fdopen = os.fdopen
    left = [room]

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        return _FillingFile(real_fdopen(fd, *args, **kwargs), left)

    with mock.patch.object(os, "fdopen", fdopen):
        yield


def db_worker_batch() -> None:
    """Run the production worker (`manage.py db_worker`) in this process until its queue is
    empty. It installs its own SIGINT/SIGTERM handlers; the test process gets its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0",
            verbosity=0,
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
