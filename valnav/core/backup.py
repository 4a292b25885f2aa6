"""Backup and restore of the whole installation: the database and every stored file.

A backup is one uncompressed tar file, written with mode 0o600 because it holds personal data:

    database/valnav.sqlite3 or database/valnav.pgdump   the database (see below)
    files/default/<path>                                every file of the "default" storage
    files/private/<path>                                every file of the "private" storage
    manifest.json                                       last: it lists every member above

The manifest holds the format version, when the backup was made, the database engine, the
Django migration state (the latest applied migration of each app) and each member's path, size
and SHA-256. Plain tar so that the operator's own tools (tar, gpg, age, restic) read, compress and
encrypt it; the database dump is already compressed on PostgreSQL, and evidence files mostly are.

SQLite is copied with sqlite3's online backup from Django's own connection, which gives a
consistent copy while the site runs (and works for the test suite's in-memory database);
PostgreSQL with `pg_dump --format=custom`, restored by `pg_restore`. Connection parameters reach
pg_dump and pg_restore only through the environment (PGPASSWORD and friends), never through the
command line, where other users of the machine could read them.

A restore reads and checks the whole archive before it changes anything, then writes every file
next to its place under a temporary name, restores the database, and only then moves the files
into place and removes the files that the backup does not have.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Final

import django
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT: Final = "valnav-backup"
FORMAT_VERSION: Final = 1
MANIFEST_NAME: Final = "manifest.json"
STORAGE_ALIASES: Final = ("default", "private")
DATABASE_MEMBERS: Final = {
    "sqlite": "database/valnav.sqlite3",
    "postgresql": "database/valnav.pgdump",
}
# Evidence files hold personal data: whatever the storage's settings say, restored files and
# directories of the private storage are readable by the site's own user only.
PRIVATE_FILE_MODE: Final = 0o600
PRIVATE_DIRECTORY_MODE: Final = 0o700
CHUNK: Final = 1024 * 1024
TEMPORARY_SUFFIX: Final = ".valnav-restore"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupMember:
    path: str  # inside the archive, e.g. "files/private/evidence/ab12/…"
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupManifest:
    created_at: datetime
    engine: str  # Django's connection.vendor: "sqlite" or "postgresql"
    migrations: dict[str, list[str]]  # app label → latest applied migration(s)
    members: list[BackupMember]
    django_version: str = django.get_version()
    format_version: int = FORMAT_VERSION

    @property
    def database_member(self) -> BackupMember:
        return next(member for member in self.members if member.path.startswith("database/"))

    @property
    def file_members(self) -> list[BackupMember]:
        return [member for member in self.members if member.path.startswith("files/")]

    @property
    def file_bytes(self) -> int:
        return sum(member.size for member in self.file_members)

    def to_json(self) -> bytes:
        """The bytes stored as manifest.json: the same manifest always gives the same bytes, so
        that `checksum` can be compared with `tar -xOf backup.tar manifest.json | sha256sum`."""
        document = {
            "format": FORMAT,
            "format_version": self.format_version,
            "created_at": self.created_at.isoformat(),
            "django_version": self.django_version,
            "database": {"engine": self.engine},
            "migrations": self.migrations,
            "members": [
                {"path": member.path, "size": member.size, "sha256": member.sha256}
                for member in self.members
            ],
        }
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.to_json()).hexdigest()


@dataclass(frozen=True)
class RestoreResult:
    manifest: BackupManifest
    files_written: int
    files_removed: int


@dataclass
class _StagedFile:
    temporary: Path
    final: Path


@dataclass
class _Staging:
    files: list[_StagedFile] = field(default_factory=list)

    def discard(self) -> None:
        for staged in self.files:
            staged.temporary.unlink(missing_ok=True)


# --- backup -------------------------------------------------------------------------------------


def backup_create(*, destination: Path) -> BackupManifest:
    """Write a backup of the database and of both file storages to `destination` (a new file,
    mode 0o600). Returns its manifest."""
    # Resolved like the storages' locations, so that the check below sees through symbolic links.
    destination = destination.absolute().parent.resolve() / destination.name
    if destination.exists():
        raise BackupError(
            _("%(path)s already exists; choose a new file name for the backup.")
            % {"path": destination}
        )
    if not destination.parent.is_dir():
        raise BackupError(
            _("The directory %(path)s does not exist.") % {"path": destination.parent}
        )
    locations = _storage_locations()
    for alias, location in locations.items():
        if destination.is_relative_to(location):
            raise BackupError(
                _(
                    "The backup must not be written inside the %(storage)s storage (%(path)s): it "
                    "would back itself up."
                )
                % {"storage": alias, "path": location}
            )
    _require_connection()
    engine = connection.vendor
    if engine not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine}
        )
    migrations = _applied_migrations()
    created_at = datetime.now(tz=UTC)
    partial = destination.with_name(f".{destination.name}.partial")
    members: list[BackupMember] = []
    # The dump is made next to the archive: there is room there for the archive, and /tmp is
    # often a small tmpfs. mkdtemp makes the directory 0o700.
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".valnav-backup-") as work:
        dump = Path(work) / "database"
        _dump_database(engine, dump)
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as error:
            raise BackupError(
                _(
                    "%(path)s exists: another backup is being written, or an earlier one was "
                    "interrupted (then delete the file)."
                )
                % {"path": partial}
            ) from error
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
                members.append(_add_file(archive, DATABASE_MEMBERS[engine], dump))
                for alias, location in locations.items():
                    for path in _walk(location):
                        relative = path.relative_to(location).as_posix()
                        members.append(_add_file(archive, f"files/{alias}/{relative}", path))
                manifest = BackupManifest(
                    created_at=created_at, engine=engine, migrations=migrations, members=members
                )
                _add_bytes(archive, MANIFEST_NAME, manifest.to_json())
                archive.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, destination)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _storage_locations() -> dict[str, Path]:
    locations: dict[str, Path] = {}
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        if not isinstance(storage, FileSystemStorage):
            raise BackupError(
                _(
                    "The %(storage)s storage is not a file-system storage; back it up with the "
                    "tools of its own service."
                )
                % {"storage": alias}
            )
        locations[alias] = Path(storage.location).resolve()
    default, private = locations["default"], locations["private"]
    if default.is_relative_to(private) or private.is_relative_to(default):
        raise BackupError(
            _(
                "The default storage (%(default)s) and the private storage (%(private)s) overlap; "
                "give each a directory of its own."
            )
            % {"default": default, "private": private}
        )
    return locations


def _walk(location: Path) -> Iterator[Path]:
    """Every regular file under `location`, in a stable order. Symbolic links are not followed:
    Django's storages never make them, and one could point anywhere on the machine."""
    if not location.is_dir():
        return
    for directory, subdirectories, files in os.walk(location):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink() and not name.endswith(TEMPORARY_SUFFIX):
                yield path


def _require_connection() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupError(
            _("Cannot connect to the database: %(error)s") % {"error": error}
        ) from error
    # pg_dump and pg_restore are other sessions: they would not see uncommitted rows, and
    # pg_restore would wait forever for the locks this transaction holds.
    if connection.in_atomic_block:
        raise BackupError(_("Backup and restore cannot run inside a database transaction."))


def _applied_migrations() -> dict[str, list[str]]:
    """The latest applied migration of each app: an applied migration that no other applied
    migration of the same app depends on (usually one per app)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    parents: set[tuple[str, str]] = set()
    for key in applied:
        node = loader.graph.node_map.get(key)
        if node is not None:
            parents.update(parent.key for parent in node.parents if parent.key[0] == key[0])
    latest: dict[str, list[str]] = {}
    for app, name in sorted(applied - parents):
        latest.setdefault(app, []).append(name)
    return latest


def _code_migrations() -> dict[str, list[str]]:
    """The latest migration of each app in the running code."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest: dict[str, list[str]] = {}
    for app, name in sorted(loader.graph.leaf_nodes()):
        latest.setdefault(app, []).append(name)
    return latest


def _dump_database(engine: str, target: Path) -> None:
    connection.ensure_connection()
    if engine == "sqlite":
        live = connection.connection
        assert isinstance(live, sqlite3.Connection)  # noqa: S101 (narrows the type)
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)
            # A single self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    else:
        _run_postgresql_tool("pg_dump", ["--format=custom", "--no-password", f"--file={target}"])


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> BackupMember:
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        reader = _HashingReader(source)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(path.stat().st_mtime)
        # The archive gets exactly the bytes that were hashed, even if the file changes meanwhile.
        archive.addfile(info, reader)
    return BackupMember(path=name, size=size, sha256=reader.hexdigest())


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    archive.addfile(info, _BytesReader(content))


class _HashingReader:
    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        self._hash.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class _BytesReader:
    def __init__(self, content: bytes) -> None:
        self._content = content
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._content) if size < 0 else self._offset + size
        chunk = self._content[self._offset : end]
        self._offset += len(chunk)
        return chunk


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _postgresql_environment() -> dict[str, str]:
    """libpq's variables for Django's connection: the password never appears on a command line
    (visible to every user through ps) nor in an error message."""
    settings = connection.settings_dict
    options = settings.get("OPTIONS") or {}
    environment = dict(os.environ)
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    for name, value in values.items():
        if value:
            environment[name] = str(value)
    return environment


def _run_postgresql_tool(tool: str, arguments: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH; install PostgreSQL's client programs (on Debian: "
                "apt install postgresql-client), in the same major version as the server."
            )
            % {"tool": tool}
        )
    environment = _postgresql_environment()
    completed = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [executable, *arguments],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        output = completed.stderr.strip() or completed.stdout.strip()
        password = environment.get("PGPASSWORD")
        if password:
            output = output.replace(password, "********")
        raise BackupError(
            _("%(tool)s failed (exit status %(status)s): %(output)s")
            % {"tool": tool, "status": completed.returncode, "output": output}
        )


# --- restore ------------------------------------------------------------------------------------


def backup_verify(*, source: Path, manifest_sha256: str | None = None) -> BackupManifest:
    """Check the whole archive without changing anything: every member against its size and
    SHA-256, nothing missing and nothing extra, and its engine and migrations against the running
    code. `manifest_sha256`, when given, must be the checksum printed when the backup was made:
    without it, someone who alters both a file and the manifest goes unnoticed."""
    with _open_archive(source) as archive:
        return _verify(archive, manifest_sha256)


def backup_restore(*, source: Path, manifest_sha256: str | None = None) -> RestoreResult:
    """Replace the database and the files of both storages with the backup in `source`, after
    checking all of it (see backup_verify). Stop the app servers and workers first."""
    _require_connection()
    locations = _storage_locations()
    with _open_archive(source) as archive:
        manifest = _verify(archive, manifest_sha256)
        staging = _Staging()
        try:
            with tempfile.TemporaryDirectory(prefix="valnav-restore-") as work:
                dump = Path(work) / "database"
                _extract(archive, manifest.database_member, dump, mode=0o600)
                for member in manifest.file_members:
                    alias, relative = _split_file_member(member.path)
                    final = locations[alias].joinpath(*PurePosixPath(relative).parts)
                    temporary = final.with_name(final.name + TEMPORARY_SUFFIX)
                    _make_directories(alias, final.parent, locations[alias])
                    staging.files.append(_StagedFile(temporary, final))
                    _extract(archive, member, temporary, mode=_file_mode(alias))
                _load_database(manifest.engine, dump)
        except BaseException:
            staging.discard()
            raise
    for staged in staging.files:
        os.replace(staged.temporary, staged.final)
    keep = {staged.final for staged in staging.files}
    removed = 0
    for location in locations.values():
        for path in list(_walk(location)):
            if path not in keep:
                path.unlink()
                removed += 1
        _remove_empty_directories(location)
    return RestoreResult(manifest=manifest, files_written=len(staging.files), files_removed=removed)


def _open_archive(source: Path) -> tarfile.TarFile:
    if not source.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": source})
    try:
        return tarfile.open(source, mode="r:")
    except tarfile.TarError as error:
        raise BackupError(
            _("%(path)s is not a Valnav backup (not a tar file).") % {"path": source}
        ) from error


def _verify(archive: tarfile.TarFile, expected_sha256: str | None) -> BackupManifest:
    members: dict[str, tarfile.TarInfo] = {}
    for info in archive.getmembers():
        if info.name in members:
            raise BackupError(
                _("The archive holds %(path)s twice: it has been altered.") % {"path": info.name}
            )
        if not info.isreg():
            raise BackupError(
                _("The archive's member %(path)s is not a regular file: it has been altered.")
                % {"path": info.name}
            )
        members[info.name] = info
    if MANIFEST_NAME not in members:
        raise BackupError(
            _("The archive has no %(path)s: it is not a Valnav backup, or it is incomplete.")
            % {"path": MANIFEST_NAME}
        )
    content = _read_member(archive, members[MANIFEST_NAME])
    checksum = hashlib.sha256(content).hexdigest()
    if expected_sha256 is not None and checksum != expected_sha256.strip().lower():
        raise BackupError(
            _(
                "%(path)s has the checksum %(actual)s, not %(expected)s: this is not the backup "
                "that was made, or it has been altered."
            )
            % {"path": MANIFEST_NAME, "actual": checksum, "expected": expected_sha256}
        )
    manifest = _parse_manifest(content)
    listed = {member.path for member in manifest.members}
    for member in manifest.members:
        stored = members.get(member.path)
        if stored is None:
            raise BackupError(
                _("%(path)s is listed in the manifest but missing from the archive.")
                % {"path": member.path}
            )
        if stored.size != member.size or _hash_member(archive, stored) != member.sha256:
            raise BackupError(
                _(
                    "%(path)s does not match its size and SHA-256 in the manifest: the archive "
                    "is damaged or has been altered."
                )
                % {"path": member.path}
            )
    for name in members:
        if name != MANIFEST_NAME and name not in listed:
            raise BackupError(
                _("The archive holds %(path)s, which the manifest does not list.") % {"path": name}
            )
    _check_compatible(manifest)
    return manifest


def _parse_manifest(content: bytes) -> BackupManifest:
    invalid = BackupError(
        _("%(path)s is not a valid Valnav backup manifest.") % {"path": MANIFEST_NAME}
    )
    try:
        document = json.loads(content)
        if document["format"] != FORMAT:
            raise invalid
        if document["format_version"] != FORMAT_VERSION:
            raise BackupError(
                _(
                    "The backup has format version %(found)s; this version of Valnav reads "
                    "version %(supported)s."
                )
                % {"found": document["format_version"], "supported": FORMAT_VERSION}
            )
        members = [
            BackupMember(path=str(item["path"]), size=int(item["size"]), sha256=str(item["sha256"]))
            for item in document["members"]
        ]
        manifest = BackupManifest(
            created_at=datetime.fromisoformat(document["created_at"]),
            engine=str(document["database"]["engine"]),
            migrations={
                str(app): [str(name) for name in names]
                for app, names in document["migrations"].items()
            },
            members=members,
            django_version=str(document["django_version"]),
            format_version=int(document["format_version"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise invalid from error
    database = [member for member in members if member.path.startswith("database/")]
    if manifest.engine not in DATABASE_MEMBERS or [member.path for member in database] != [
        DATABASE_MEMBERS[manifest.engine]
    ]:
        raise invalid
    for member in manifest.file_members:
        _split_file_member(member.path)
    if len(database) + len(manifest.file_members) != len(members):
        raise invalid
    return manifest


def _split_file_member(path: str) -> tuple[str, str]:
    """("private", "evidence/ab12/…") from "files/private/evidence/ab12/…", refusing any path
    that would leave its storage's directory."""
    parts = PurePosixPath(path).parts
    if (
        len(parts) < 3
        or parts[0] != "files"
        or parts[1] not in STORAGE_ALIASES
        or any(part in {"", ".", ".."} or "\\" in part or "\0" in part for part in parts)
        or path.startswith("/")
        or parts[-1].endswith(TEMPORARY_SUFFIX)
    ):
        raise BackupError(
            _("The manifest lists %(path)s, which is not a valid file path.") % {"path": path}
        )
    return parts[1], "/".join(parts[2:])


def _check_compatible(manifest: BackupManifest) -> None:
    if manifest.engine != connection.vendor:
        raise BackupError(
            _(
                "The backup is of a %(backup)s database, but this installation uses %(current)s; "
                "restore it onto the same kind of database."
            )
            % {"backup": manifest.engine, "current": connection.vendor}
        )
    code = _code_migrations()
    if manifest.migrations != code:
        apps = sorted(
            app
            for app in set(code) | set(manifest.migrations)
            if code.get(app) != manifest.migrations.get(app)
        )
        raise BackupError(
            _(
                "The backup's migrations differ from this version of Valnav's (apps: %(apps)s). "
                "Restore it with the release it was made with, then upgrade and migrate."
            )
            % {"apps": ", ".join(apps)}
        )


def _read_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(info)
    assert stream is not None  # noqa: S101 (regular files always have a stream)
    with stream:
        return stream.read()


def _hash_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    stream = archive.extractfile(info)
    assert stream is not None  # noqa: S101 (regular files always have a stream)
    with stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _extract(archive: tarfile.TarFile, member: BackupMember, target: Path, *, mode: int) -> None:
    """Write one member to `target`, checking its checksum again: the archive could have changed
    since it was verified."""
    digest = hashlib.sha256()
    stream = archive.extractfile(member.path)
    assert stream is not None  # noqa: S101 (verified to be a regular file)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with stream, os.fdopen(descriptor, "wb") as output:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            output.write(chunk)
        output.flush()
        os.fsync(output.fileno())
    os.chmod(target, mode)
    if digest.hexdigest() != member.sha256:
        raise BackupError(
            _(
                "%(path)s does not match its size and SHA-256 in the manifest: the archive "
                "is damaged or has been altered."
            )
            % {"path": member.path}
        )


def _file_mode(alias: str) -> int:
    storage = storages[alias]
    if alias == "private":
        return PRIVATE_FILE_MODE
    if isinstance(storage, FileSystemStorage) and storage.file_permissions_mode is not None:
        return int(storage.file_permissions_mode)
    return 0o666 & ~_umask()  # as FileSystemStorage itself does without the setting


def _directory_mode(alias: str) -> int:
    storage = storages[alias]
    if alias == "private":
        return PRIVATE_DIRECTORY_MODE
    if isinstance(storage, FileSystemStorage) and storage.directory_permissions_mode is not None:
        return int(storage.directory_permissions_mode)
    return 0o777 & ~_umask()


def _umask() -> int:
    # os.umask can only be read by setting it; the restore runs in a command, not in a server.
    current = os.umask(0o022)
    os.umask(current)
    return current


def _make_directories(alias: str, directory: Path, location: Path) -> None:
    """Create the directories down to `directory`. In the private storage every directory on the
    way is made private too, also one that existed with wider permissions."""
    mode = _directory_mode(alias)
    if not location.is_dir():
        location.mkdir(parents=True)
    current = location
    paths = [location]
    for part in directory.relative_to(location).parts:
        current = current / part
        paths.append(current)
    for path in paths:
        if not path.is_dir():
            path.mkdir()
            path.chmod(mode)
        elif alias == "private" and stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


def _remove_empty_directories(location: Path) -> None:
    if not location.is_dir():
        return
    for directory, _subdirectories, _files in os.walk(location, topdown=False):
        path = Path(directory)
        if path != location and not any(path.iterdir()):
            path.rmdir()


def _load_database(engine: str, dump: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        assert isinstance(live, sqlite3.Connection)  # noqa: S101 (narrows the type)
        saved = sqlite3.connect(dump)
        try:
            # Page by page into Django's own connection, which replaces the whole database, also
            # the in-memory one of the test suite.
            saved.backup(live)
        finally:
            saved.close()
    else:
        # Django's connection is idle (no transaction, see _require_connection) and holds no
        # locks; it is closed afterwards so that nothing cached about the old tables survives.
        # --no-privileges as --no-owner: the roles of the machine the backup came from need not
        # exist here. One transaction: a failed restore leaves the database as it was.
        _run_postgresql_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
        )
        connection.close()
