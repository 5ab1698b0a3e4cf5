"""Issue 12.16: the database, its WAL and every file in the data folder are private (0600/0700),
on a fresh install and on an older one, whatever the umask of the shell that starts the app."""

import os
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.web.test_server import _free_port

STARTUP_S = 90
SHELL_UMASK = 0o022  # the usual default: files 0644, folders 0755, readable by everyone


def _env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    return base | {"HIPALIGN_ENV": "local"}


def _modes(data: Path) -> dict[str, int]:
    out = {".": stat.S_IMODE(data.stat().st_mode)}
    for p in data.rglob("*"):
        out[str(p.relative_to(data))] = stat.S_IMODE(p.stat().st_mode)
    return out


def _private(modes: dict[str, int], data: Path) -> list[str]:
    wrong = []
    for name, mode in modes.items():
        want = 0o700 if (data / name).is_dir() else 0o600
        if mode != want:
            wrong.append(f"{name}: {oct(mode)}, want {oct(want)}")
    return wrong


def test_serve_creates_the_database_its_wal_and_every_data_file_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = _free_port()
    cmd = [sys.executable, "-m", "hipalign.cli.main", "serve", "--port", str(port)]
    cmd += ["--data", str(data), "--threads", "2"]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            preexec_fn=lambda: os.umask(SHELL_UMASK),
        )
        try:
            deadline = time.monotonic() + STARTUP_S
            status = None
            while time.monotonic() < deadline and proc.poll() is None and status is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/signup", timeout=5) as r:
                        status = r.status
                except OSError:
                    time.sleep(0.5)
            modes = _modes(data)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert status == 200, log.read_text(errors="replace")
    assert {"hipalign.sqlite3", "hipalign.sqlite3-wal", "secret_key"} <= set(modes)
    assert _private(modes, data) == []


def test_an_older_install_with_readable_files_is_made_private_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    with sqlite3.connect(data / "hipalign.sqlite3") as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    (data / "secret_key").write_text("k" * 64)
    (data / "uploads").mkdir()
    (data / "uploads" / "old.png").write_bytes(b"x")
    for p in [data / "hipalign.sqlite3", data / "secret_key", data / "uploads" / "old.png"]:
        p.chmod(0o644)
    (data / "uploads").chmod(0o755)
    run = subprocess.run(
        [sys.executable, "-m", "hipalign.cli.main", "worker", "--once", "--data", str(data)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=STARTUP_S,
        check=False,
        cwd=tmp_path,
        preexec_fn=lambda: os.umask(SHELL_UMASK),
    )
    assert run.returncode == 0, run.stderr
    modes = _modes(data)
    assert {"hipalign.sqlite3", "secret_key", "uploads/old.png"} <= set(modes)
    assert _private(modes, data) == []
