"""Whole-install backup and restore (issue 19): `hipalign backup`, `backup --verify`, `restore`.

Everything runs as the operator runs it: the CLI in subprocesses on a real data folder (the
file database in WAL mode), never the in-memory test database."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests import scratch_db

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "hipalign")
ON_POSTGRESQL = connection.vendor == "postgresql"
LOGS = "hipalign_exerciselogrecord"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    return env | {"HIPALIGN_ENV": "local"} | extra


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], cwd=ROOT, env=_env(**env), capture_output=True, text=True, check=False
    )


def _install(folder: Path, *, migrate_to: str = "", url: str = "") -> None:
    """A fresh install in `folder` (as `hipalign serve` makes it), optionally migrated only up
    to `migrate_to` of the app's migrations (an older version)."""
    code = (
        "import sys; from pathlib import Path; from hipalign.web.server import prepare\n"
        "prepare(Path(sys.argv[1]))\n"
        "from hipalign.services.kernel.audit import audit_record\n"
        "for i in range(3): audit_record(None, 'backup.test', f'row {i}')\n"
        # Through the app's storage API (STORAGES), as uploads are stored.
        "from hipalign.services.kernel.files import save_bytes, store\n"
        "for i in range(3): save_bytes(store(), f'photo-{i}.jpg', bytes([i]) * (1000 + i))\n"
    )
    if migrate_to:
        code = (
            "import django, sys; django.setup()\n"
            "from django.core.management import call_command\n"
            "call_command('migrate', interactive=False, verbosity=0)\n"
            f"call_command('migrate', 'hipalign', {migrate_to!r}, interactive=False, verbosity=0)\n"
        )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=ROOT,
        env=_env(
            HIPALIGN_DATA=str(folder),
            DJANGO_SETTINGS_MODULE="hipalign.web.settings",
            **({"HIPALIGN_DATABASE_URL": url} if url else {}),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    if migrate_to:  # an older install: its files are put where that version kept them
        uploads = folder / "uploads"
        uploads.mkdir(mode=0o700, exist_ok=True)
        for i in range(3):
            (uploads / f"photo-{i}.jpg").write_bytes(bytes([i]) * (1000 + i))
    assert sorted(p.name for p in (folder / "uploads").iterdir()) == [
        f"photo-{i}.jpg" for i in range(3)
    ]


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        fh = tar.extractfile("manifest.json")
        assert fh is not None
        return dict(json.loads(fh.read()))


def _names(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files_match(manifest: dict[str, Any], folder: Path) -> None:
    for entry in manifest["files"]:
        name = entry["name"]
        if name.startswith("data/"):
            on_disk = folder / name.removeprefix("data/")
        elif name.startswith("keys/"):
            on_disk = folder / name.removeprefix("keys/")
        else:
            continue  # the database: its rows are compared instead (it was migrated forward)
        assert _sha(on_disk) == entry["sha256"], name


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's online backup; PostgreSQL below")
def test_a_backup_taken_while_10_writers_log_restores_every_acknowledged_row_and_file(
    tmp_path: Path,
) -> None:
    data, backup, restored = tmp_path / "live", tmp_path / "b.tar", tmp_path / "restored"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.services.backup_writers", str(backup)],
        cwd=ROOT,
        env=_env(HIPALIGN_DATA=str(data), DJANGO_SETTINGS_MODULE="hipalign.web.settings"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backup_error"] == ""
    assert out["errors"] == []
    assert len(out["before"]) >= 60

    verified = _run("backup", "--verify", str(backup))
    assert verified.returncode == 0, verified.stderr
    done = _run("restore", "--data", str(restored), str(backup))
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr  # --with-keys: the chain key came along

    manifest = _manifest(backup)
    con = sqlite3.connect(restored / "hipalign.sqlite3")
    ids = {r[0] for r in con.execute(f"SELECT client_id FROM {LOGS}")}
    for table, n in manifest["row_counts"].items():
        (got,) = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        assert got == n, table
    con.close()
    # Every log acknowledged before the backup began is in it; nothing that was never written.
    assert set(out["before"]) <= ids <= set(out["all"])
    assert len(ids) == manifest["row_counts"][LOGS]
    uploads = [e for e in manifest["files"] if e["name"].startswith("data/uploads/")]
    assert len(uploads) == 5
    media = [e for e in manifest["files"] if e["name"].startswith("data/clinic-media/")]
    assert len(media) == 1  # a clinic's exercise media, from the second named store
    assert manifest["storage"] == "data folder"
    _files_match(manifest, restored)
    chain = _run("audit", "verify", "--data", str(restored))
    assert chain.returncode == 0, chain.stdout + chain.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One seeded install and its default backup (no keys), shared by the tests below."""
    if ON_POSTGRESQL:
        pytest.skip("SQLite install; the PostgreSQL round trip is its own test")
    base = tmp_path_factory.mktemp("installed")
    _install(base / "data")
    made = _run("backup", "--data", str(base / "data"), "--out", str(base / "b.tar"))
    assert made.returncode == 0, made.stderr
    return base / "data", base / "b.tar"


def _damage(backup: Path, dest: Path, names: list[str]) -> None:
    """A copy of `backup` with one byte flipped inside each named entry's data."""
    raw = bytearray(backup.read_bytes())
    with tarfile.open(backup) as tar:
        for name in names:
            m = tar.getmember(name)
            raw[m.offset_data + m.size // 2] ^= 0xFF
    dest.write_bytes(bytes(raw))


def test_a_corrupted_backup_is_refused_with_the_first_bad_entry_named(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = installed
    bad = tmp_path / "bad.tar"
    _damage(backup, bad, ["data/uploads/photo-1.jpg", "data/uploads/photo-2.jpg"])

    verified = _run("backup", "--verify", str(bad))
    assert verified.returncode == 1
    assert "entry data/uploads/photo-1.jpg: sha256 does not match" in verified.stderr
    assert "photo-2" not in verified.stderr

    target = tmp_path / "target"
    refused = _run("restore", "--data", str(target), str(bad))
    assert refused.returncode == 2
    assert "entry data/uploads/photo-1.jpg" in refused.stderr
    assert not target.exists()  # nothing written
    assert list(tmp_path.iterdir()) == [bad]  # and no staging folder left behind

    # The original still verifies: the refusal is about the damage, not the format.
    assert _run("backup", "--verify", str(backup)).returncode == 0


def test_a_damaged_database_entry_and_a_damaged_manifest_are_refused(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = installed
    bad = tmp_path / "bad.tar"
    _damage(backup, bad, ["database/hipalign.sqlite3"])
    verified = _run("backup", "--verify", str(bad))
    assert verified.returncode == 1
    assert "entry database/hipalign.sqlite3: sha256 does not match" in verified.stderr

    _damage(backup, bad2 := tmp_path / "bad2.tar", ["manifest.json"])
    verified = _run("backup", "--verify", str(bad2))
    assert verified.returncode == 1
    assert "manifest.json" in verified.stderr


def test_restore_refuses_a_folder_that_is_not_empty_and_replace_keeps_the_old_one(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = installed
    target = tmp_path / "target"
    target.mkdir()
    (target / "notes.txt").write_text("the operator's")

    refused = _run("restore", "--data", str(target), str(backup))
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr and "--replace" in refused.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]

    done = _run("restore", "--data", str(target), "--replace", str(backup))
    assert done.returncode == 0, done.stderr
    assert (target / "hipalign.sqlite3").is_file()
    assert not (target / "notes.txt").exists()
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("target.replaced-")]
    assert len(kept) == 1 and (kept[0] / "notes.txt").read_text() == "the operator's"
    _files_match(_manifest(backup), target)


def test_a_backup_holds_no_secret_key_and_keys_only_when_asked(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    data, backup = installed
    secret = (data / "secret_key").read_text().strip()
    audit_key = (data / "audit_key").read_text().strip()
    names = _names(backup)
    assert not any(n.startswith("keys/") or "secret" in n for n in names)
    raw = backup.read_bytes()
    assert secret.encode() not in raw and audit_key.encode() not in raw
    manifest = _manifest(backup)
    assert manifest["keys"]["audit_key"]["included"] is False
    assert len(manifest["keys"]["audit_key"]["fingerprints"]) == 1

    # Restored without its keys: the operator is told which ones the data needs.
    done = _run("restore", "--data", str(tmp_path / "r1"), str(backup))
    assert done.returncode == 0, done.stderr
    assert "audit_key" in done.stderr and "totp_keys" in done.stderr
    chain = _run("audit", "verify", "--data", str(tmp_path / "r1"))
    assert chain.returncode == 1  # a fresh key cannot check the old chain

    with_keys = tmp_path / "k.tar"
    made = _run("backup", "--data", str(data), "--out", str(with_keys), "--with-keys")
    assert made.returncode == 0, made.stderr
    names = _names(with_keys)
    assert {"keys/audit_key", "keys/totp_keys"} <= set(names)
    assert secret.encode() not in with_keys.read_bytes()
    done = _run("restore", "--data", str(tmp_path / "r2"), str(with_keys))
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    assert _run("audit", "verify", "--data", str(tmp_path / "r2")).returncode == 0


def test_a_backup_older_than_the_code_is_migrated_forward_on_restore(tmp_path: Path) -> None:
    if ON_POSTGRESQL:
        pytest.skip("SQLite install; the PostgreSQL round trip is its own test")
    old = tmp_path / "old"
    _install(old, migrate_to="0016_skipped_logs")
    made = _run("backup", "--data", str(old), "--out", str(tmp_path / "b.tar"))
    assert made.returncode == 0, made.stderr
    assert _manifest(tmp_path / "b.tar")["migration_heads"]["hipalign"] == "0016_skipped_logs"

    done = _run("restore", "--data", str(tmp_path / "new"), str(tmp_path / "b.tar"))
    assert done.returncode == 0, done.stderr
    assert "migration(s) applied forward" in done.stdout
    con = sqlite3.connect(tmp_path / "new" / "hipalign.sqlite3")
    names = {r[0] for r in con.execute("SELECT name FROM django_migrations WHERE app='hipalign'")}
    con.close()
    assert "0017_safety_stop" in names


def test_a_backup_from_newer_code_is_refused_and_nothing_is_restored(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = installed
    newer = tmp_path / "newer.tar"
    with tarfile.open(backup) as src, tarfile.open(newer, "w") as dst:
        for m in src.getmembers():
            body = src.extractfile(m)
            assert body is not None
            data = body.read()
            if m.name == "manifest.json":
                doc = json.loads(data)
                doc["migrations"]["hipalign"].append("9999_from_the_future")
                data = json.dumps(doc).encode()
                m.size = len(data)
            dst.addfile(m, io.BytesIO(data))
    assert _run("backup", "--verify", str(newer)).returncode == 0  # whole, just newer
    refused = _run("restore", "--data", str(tmp_path / "t"), str(newer))
    assert refused.returncode == 2
    assert "hipalign.9999_from_the_future" in refused.stderr and "upgrade" in refused.stderr
    assert not (tmp_path / "t").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.tar"]


def test_backup_and_restore_say_what_is_wrong_with_their_arguments(tmp_path: Path) -> None:
    nothing = _run("backup", "--data", str(tmp_path))
    assert nothing.returncode == 2 and "--out" in nothing.stderr
    missing = _run("backup", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "b.tar"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "b.tar").exists()
    absent = _run("backup", "--verify", str(tmp_path / "absent.tar"))
    assert absent.returncode == 1 and "does not exist" in absent.stderr
    (tmp_path / "x.tar").write_text("not a tar file at all")
    junk = _run("restore", "--data", str(tmp_path / "t"), str(tmp_path / "x.tar"))
    assert junk.returncode == 2 and "not a readable hipalign backup" in junk.stderr


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs a PostgreSQL server (pg_dump, pg_restore); runs in the PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True)  # CREATE DATABASE cannot run in a transaction
def test_on_postgresql_a_backup_restores_into_an_empty_database_with_equal_counts(
    tmp_path: Path,
) -> None:
    import psycopg

    names = [f"{connection.settings_dict['NAME']}_{part}" for part in ("bsrc", "bdst")]
    src, dst = (scratch_db.create(n) for n in names)
    try:
        _install(tmp_path / "data", url=src)
        made = _run(
            "backup",
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "b.tar"),
            HIPALIGN_DATABASE_URL=src,
        )
        assert made.returncode == 0, made.stderr
        manifest = _manifest(tmp_path / "b.tar")
        assert manifest["database"]["engine"] == "postgresql"
        assert manifest["row_counts"]["hipalign_auditevent"] == 3
        assert _run("backup", "--verify", str(tmp_path / "b.tar")).returncode == 0

        done = _run(
            "restore",
            "--data",
            str(tmp_path / "r"),
            str(tmp_path / "b.tar"),
            HIPALIGN_DATABASE_URL=dst,
        )
        assert done.returncode == 0, done.stderr
        with psycopg.connect(dst) as conn:
            for table, n in manifest["row_counts"].items():
                got = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                assert got is not None and got[0] == n, table
        _files_match(manifest, tmp_path / "r")

        again = _run(
            "restore",
            "--data",
            str(tmp_path / "r2"),
            str(tmp_path / "b.tar"),
            HIPALIGN_DATABASE_URL=dst,
        )
        assert again.returncode == 2 and "is not empty" in again.stderr
        assert not (tmp_path / "r2").exists()
    finally:
        for n in names:
            scratch_db.drop(n)


def test_a_sqlite_backup_into_postgresql_is_refused_naming_the_way_to_move(
    tmp_path: Path,
) -> None:
    if ON_POSTGRESQL:
        pytest.skip("uses the SQLite install's backup")
    folder = tmp_path / "data"
    folder.mkdir()
    sqlite3.connect(folder / "hipalign.sqlite3").close()  # an empty database is a database
    made = _run("backup", "--data", str(folder), "--out", str(tmp_path / "b.tar"))
    assert made.returncode == 0, made.stderr
    refused = _run(
        "restore",
        "--data",
        str(tmp_path / "r"),
        str(tmp_path / "b.tar"),
        HIPALIGN_DATABASE_URL="postgresql://u:p@127.0.0.1:1/none",
    )
    assert refused.returncode == 2
    assert "per-account export" in refused.stderr and "README" in refused.stderr
    assert not (tmp_path / "r").exists()
