"""Offer imports from the web, checked and applied in the background when the file is large.

An upload becomes a job: a directory under MEDIA_ROOT/imports/ (outside the web root) named by
a random id, holding the uploaded file and `job.json` (who uploaded it, the progress and the
report). Files up to BACKGROUND_ROWS rows are checked and applied during the request; larger
ones by the `offers_import_job` task, while the page polls the progress. The uploaded file is
deleted once it has been applied, and jobs are deleted a day after they were made.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation

from valnav.accounts.models import User
from valnav.atlas.offer_io import offers_import
from valnav.core.tabular import ImportReport, sheet_row_count
from valnav.core.uploads import not_stored_error

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 2000
JOB_LIFETIME = timedelta(days=1)
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
# Progress is written to disk at most this often (seconds), however often it is reported.
_PROGRESS_INTERVAL = 0.5


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ImportJob:
    id: str
    actor_id: int
    filename: str
    language: str
    rows: int
    created_at: str
    state: JobState = JobState.QUEUED
    dry_run: bool = True
    done: int = 0
    total: int = 0
    report: ImportReport | None = None

    @property
    def background(self) -> bool:
        return self.rows > BACKGROUND_ROWS

    @property
    def finished(self) -> bool:
        return self.state in {JobState.DONE, JobState.FAILED}

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def can_apply(self) -> bool:
        """Checked without errors, with something to change, and not applied yet."""
        report = self.report
        return (
            self.state == JobState.DONE
            and report is not None
            and report.dry_run
            and report.ok
            and report.created + report.updated > 0
            and _source_path(self.id).exists()
        )


def _jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _job_dir(job_id: str) -> Path:
    if not _JOB_ID.match(job_id):
        raise ValueError(job_id)
    return _jobs_dir() / job_id


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def _source_path(job_id: str) -> Path:
    return _job_dir(job_id) / "source"


def _save(job: ImportJob) -> None:
    """Write job.json atomically: the progress view may read it at any moment."""
    data = asdict(job)
    data["report"] = job.report.to_dict() if job.report else None
    directory = _job_dir(job.id)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out)
    Path(temporary).replace(directory / "job.json")


def _load(job_id: str) -> ImportJob | None:
    try:
        data: dict[str, Any] = json.loads((_job_dir(job_id) / "job.json").read_text("utf-8"))
    except (ValueError, OSError):
        return None
    report = data.pop("report")
    job = ImportJob(**data)
    job.state = JobState(job.state)
    job.report = ImportReport.from_dict(report) if report else None
    return job


def _delete_old_jobs() -> None:
    cutoff = time.time() - JOB_LIFETIME.total_seconds()
    if not _jobs_dir().is_dir():
        return
    for directory in _jobs_dir().iterdir():
        if _JOB_ID.match(directory.name) and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)


def import_job_get(*, job_id: str, actor: User) -> ImportJob | None:
    """The actor's own job with this id; nobody sees another person's upload."""
    if not _JOB_ID.match(job_id):
        return None
    job = _load(job_id)
    if job is None or job.actor_id != actor.pk:
        return None
    return job


def import_job_create(*, actor: User, source: bytes, filename: str) -> ImportJob:
    """Keep an upload and check it (a dry run): at once if small, else in the background."""
    _delete_old_jobs()
    job_id = secrets.token_hex(16)
    directory = _job_dir(job_id)
    job = ImportJob(
        id=job_id,
        actor_id=actor.pk,
        filename=Path(filename).name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows=sheet_row_count(source=source, filename=filename),
        created_at=timezone.now().astimezone(UTC).isoformat(),
    )
    try:
        directory.mkdir(parents=True, mode=0o700)
        with os.fdopen(os.open(_source_path(job_id), _NEW_FILE, 0o600), "wb") as out:
            out.write(source)
        _start(job, dry_run=True)
    except OSError as error:
        # A full disk or a lost mount: no half-written job is left, and the person is told on
        # the file field (valnav.core.uploads).
        logger.exception("Import job %s could not be stored.", job_id)
        shutil.rmtree(directory, ignore_errors=True)
        raise not_stored_error(error) from error
    return _load(job_id) or job


def import_job_apply(*, job: ImportJob) -> ImportJob:
    """Apply a checked upload; a job that cannot be applied (again) is returned as it is."""
    if not job.can_apply:
        return job
    _start(job, dry_run=False)
    return _load(job.id) or job


def _start(job: ImportJob, *, dry_run: bool) -> None:
    job.state = JobState.QUEUED
    job.dry_run = dry_run
    job.done = 0
    job.total = job.rows if dry_run else 2 * job.rows
    _save(job)
    if job.background:
        offers_import_job.enqueue(job_id=job.id, dry_run=dry_run)
        return
    # A failure is logged and shown on the job's page; the request itself succeeds.
    with contextlib.suppress(Exception):
        import_job_run(job_id=job.id, dry_run=dry_run)


def import_job_run(*, job_id: str, dry_run: bool) -> None:
    """Check or apply the job's file as the person who uploaded it, in their language."""
    job = _load(job_id)
    if job is None:
        logger.warning("Import job %s has gone; nothing to do.", job_id)
        return
    actor = User.objects.filter(pk=job.actor_id, is_active=True).first()
    source_path = _source_path(job_id)
    job.state = JobState.RUNNING
    _save(job)
    last_saved = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_saved
        now = time.monotonic()
        if now - last_saved >= _PROGRESS_INTERVAL:
            job.done, job.total = done, total
            _save(job)
            last_saved = now

    try:
        if actor is None:
            raise PermissionError(f"The user of import job {job_id} is gone or inactive.")
        with translation.override(job.language):
            job.report = offers_import(
                actor=actor,
                source=source_path.read_bytes(),
                filename=job.filename,
                dry_run=dry_run,
                progress=progress,
            )
    except BaseException:
        # BaseException too: a worker being stopped (db_worker turns a second SIGTERM into
        # SystemExit) rolls the import back, and the page must say so rather than show the
        # job running for ever. A worker killed outright (SIGKILL) cannot say anything.
        logger.exception("Import job %s failed.", job_id)
        job.state = JobState.FAILED
        _save(job)
        source_path.unlink(missing_ok=True)
        raise
    job.state = JobState.DONE
    job.done = job.total
    _save(job)
    if not dry_run:
        source_path.unlink(missing_ok=True)


@task()
def offers_import_job(*, job_id: str, dry_run: bool) -> None:
    """The background run of an import job (files over BACKGROUND_ROWS rows)."""
    import_job_run(job_id=job_id, dry_run=dry_run)
