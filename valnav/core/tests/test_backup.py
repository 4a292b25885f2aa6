"""Backup and restore: back up, wipe, restore, compare; and refuse archives that are not whole.

The tests commit their rows (transaction=True): pg_dump and pg_restore are other sessions and see
only committed data. On SQLite the suite's database lives in memory and is copied through
Django's own connection.
"""

from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from valnav.accounts.models import Organisation
from valnav.atlas.models import ValidationModel
from valnav.atlas.tests.factories import OrganisationFactory, ValidationModelFactory
from valnav.core.backup import (
    MANIFEST_NAME,
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
)
from valnav.events.models import Event
from valnav.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are matched in English; management commands run in English too."""
    with translation.override("en"):
        yield


EVIDENCE = "evidence/ab12/0123456789abcdef0123456789abcdef"
DOCUMENT = "networks/cd34/fedcba9876543210fedcba9876543210"


@pytest.fixture
def roots(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    """Both storages under tmp_path; the private one as configured for production."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(private),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
    return media, private


@pytest.fixture
def content(roots: tuple[Path, Path]) -> None:
    """Rows in several apps and files in both storages, evidence among them."""
    OrganisationFactory(name="Komvux Västerås")
    ValidationModelFactory(name="Undersköterska, Vård- och omsorgscollege")
    EventFactory(title="Valideringsdagen i Örebro")
    storages["default"].save(DOCUMENT, ContentFile(b"%PDF-1.7 protokoll fran natverksmotet"))
    storages["default"].save("networks/empty-file", ContentFile(b""))
    storages["private"].save(EVIDENCE, ContentFile(b"\xff\xd8\xff foto av Aminas arbetsprov"))
    storages["private"].save("evidence/ef56/intyg", ContentFile(bytes(range(256)) * 300))


@pytest.fixture
def archive(content: None, tmp_path: Path) -> Path:
    destination = tmp_path / "backups" / "valnav.tar"
    destination.parent.mkdir()
    backup_create(destination=destination)
    return destination


def database_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by model, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def stored_files(roots: tuple[Path, Path]) -> dict[str, bytes]:
    return {
        f"{root.name}/{path.relative_to(root).as_posix()}": path.read_bytes()
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def rewrite(source: Path, target: Path, *, drop: str = "", replace: dict[str, bytes]) -> None:
    """A copy of the archive without `drop` and with some members' bytes replaced."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            if info.name == drop:
                continue
            stream = old.extractfile(info)
            assert stream is not None
            data = replace.get(info.name, stream.read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def read_manifest(source: Path) -> dict[str, Any]:
    with tarfile.open(source) as archive:
        stream = archive.extractfile(MANIFEST_NAME)
        assert stream is not None
        document: dict[str, Any] = json.loads(stream.read())
    return document


def wipe(roots: tuple[Path, Path]) -> None:
    """Rows deleted and added, files altered, deleted and added."""
    media, private = roots
    Event.objects.all().delete()
    ValidationModel.objects.all().delete()
    OrganisationFactory(name="Inte i säkerhetskopian")
    (private / EVIDENCE).write_bytes(b"overwritten")
    (media / DOCUMENT).unlink()
    storages["private"].save("evidence/9999/extra", ContentFile(b"not in the backup"))


def test_restore_brings_back_the_rows_and_files_of_the_backup(
    content: None, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    rows, files = database_rows(), stored_files(roots)
    destination = tmp_path / "valnav.tar"

    manifest = backup_create(destination=destination)

    assert stat.S_IMODE(destination.stat().st_mode) == 0o600
    assert len(manifest.file_members) == 4
    with tarfile.open(destination) as archive:
        stream = archive.extractfile(MANIFEST_NAME)
        assert stream is not None
        assert stream.read() == manifest.to_json()
    members = {member["path"] for member in read_manifest(destination)["members"]}
    assert f"files/private/{EVIDENCE}" in members
    assert f"files/default/{DOCUMENT}" in members
    assert read_manifest(destination)["migrations"]["casework"]

    wipe(roots)
    assert database_rows() != rows
    assert stored_files(roots) != files

    result = backup_restore(source=destination)

    assert database_rows() == rows
    assert stored_files(roots) == files
    assert result.files_written == 4
    assert result.files_removed == 1
    private = roots[1]
    assert not (private / "evidence" / "9999").exists()
    for path in private.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_restore_onto_empty_storages_recreates_them(
    archive: Path, roots: tuple[Path, Path]
) -> None:
    files = stored_files(roots)
    private = roots[1]
    for root in roots:
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        root.rmdir()

    backup_restore(source=archive)

    assert stored_files(roots) == files
    assert stat.S_IMODE(private.stat().st_mode) == 0o700


def test_a_tampered_file_is_refused_and_nothing_is_changed(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.tar"
    # The same size, one byte different: only the checksum can tell.
    rewrite(
        archive,
        tampered,
        replace={f"files/private/{EVIDENCE}": b"\xff\xd8\xff foto av Aminas arbetsprof"},
    )
    wipe(roots)
    rows, files = database_rows(), stored_files(roots)

    with pytest.raises(BackupError, match=f"files/private/{EVIDENCE} does not match"):
        backup_restore(source=tampered)

    assert database_rows() == rows
    assert stored_files(roots) == files


def test_a_tampered_database_dump_is_refused(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    database = next(
        member["path"]
        for member in read_manifest(archive)["members"]
        if member["path"].startswith("database/")
    )
    with tarfile.open(archive) as old:
        stream = old.extractfile(database)
        assert stream is not None
        dump = bytearray(stream.read())
    dump[-1] ^= 0xFF
    tampered = tmp_path / "tampered.tar"
    rewrite(archive, tampered, replace={database: bytes(dump)})
    rows = database_rows()

    with pytest.raises(BackupError, match=f"{database} does not match"):
        backup_restore(source=tampered)

    assert database_rows() == rows


def test_a_missing_member_is_refused(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    incomplete = tmp_path / "incomplete.tar"
    rewrite(archive, incomplete, drop=f"files/default/{DOCUMENT}", replace={})
    wipe(roots)
    rows, files = database_rows(), stored_files(roots)

    with pytest.raises(
        BackupError, match=f"files/default/{DOCUMENT} is listed in the manifest but missing"
    ):
        backup_restore(source=incomplete)

    assert database_rows() == rows
    assert stored_files(roots) == files


def test_a_member_the_manifest_does_not_list_is_refused(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    extended = tmp_path / "extended.tar"
    rewrite(archive, extended, replace={})
    with tarfile.open(extended, "a") as archive_file:
        info = tarfile.TarInfo("files/private/evidence/0000/planted")
        info.size = 7
        archive_file.addfile(info, io.BytesIO(b"planted"))

    with pytest.raises(BackupError, match="files/private/evidence/0000/planted, which the"):
        backup_verify(source=extended)


def test_a_manifest_path_outside_the_storages_is_refused(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    manifest = read_manifest(archive)
    manifest["members"].append({"path": "files/private/../../escape", "size": 0, "sha256": ""})
    altered = tmp_path / "altered.tar"
    rewrite(archive, altered, replace={MANIFEST_NAME: json.dumps(manifest).encode()})

    with pytest.raises(BackupError, match=r"files/private/\.\./\.\./escape, which is not a valid"):
        backup_verify(source=altered)


def test_a_backup_of_other_migrations_is_refused(
    archive: Path, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    manifest = read_manifest(archive)
    manifest["migrations"]["casework"] = ["0001_initial"]
    older = tmp_path / "older.tar"
    rewrite(archive, older, replace={MANIFEST_NAME: json.dumps(manifest).encode()})

    with pytest.raises(BackupError, match=r"migrations differ .*\(apps: casework\)"):
        backup_verify(source=older)


def test_an_altered_manifest_is_refused_when_its_checksum_is_given(
    content: None, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    destination = tmp_path / "valnav.tar"
    made = backup_create(destination=destination)
    manifest = read_manifest(destination)
    manifest["created_at"] = "2020-01-01T00:00:00+00:00"
    altered = tmp_path / "altered.tar"
    rewrite(destination, altered, replace={MANIFEST_NAME: json.dumps(manifest).encode()})

    assert backup_verify(source=destination, manifest_sha256=made.checksum) == made
    with pytest.raises(BackupError, match=r"manifest\.json has the checksum"):
        backup_verify(source=altered, manifest_sha256=made.checksum)


def test_an_existing_destination_is_not_overwritten(content: None, tmp_path: Path) -> None:
    destination = tmp_path / "valnav.tar"
    destination.write_bytes(b"an older backup")

    with pytest.raises(BackupError, match="already exists"):
        backup_create(destination=destination)

    assert destination.read_bytes() == b"an older backup"


def test_a_backup_inside_a_transaction_is_refused(content: None, tmp_path: Path) -> None:
    # pg_dump would not see this transaction's rows.
    with transaction.atomic(), pytest.raises(BackupError, match="inside a database transaction"):
        backup_create(destination=tmp_path / "valnav.tar")

    assert not (tmp_path / "valnav.tar").exists()


def test_the_commands_back_up_and_restore_only_when_confirmed(
    content: None, roots: tuple[Path, Path], tmp_path: Path
) -> None:
    rows, files = database_rows(), stored_files(roots)
    destination = tmp_path / "valnav.tar"
    output = io.StringIO()

    call_command("backup", str(destination), stdout=output)

    checksum = backup_verify(source=destination).checksum
    summary = output.getvalue()
    assert summary.count("\n") == 1
    assert str(destination) in summary
    assert checksum in summary
    wipe(roots)
    changed = database_rows()

    # The test's standard input is not a terminal: without --yes nothing is asked or changed.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(destination), stdout=io.StringIO())
    assert database_rows() == changed

    call_command(
        "restore", str(destination), "--yes", f"--manifest-sha256={checksum}", stdout=output
    )
    assert database_rows() == rows
    assert stored_files(roots) == files
    assert Organisation.objects.filter(name="Inte i säkerhetskopian").count() == 0


def test_a_missing_archive_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "none.tar"), "--yes")
