"""Whole-install backup and restore (issue 19): one tar file with the database, the data
folder's files and a manifest.

Consistency: SQLite is copied with its online backup API (`sqlite3.Connection.backup`), which
reads one snapshot that includes the commits still in the WAL (a file copy of the live database
missed 23 of 1,051 logs, issue 19; https://www.sqlite.org/backup.html); PostgreSQL with
`pg_dump -Fc --snapshot`, the snapshot exported by the transaction that also counts the rows, so
the manifest's counts are those of the dump. Files are read after the database snapshot: an
upload added meanwhile is in the backup unreferenced, one deleted meanwhile (an erasure) is
missing and listed nowhere, which is what the person asked for.

Keys: the Django secret key is never included (it signs sessions and reset links, and nothing
stored needs it: everyone signs in again after a restore). The audit chain key and the TOTP keys
are needed to read the data fully (to check the chain; to accept two-step codes) but are kept
out of the database so that a copy of it does not carry them; a backup is such a copy, so they
are left out too unless `with_keys` is set (then only the data folder's key files, never keys
from the environment). The manifest always names each key by a fingerprint (a SHA-256 of the
key under a fixed label, not the key), so a restore says which key the data needs.

This module uses no Django: the CLI calls it on a running install without loading the app, and
restore runs it before the app's settings exist for the target folder.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Literal

FORMAT = "hipalign.backup/1"
MANIFEST = "manifest.json"
SQLITE_NAME = "hipalign.sqlite3"  # web/settings.py keeps the database under this name
SQLITE_ENTRY = "database/hipalign.sqlite3"
PG_ENTRY = "database/hipalign.pgdump"
DATA_PREFIX = "data/"
KEYS_PREFIX = "keys/"
# The database and its side files are copied through the backup API, never as files.
DATABASE_FILES = frozenset(
    {SQLITE_NAME, f"{SQLITE_NAME}-wal", f"{SQLITE_NAME}-shm", f"{SQLITE_NAME}-journal"}
)
SECRET_FILES = frozenset({"secret_key"})  # never in a backup
KEY_FILES = ("audit_key", "totp_keys")  # in a backup only with_keys
KEY_ENV = {"audit_key": "HIPALIGN_AUDIT_KEY", "totp_keys": "HIPALIGN_TOTP_KEYS"}
CHUNK = 1024 * 1024
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
# Tables whose rows are not data: rate-limit counters expire within minutes of a restore.
UNCOUNTED = frozenset({"hipalign_ratelimit"})


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says which entry or step."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, kw_only=True)
class Database:
    """Where the install's database is: the data folder's SQLite file, or a PostgreSQL server
    (the fields of HIPALIGN_DATABASE_URL; the password goes to pg_dump in its environment,
    never on its command line)."""

    engine: Literal["sqlite", "postgresql"]
    path: Path | None = None
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    name: str = ""

    def label(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {self.path}"
        return f"PostgreSQL {self.host}:{self.port}/{self.name} as {self.user}"


def database_for(*, data_dir: Path, url: str) -> Database:
    """The database the app uses for this data folder and HIPALIGN_DATABASE_URL (settings.py
    reads the same two)."""
    url = url.strip()
    if not url:
        return Database(engine="sqlite", path=data_dir.resolve() / SQLITE_NAME)
    import dj_database_url

    if url.partition("://")[0] not in ("postgres", "postgresql", "pgsql"):
        raise BackupError("HIPALIGN_DATABASE_URL: only postgresql:// URLs are supported")
    cfg = dj_database_url.parse(url)
    return Database(
        engine="postgresql",
        host=str(cfg.get("HOST") or ""),
        port=str(cfg.get("PORT") or ""),
        user=str(cfg.get("USER") or ""),
        password=str(cfg.get("PASSWORD") or ""),
        name=str(cfg.get("NAME") or ""),
    )


@dataclass(frozen=True, kw_only=True)
class BackupSummary:
    path: Path
    engine: str
    files: int
    rows: int
    bytes: int
    keys_included: bool


@dataclass(frozen=True, kw_only=True)
class Manifest:
    data: dict[str, Any]

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self.data["files"])

    @property
    def engine(self) -> str:
        return str(self.data["database"]["engine"])

    @property
    def row_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.data["row_counts"].items()}

    @property
    def migrations(self) -> dict[str, list[str]]:
        return {str(k): [str(n) for n in v] for k, v in self.data["migrations"].items()}


def _fingerprint(secret: str) -> str:
    # A label keeps it from matching any other hash of the key; 48+ random characters make it
    # unguessable from the fingerprint.
    return hashlib.sha256(b"hipalign key fingerprint\n" + secret.strip().encode()).hexdigest()[:16]


def _key_text(data_dir: Path, name: str) -> tuple[str, str]:
    """(source, text) of a key: the environment wins, as in settings.py."""
    env = os.environ.get(KEY_ENV[name], "")
    if env:
        if name == "totp_keys":
            env = "\n".join(k.strip() for k in env.split(",") if k.strip())
        return "environment", env
    path = data_dir / name
    if path.is_file():
        return "file", path.read_text()
    return "none", ""


def key_fingerprints(*, data_dir: Path) -> dict[str, list[str]]:
    """Fingerprints of the keys this data folder (or the environment) holds; for TOTP every key
    of the list, since any of them may have sealed a seed."""
    out: dict[str, list[str]] = {}
    for name in KEY_FILES:
        _, text = _key_text(data_dir, name)
        out[name] = [_fingerprint(k) for k in text.splitlines() if k.strip()]
    return out


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_snapshot(source: Path, dest: Path) -> None:
    """One consistent copy of the live database, WAL included, as a single file."""
    if not source.is_file():
        raise BackupError(f"no database at {source}: is --data the folder `hipalign serve` uses?")
    src = sqlite3.connect(source, timeout=20)
    try:
        dst = sqlite3.connect(dest)
        try:
            # pages=-1: the whole database in one step, under one read transaction (in WAL mode
            # the app's writers go on meanwhile); a stepwise copy would restart on every write.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_facts(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        counts = {
            t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in tables
            if t not in UNCOUNTED
        }
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in tables:
            for app, name in con.execute("SELECT app, name FROM django_migrations ORDER BY id"):
                migrations.setdefault(str(app), []).append(str(name))
        return counts, migrations
    finally:
        con.close()


def sqlite_facts(*, path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts per table and applied migrations per app of a SQLite database file."""
    return _sqlite_facts(path)


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_connect(db: Database) -> Any:
    import psycopg

    try:
        return psycopg.connect(
            host=db.host or None,
            port=db.port or None,
            user=db.user or None,
            password=db.password or None,
            dbname=db.name,
            connect_timeout=10,
            application_name="hipalign-backup",
        )
    except psycopg.OperationalError as exc:  # names host, port and user, never the password
        raise BackupError(f"cannot use the database {db.label()}: {exc}".strip()) from None


def _pg_env(db: Database) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": db.host,
            "PGPORT": db.port,
            "PGUSER": db.user,
            "PGPASSWORD": db.password,
            "PGDATABASE": db.name,
            "PGCONNECT_TIMEOUT": "10",
        }
    )
    return {k: v for k, v in env.items() if v}


def _pg_facts(cur: Any) -> tuple[dict[str, int], dict[str, list[str]]]:
    cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [str(r[0]) for r in cur.fetchall()]
    counts: dict[str, int] = {}
    for t in tables:
        if t in UNCOUNTED:
            continue
        cur.execute(f'SELECT count(*) FROM "{t}"')
        counts[t] = int(cur.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cur.fetchall():
            migrations.setdefault(str(app), []).append(str(name))
    return counts, migrations


def pg_facts(*, db: Database) -> tuple[dict[str, int], dict[str, list[str]]]:
    with _pg_connect(db) as con, con.cursor() as cur:
        return _pg_facts(cur)


def _pg_dump(db: Database, dest: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian/Ubuntu: apt install postgresql-client)")
    con = _pg_connect(db)
    try:
        with con.cursor() as cur:
            # The counts and the dump read the same snapshot (pg_export_snapshot; pg_dump
            # --snapshot): the manifest describes exactly what the dump holds.
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = str(cur.fetchone()[0])
            facts = _pg_facts(cur)
            proc = subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(dest),
                ],
                env=_pg_env(db),
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise BackupError(f"pg_dump failed: {proc.stderr.strip()[:500]}")
            cur.execute("COMMIT")
        return facts
    finally:
        con.close()


# --- archive ------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A file read through for tarfile, hashing what it hands over."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        block = self._fh.read(size)
        self.digest.update(block)
        return block


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any] | None:
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return None  # deleted after the database snapshot: an erasure, rightly missing
    with fh:
        size = os.fstat(fh.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = PRIVATE_FILE
        info.mtime = int(os.fstat(fh.fileno()).st_mtime)
        reader = _Hashing(fh)
        tar.addfile(info, reader)  # tarfile reads exactly info.size bytes
    return {"name": name, "size": size, "sha256": reader.digest.hexdigest()}


def _data_files(data_dir: Path, skip: set[Path]) -> Iterator[tuple[Path, str]]:
    """Every regular file of the data folder but the database, the keys and the backup being
    written: uploads, overlays and whatever else the app's default storage keeps there."""
    for root, dirs, files in os.walk(data_dir):
        dirs.sort()
        rel_root = Path(root).relative_to(data_dir)
        for f in sorted(files):
            p = Path(root) / f
            rel = (rel_root / f).as_posix()
            if rel in DATABASE_FILES or rel in SECRET_FILES or rel in KEY_FILES:
                continue
            if p.resolve() in skip or p.is_symlink() or not p.is_file():
                continue
            yield p, DATA_PREFIX + rel


def _version() -> str:
    try:
        return metadata.version("hipalign")
    except metadata.PackageNotFoundError:
        return "unknown"


def _check_create_paths(*, data_dir: Path, out: Path) -> None:
    if out.exists():
        raise BackupError(f"--out file {out} exists already; a backup never overwrites one")
    if not data_dir.is_dir():
        raise BackupError(f"--data folder {data_dir} does not exist")


@dataclass(frozen=True, kw_only=True)
class _Dump:
    """The database copied into the work folder, the tar entry it goes under, and the facts
    (row counts, applied migrations) read from that copy, not from the live database."""

    path: Path
    entry: str
    counts: dict[str, int]
    migrations: dict[str, list[str]]


def _dump_database(db: Database, work: Path) -> _Dump:
    if db.engine == "sqlite":
        assert db.path is not None
        dumped = work / SQLITE_NAME
        _sqlite_snapshot(db.path, dumped)
        counts, migrations = _sqlite_facts(dumped)
        return _Dump(path=dumped, entry=SQLITE_ENTRY, counts=counts, migrations=migrations)
    dumped = work / "hipalign.pgdump"
    counts, migrations = _pg_dump(db, dumped)
    return _Dump(path=dumped, entry=PG_ENTRY, counts=counts, migrations=migrations)


def _add_data_files(
    tar: tarfile.TarFile, *, data_dir: Path, skip: set[Path], work: Path
) -> list[dict[str, Any]]:
    """The data folder's files; the work folder (which may sit inside the data folder, next
    to `out`) holds only this backup's own scratch copies and never goes in."""
    files: list[dict[str, Any]] = []
    for path, name in _data_files(data_dir, skip):
        if work in path.parents:
            continue
        added = _add_file(tar, path, name)
        if added is not None:
            files.append(added)
    return files


def _add_keys(
    tar: tarfile.TarFile, *, data_dir: Path, with_keys: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The manifest's `keys` (every key named by fingerprint, whatever its source) and the
    file entries of the keys included: only with_keys, and only keys kept in a file (a key
    from the environment is the environment's to back up)."""
    keys: dict[str, Any] = {}
    files: list[dict[str, Any]] = []
    for key in KEY_FILES:
        source, text = _key_text(data_dir, key)
        included = with_keys and source == "file"
        keys[key] = {
            "source": source,
            "fingerprints": [_fingerprint(k) for k in text.splitlines() if k.strip()],
            "included": included,
        }
        if included:
            added = _add_file(tar, data_dir / key, KEYS_PREFIX + key)
            if added is not None:
                files.append(added)
    return keys, files


def _add_manifest(
    tar: tarfile.TarFile,
    *,
    dump: _Dump,
    db: Database,
    now: datetime,
    files: list[dict[str, Any]],
    keys: dict[str, Any],
    bucket: str,
) -> None:
    """The manifest goes in last, so it can list every entry written before it."""
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "app_version": _version(),
        "database": {"engine": db.engine, "entry": dump.entry},
        "migrations": dump.migrations,
        "migration_heads": {app: names[-1] for app, names in dump.migrations.items()},
        "row_counts": dump.counts,
        "files": files,
        "keys": keys,
        "storage": f"S3 bucket {bucket} (not in this backup)" if bucket else "data folder",
    }
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(body)
    info.mode = PRIVATE_FILE
    info.mtime = int(now.timestamp())
    tar.addfile(info, io.BytesIO(body))


def backup_create(
    *,
    data_dir: Path,
    db: Database,
    out: Path,
    now: datetime,
    with_keys: bool = False,
    bucket: str = "",
) -> BackupSummary:
    """Write the backup to `out` (refusing an existing file); nothing is left behind on
    failure.

    The stored files (web/settings.py `STORAGES`) are folders of the data folder by default and
    go into the backup with it. With `bucket` (HIPALIGN_S3_BUCKET) they live in that bucket
    instead; the manifest says so, and the bucket is backed up by its own means (versioning or
    replication), since copying a bucket is no job for a file on one machine."""
    data_dir = data_dir.resolve()
    out = out.resolve()
    _check_create_paths(data_dir=data_dir, out=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".hipalign-backup-", dir=out.parent))
    partial = out.with_name(out.name + ".partial")
    old_umask = os.umask(0o077)  # the backup holds health data: only its owner reads it
    try:
        dump = _dump_database(db, work)
        with tarfile.open(partial, "x", format=tarfile.PAX_FORMAT) as tar:
            # The database entry is first: the summary counts the entries after it as files.
            first = _add_file(tar, dump.path, dump.entry)
            assert first is not None
            skip = {out, partial.resolve(), work.resolve()}
            files = [first, *_add_data_files(tar, data_dir=data_dir, skip=skip, work=work)]
            keys, key_files = _add_keys(tar, data_dir=data_dir, with_keys=with_keys)
            files.extend(key_files)
            _add_manifest(tar, dump=dump, db=db, now=now, files=files, keys=keys, bucket=bucket)
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        partial.rename(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.umask(old_umask)
        shutil.rmtree(work, ignore_errors=True)
    return BackupSummary(
        path=out,
        engine=db.engine,
        files=len(files) - 1,
        rows=sum(dump.counts.values()),
        bytes=out.stat().st_size,
        keys_included=any(k["included"] for k in keys.values()),
    )


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except FileNotFoundError:
        raise BackupError(f"backup file {path} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"backup path {path} is a folder, not a file") from None
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable hipalign backup ({exc})") from None


def _read_manifest(tar: tarfile.TarFile, path: Path) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        assert fh is not None
        data = json.loads(fh.read())
    except KeyError:
        raise BackupError(f"{path}: entry {MANIFEST} is missing; not a hipalign backup") from None
    except (ValueError, tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path}: entry {MANIFEST} is damaged ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path}: entry {MANIFEST} is not a {FORMAT} manifest")
    for k in ("database", "files", "row_counts", "migrations", "keys"):
        if k not in data:
            raise BackupError(f"{path}: entry {MANIFEST} lacks {k!r}")
    return Manifest(data=data)


def _hash_member(tar: tarfile.TarFile, member: tarfile.TarInfo, sink: Path | None) -> str:
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupError(f"entry {member.name} is not a file")
    digest = hashlib.sha256()
    out = sink.open("xb") if sink is not None else None
    try:
        while block := fh.read(CHUNK):
            digest.update(block)
            if out is not None:
                out.write(block)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest()


def _safe_name(name: str) -> bool:
    p = Path(name)
    return (
        not p.is_absolute()
        and ".." not in p.parts
        and name.startswith((DATA_PREFIX, KEYS_PREFIX, "database/"))
    )


def _walk(path: Path, extract_to: Path | None) -> Manifest:
    """Check every entry against the manifest, in archive order; with extract_to, write each
    checked entry under it (entry names as paths). The first bad entry stops it, named."""
    with _open(path) as tar:
        manifest = _read_manifest(tar, path)
        expected = {str(e["name"]): e for e in manifest.entries}
        seen: set[str] = set()
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{path}: damaged after the manifest was read ({exc})") from None
        for member in members:
            if member.name == MANIFEST:
                continue
            want = expected.get(member.name)
            if want is None or not _safe_name(member.name):
                raise BackupError(f"entry {member.name}: not listed in the manifest")
            if member.size != int(want["size"]):
                raise BackupError(
                    f"entry {member.name}: {member.size} bytes, the manifest says {want['size']}"
                )
            sink = None
            if extract_to is not None:
                sink = extract_to / member.name
                sink.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            try:
                got = _hash_member(tar, member, sink)
            except (tarfile.TarError, OSError) as exc:
                raise BackupError(f"entry {member.name}: cannot be read ({exc})") from None
            if got != want["sha256"]:
                raise BackupError(f"entry {member.name}: sha256 does not match the manifest")
            seen.add(member.name)
        for name in expected:
            if name not in seen:
                raise BackupError(f"entry {name}: listed in the manifest but missing")
    return manifest


def backup_verify(*, path: Path) -> Manifest:
    """Check a backup without restoring it: every entry's size and sha256, nothing missing or
    extra, and for SQLite the database's own integrity check and row counts."""
    with tempfile.TemporaryDirectory(prefix=".hipalign-verify-", dir=path.parent) as tmp:
        manifest = _walk(path, None)
        if manifest.engine == "sqlite":
            # Only the database is written out: its counts and integrity need a real file.
            with _open(path) as tar:
                member = tar.getmember(SQLITE_ENTRY)
                _hash_member(tar, member, Path(tmp) / SQLITE_NAME)
            _check_sqlite(Path(tmp) / SQLITE_NAME, manifest)
    return manifest


def _check_sqlite(db_file: Path, manifest: Manifest) -> None:
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"entry {SQLITE_ENTRY}: not a readable database ({exc})") from None
    finally:
        con.close()
    if result != "ok":
        raise BackupError(f"entry {SQLITE_ENTRY}: integrity check failed ({result})")
    _compare_counts(_sqlite_facts(db_file)[0], manifest.row_counts, SQLITE_ENTRY)


def _compare_counts(got: dict[str, int], want: dict[str, int], where: str) -> None:
    for table in sorted(set(got) | set(want)):
        if got.get(table) != want.get(table):
            raise BackupError(
                f"{where}: table {table} has {got.get(table, 'no')} rows, the manifest says "
                f"{want.get(table, 'none')}"
            )


# --- restore ------------------------------------------------------------------------------


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def _pg_is_empty(db: Database) -> bool:
    with _pg_connect(db) as con, con.cursor() as cur:
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        return int(cur.fetchone()[0]) == 0


@dataclass(frozen=True, kw_only=True)
class Staged:
    """A verified restore waiting in `folder` (beside the target) to be migrated and moved."""

    manifest: Manifest
    folder: Path
    target: Path
    missing_keys: list[str]


def restore_stage(*, path: Path, data_dir: Path, db: Database, replace: bool) -> Staged:
    """Verify the backup, refuse a non-empty target unless `replace`, and write the data
    folder's files (and the SQLite database) to a staging folder beside the target, checking
    each again as written. PostgreSQL is not touched yet (restore_database)."""
    data_dir = data_dir.resolve()
    manifest = _walk(path, None)  # before: nothing is written for a damaged backup
    if manifest.engine == "sqlite" and db.engine == "postgresql":
        raise BackupError(
            "this is a SQLite backup and HIPALIGN_DATABASE_URL names PostgreSQL: restore it "
            "into a data folder without HIPALIGN_DATABASE_URL, then move the accounts with "
            "the per-account export (README, 'Moving from SQLite to PostgreSQL')"
        )
    if manifest.engine == "postgresql" and db.engine == "sqlite":
        raise BackupError(
            "this is a PostgreSQL backup: set HIPALIGN_DATABASE_URL to the (empty) PostgreSQL "
            "database to restore it into"
        )
    if not replace:
        if not _is_empty(data_dir):
            raise BackupError(
                f"--data folder {data_dir} is not empty; restore into an empty folder, or add "
                "--replace to put the backup in its place"
            )
        if db.engine == "postgresql" and not _pg_is_empty(db):
            raise BackupError(
                f"database {db.label()} is not empty; restore into an empty database, or add "
                "--replace to put the backup in its place"
            )
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=data_dir.parent))
    try:
        unpacked = staging / "unpacked"
        _walk(path, unpacked)  # after: every written file hashed as it was written
        folder = staging / "data"
        src = unpacked / "data"
        if src.is_dir():
            src.rename(folder)
        else:
            folder.mkdir(mode=PRIVATE_DIR)
        if manifest.engine == "sqlite":
            (unpacked / SQLITE_ENTRY).rename(folder / SQLITE_NAME)
            _check_sqlite(folder / SQLITE_NAME, manifest)
        keys = unpacked / "keys"
        for name in KEY_FILES:
            if (keys / name).is_file():
                (keys / name).rename(folder / name)
        folder.chmod(PRIVATE_DIR)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Staged(
        manifest=manifest,
        folder=folder,
        target=data_dir,
        missing_keys=_missing_keys(manifest, folder),
    )


def _missing_keys(manifest: Manifest, folder: Path) -> list[str]:
    """Keys the backup's data was made with that the restored install will not have."""
    have = key_fingerprints(data_dir=folder)
    missing = []
    for name in KEY_FILES:
        want = manifest.data["keys"].get(name, {}).get("fingerprints", [])
        if want and not set(want) <= set(have[name]):
            missing.append(name)
    return missing


def restore_database(*, staged: Staged, path: Path, db: Database) -> None:
    """PostgreSQL: load the dump into the database (emptied first), then check its counts."""
    if db.engine != "postgresql":
        return
    if shutil.which("pg_restore") is None:
        raise BackupError(
            "pg_restore is not installed (Debian/Ubuntu: apt install postgresql-client)"
        )
    dump = staged.folder.parent / "unpacked" / PG_ENTRY
    with _pg_connect(db) as con, con.cursor() as cur:
        # --replace: the old schema goes whole; a table the backup lacks must not survive.
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cur.execute("CREATE SCHEMA public")
        con.commit()
    proc = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            db.name,
            str(dump),
        ],
        env=_pg_env(db),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BackupError(f"pg_restore failed: {proc.stderr.strip()[:500]}")
    _compare_counts(pg_facts(db=db)[0], staged.manifest.row_counts, "restored database")


def restore_finish(*, staged: Staged) -> Path | None:
    """Move the staged folder into the target. A replaced folder is kept beside it (returned),
    for the operator to delete once the restored install works."""
    target = staged.target
    old: Path | None = None
    if target.exists() and any(target.iterdir()):
        old = target.with_name(f"{target.name}.replaced-{os.getpid()}")
        target.rename(old)
    elif target.exists():
        target.rmdir()
    staged.folder.rename(target)
    shutil.rmtree(staged.folder.parent, ignore_errors=True)
    return old


def restore_abandon(*, staged: Staged) -> None:
    shutil.rmtree(staged.folder.parent, ignore_errors=True)


def unknown_migrations(*, manifest: Manifest, known: dict[str, set[str]]) -> list[str]:
    """Migrations the backup has applied that this code does not have: a backup from a newer
    version, which this code cannot run on."""
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.migrations.items())
        for name in names
        if app in known and name not in known[app]
    ]
