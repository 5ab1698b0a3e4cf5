"""Settings: production refuses to start when unsafe, and what it sets when it starts; the local
mode's own key; the system checks `check --deploy` adds (RELIABILITY.md 2).

Settings modules are imported in a fresh interpreter each time: they read the environment once,
at import, and the test process has the test settings loaded already."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from hipalign.web.checks import hipalign_security

GOOD_KEY = secrets.token_urlsafe(64)
SHOWN = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "CSRF_TRUSTED_ORIGINS",
    "PASSWORD_HASHERS",
    "SECRET_KEY",
]
PRINT_SETTINGS = (
    "import json, hipalign.web.settings as s; "
    f"print(json.dumps({{k: getattr(s, k, None) for k in {SHOWN!r}}}))"
)


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    return base | {"HIPALIGN_DATA": str(tmp_path)} | values


def _run(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    proc = _run(tmp_path, PRINT_SETTINGS, **env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "HIPALIGN_SECRET_KEY"),
        ({"HIPALIGN_SECRET_KEY": "django-insecure-" + GOOD_KEY}, "HIPALIGN_SECRET_KEY"),
        ({"HIPALIGN_SECRET_KEY": "s3cret-but-short"}, "HIPALIGN_SECRET_KEY"),
        ({"HIPALIGN_SECRET_KEY": "ab" * 40}, "HIPALIGN_SECRET_KEY"),  # long, but two characters
        ({"HIPALIGN_SECRET_KEY": GOOD_KEY}, "HIPALIGN_ALLOWED_HOSTS"),
        (
            {"HIPALIGN_SECRET_KEY": GOOD_KEY, "HIPALIGN_ALLOWED_HOSTS": ","},
            "HIPALIGN_ALLOWED_HOSTS",
        ),
    ],
    ids=["no-key", "insecure-key", "short-key", "low-variety-key", "no-hosts", "empty-hosts"],
)
def test_production_refuses_to_start_naming_what_is_missing(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    hosts = {} if "HIPALIGN_SECRET_KEY" in env else {"HIPALIGN_ALLOWED_HOSTS": "clinic.example"}

    proc = _run(tmp_path, "import hipalign.web.settings", HIPALIGN_ENV="production", **hosts, **env)

    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert named in proc.stderr
    assert GOOD_KEY not in proc.stderr  # the key itself is never echoed


def test_production_with_a_good_key_and_hosts_starts_with_secure_cookies_and_hsts(
    tmp_path: Path,
) -> None:
    s = _settings(
        tmp_path,
        HIPALIGN_ENV="production",
        HIPALIGN_SECRET_KEY=GOOD_KEY,
        HIPALIGN_ALLOWED_HOSTS="clinic.example,www.clinic.example",
    )

    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["clinic.example", "www.clinic.example"]
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"]) == (True, True)
    assert (s["SESSION_COOKIE_NAME"], s["CSRF_COOKIE_NAME"]) == (
        "__Host-sessionid",
        "__Host-csrftoken",
    )
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31_536_000
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://clinic.example", "https://www.clinic.example"]
    assert s["SESSION_COOKIE_AGE"] == 1800
    assert s["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert s["SECRET_KEY"] == GOOD_KEY


def test_production_passes_the_deploy_checks_including_hipaligns_own(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR"],
        env=_env(
            tmp_path,
            HIPALIGN_ENV="production",
            HIPALIGN_SECRET_KEY=GOOD_KEY,
            HIPALIGN_ALLOWED_HOSTS="clinic.example",
            DJANGO_SETTINGS_MODULE="hipalign.web.settings",
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert "hipalign.E" not in proc.stdout + proc.stderr


def test_local_mode_uses_argon2_and_a_private_per_install_key(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    first = _settings(tmp_path, HIPALIGN_ENV="local")
    again = _settings(tmp_path, HIPALIGN_ENV="local")
    elsewhere = _settings(tmp_path / "other", HIPALIGN_ENV="local")

    assert first["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "MD5" not in " ".join(first["PASSWORD_HASHERS"])
    assert first["DEBUG"] is False
    assert len(first["SECRET_KEY"]) >= 50
    assert first["SECRET_KEY"] == again["SECRET_KEY"] != elsewhere["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (first["SESSION_COOKIE_SECURE"], first["SESSION_COOKIE_AGE"]) == (None, 1800)


AUDIT_KEY_CODE = "import hipalign.web.settings as s; print(s.AUDIT_KEY.decode())"


def test_the_audit_key_is_a_private_file_in_the_data_folder_or_the_environment(
    tmp_path: Path,
) -> None:
    """Issue 12, item 13: the audit chain's key is kept out of the database."""
    first = _run(tmp_path, AUDIT_KEY_CODE, HIPALIGN_ENV="local")
    again = _run(tmp_path, AUDIT_KEY_CODE, HIPALIGN_ENV="local")
    given = _run(tmp_path, AUDIT_KEY_CODE, HIPALIGN_ENV="local", HIPALIGN_AUDIT_KEY=GOOD_KEY)

    key_file = tmp_path / "audit_key"
    assert first.stdout.strip() == again.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert given.stdout.strip() == GOOD_KEY


def test_a_short_audit_key_refuses_to_start(tmp_path: Path) -> None:
    got = _run(tmp_path, AUDIT_KEY_CODE, HIPALIGN_ENV="local", HIPALIGN_AUDIT_KEY="short")
    assert got.returncode != 0
    assert "HIPALIGN_AUDIT_KEY: needs at least 32 random characters" in got.stderr
    assert "short" not in got.stderr.replace("HIPALIGN_AUDIT_KEY", "")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HIPALIGN_ENV": "staging"}, "HIPALIGN_ENV"),
        # The old variable is refused rather than ignored: ignoring it would mean SQLite.
        ({"HIPALIGN_ENV": "local", "HIPALIGN_DATABASE": "postgres://x"}, "HIPALIGN_DATABASE_URL"),
        (
            {"HIPALIGN_ENV": "local", "HIPALIGN_DATABASE_URL": f"mysql://u:{GOOD_KEY}@h/db"},
            "HIPALIGN_DATABASE_URL",
        ),
        (
            {"HIPALIGN_ENV": "local", "HIPALIGN_DATABASE_URL": f"postgresql://u:{GOOD_KEY}@h:5432"},
            "HIPALIGN_DATABASE_URL",
        ),
    ],
    ids=["unknown-mode", "old-database-variable", "not-postgresql", "no-database-name"],
)
def test_unknown_mode_or_database_refuses_to_start(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    proc = _run(tmp_path, "import hipalign.web.settings", **env)

    assert proc.returncode != 0
    assert named in proc.stderr
    assert GOOD_KEY not in proc.stderr  # the password in the URL is never echoed


PRINT_DATABASE = (
    "import json, hipalign.web.settings as s; "
    "print(json.dumps({**s.DATABASES['default'], 'ATOMIC': s.DATABASES['default'].get("
    "'ATOMIC_REQUESTS', False)}, default=str))"
)


def test_without_a_database_url_the_app_uses_embedded_sqlite_in_the_data_folder(
    tmp_path: Path,
) -> None:
    proc = _run(tmp_path, PRINT_DATABASE, HIPALIGN_ENV="local")
    db = json.loads(proc.stdout)

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "hipalign.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in db["OPTIONS"]["init_command"]
    assert db["ATOMIC"] is False


def test_a_postgresql_url_selects_postgresql_with_psycopg_3_and_checked_persistent_connections(
    tmp_path: Path,
) -> None:
    url = f"postgresql://clinic:{GOOD_KEY}@db.internal:5433/hipalign?sslmode=require"
    code = PRINT_DATABASE.replace(
        "print(", "from django.db.backends.postgresql.psycopg_any import is_psycopg3; print("
    ).replace("'ATOMIC':", "'psycopg3': is_psycopg3, 'ATOMIC':")
    proc = _run(tmp_path, code, HIPALIGN_ENV="local", HIPALIGN_DATABASE_URL=url)
    assert proc.returncode == 0, proc.stderr
    db = json.loads(proc.stdout)

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["psycopg3"] is True
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        5433,
        "hipalign",
        "clinic",
    )
    assert db["PASSWORD"] == GOOD_KEY
    assert (db["CONN_HEALTH_CHECKS"], db["CONN_MAX_AGE"]) == (True, 300)
    assert db["OPTIONS"] == {
        "sslmode": "require",
        "connect_timeout": 5,
        "application_name": "hipalign",
    }
    assert db["ATOMIC"] is False  # as on SQLite: views commit what their service commits
    assert not (tmp_path / "hipalign.sqlite3").exists()


def test_test_settings_hash_fast_but_keep_argon2_available() -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS


def test_sessions_expire_after_30_idle_minutes_and_12_hours_in_all() -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # renewed by middleware, once a minute
    assert settings.SESSION_ABSOLUTE_S == 12 * 60 * 60


# --- hipalign's own system checks ------------------------------------------------------------


def _check_ids() -> list[str]:
    return [e.id for e in hipalign_security(None)]  # type: ignore[misc]


def test_system_checks_pass_on_the_configured_settings() -> None:
    assert _check_ids() == []


@override_settings(
    ENV="local", PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
def test_system_check_flags_a_first_hasher_that_is_not_argon2() -> None:
    assert _check_ids() == ["hipalign.E001"]


def test_system_check_flags_missing_login_throttling() -> None:
    middleware = [m for m in settings.MIDDLEWARE if "axes" not in m]
    with override_settings(MIDDLEWARE=middleware):
        assert _check_ids() == ["hipalign.E002"]


@override_settings(SECURE_CSP={})
def test_system_check_flags_a_missing_csp() -> None:
    assert _check_ids() == ["hipalign.E003"]


@override_settings(SESSION_COOKIE_AGE=14 * 24 * 3600)
def test_system_check_flags_long_sessions() -> None:
    assert _check_ids() == ["hipalign.E004"]


EMERGENCY_CODE = "import hipalign.web.settings as s; print(s.EMERGENCY_NUMBER)"


def test_the_emergency_number_is_112_unless_the_operator_sets_another(tmp_path: Path) -> None:
    default = _run(tmp_path, EMERGENCY_CODE, HIPALIGN_ENV="local")
    local = _run(tmp_path, EMERGENCY_CODE, HIPALIGN_ENV="local", HIPALIGN_EMERGENCY_NUMBER="+1 911")

    assert default.stdout.strip() == "112", default.stderr
    assert local.stdout.strip() == "+1 911", local.stderr


@pytest.mark.parametrize(
    "bad", ["911; DROP", "tel:112", "1-1-2", "+", "\uff11\uff11\uff12", "1" * 25]
)
def test_a_bad_emergency_number_refuses_to_start_saying_what_is_allowed(
    tmp_path: Path, bad: str
) -> None:
    proc = _run(tmp_path, EMERGENCY_CODE, HIPALIGN_ENV="local", HIPALIGN_EMERGENCY_NUMBER=bad)

    assert proc.returncode != 0
    assert "HIPALIGN_EMERGENCY_NUMBER: use digits, an optional leading + and spaces" in proc.stderr


STORES = (
    "import json, hipalign.web.settings as s; "
    "print(json.dumps({k: [v['BACKEND'], str(v.get('OPTIONS', {}).get('location'))] "
    "for k, v in s.STORAGES.items()}))"
)


def test_files_are_stored_in_the_data_folder_unless_a_bucket_is_named(tmp_path: Path) -> None:
    proc = _run(tmp_path, STORES, HIPALIGN_ENV="local")
    assert proc.returncode == 0, proc.stderr
    stores = json.loads(proc.stdout)
    on_disk = "django.core.files.storage.FileSystemStorage"
    assert stores["default"] == [on_disk, str(tmp_path.resolve() / "uploads")]
    assert stores["clinic_media"] == [on_disk, str(tmp_path.resolve() / "clinic-media")]
    assert "staticfiles" in stores  # a STORAGES without it would break the static files


def test_a_named_bucket_moves_both_stores_to_s3_under_their_own_prefixes(tmp_path: Path) -> None:
    proc = _run(tmp_path, STORES, HIPALIGN_ENV="local", HIPALIGN_S3_BUCKET="clinic-files")
    assert proc.returncode == 0, proc.stderr
    stores = json.loads(proc.stdout)
    s3 = "storages.backends.s3.S3Storage"
    assert stores["default"] == [s3, "uploads"]
    assert stores["clinic_media"] == [s3, "clinic-media"]
