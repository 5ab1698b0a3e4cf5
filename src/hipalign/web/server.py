"""Starting the web app: settings for the data folder, migrations, library seed, then serve.

Everything a laptop install needs happens here, so `hipalign serve` is the only step."""

import gc
import logging
import os
import sys
from pathlib import Path

# Issue 12.16: the data folder holds health data and the keys; only the account running the
# app may read it. The umask covers every file made later (SQLite's WAL and shared-memory files
# take the database file's mode); the chmods below also fix an older install's files.
PRIVATE_UMASK = 0o077
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
DATA_FILES = (
    "hipalign.sqlite3",
    "hipalign.sqlite3-wal",
    "hipalign.sqlite3-shm",
    "hipalign.sqlite3-journal",
    "secret_key",
)


def make_private(data_dir: Path) -> None:
    """The data folder 0700, the files the app keeps in it 0600 (the uploads folder too)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        data_dir.chmod(PRIVATE_DIR)
        for name in DATA_FILES:
            if (data_dir / name).is_file():
                (data_dir / name).chmod(PRIVATE_FILE)
        uploads = data_dir / "uploads"
        if uploads.is_dir():
            uploads.chmod(PRIVATE_DIR)
            for f in uploads.iterdir():
                if f.is_file():
                    f.chmod(PRIVATE_FILE)
    except PermissionError as exc:  # a folder the operator gave that another account owns
        print(f"hipalign: could not make {exc.filename} private: {exc.strerror}", file=sys.stderr)


def prepare(data_dir: Path) -> None:
    """Point Django at the data folder, apply migrations and seed the library (idempotent)."""
    os.umask(PRIVATE_UMASK)
    make_private(data_dir)
    os.environ["HIPALIGN_DATA"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipalign.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rate-limit counters (web/ratecache.py)
    make_private(data_dir)  # the database, WAL and shared-memory files exist now


def database_label() -> str:
    """Which database the app uses, for the start message: never the password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if str(db["ENGINE"]).endswith("postgresql"):
        return f"PostgreSQL {db['HOST']}:{db['PORT']}/{db['NAME']} as {db['USER']}"
    return f"SQLite {db['NAME']}"


def proxy_options() -> dict[str, object]:
    """waitress's trusted-proxy options for HIPALIGN_TRUSTED_PROXY (settings.TRUSTED_PROXY).

    From that address only, X-Forwarded-Proto sets the scheme (so Django sees HTTPS, stops
    redirecting and sends HSTS and secure cookies) and X-Forwarded-For the client address
    (HIPALIGN_TRUSTED_PROXIES hops, default 1); from any other peer waitress drops them
    (clear_untrusted_proxy_headers, waitress 3's default, set here so it stays so)."""
    from django.conf import settings

    if not settings.TRUSTED_PROXY:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": settings.TRUSTED_PROXY,
        "trusted_proxy_count": max(1, int(settings.TRUSTED_PROXIES)),
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        "clear_untrusted_proxy_headers": True,
    }


def settle_heap() -> int:
    """Load every view module, then move all objects made so far (Django, the app, the
    libraries: about 215,000) out of the garbage collector's reach, and return how many.

    They live as long as the process, yet every full collection walked them again: 120 ms
    with all 8 request threads stopped, on this install, a few times a minute under load
    (the tail of bench/web_speed.py at 50 users). Frozen, a full collection only walks what
    requests made since (under 1 ms). The frozen objects are never freed, which is what a
    server's code and settings need anyway (the gc.freeze documentation's own use)."""
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # imports the URLconf and with it every view module
    gc.collect()  # what startup left as garbage is freed first, not frozen
    gc.freeze()
    return gc.get_freeze_count()


def serve(host: str, port: int, data_dir: Path, threads: int = 8) -> None:
    prepare(data_dir)
    print(f"hipalign: database {database_label()}", flush=True)
    from hipalign.web import pose_assets

    # Hashes the pose model files once, at start: the player offers the camera only if they match.
    print(f"hipalign: {pose_assets.verify().message()}", flush=True)
    from django.conf import settings
    from waitress import serve as waitress_serve

    from hipalign.web.wsgi import application

    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not settings.TRUSTED_PROXY:
        print(
            "hipalign: warning: HTTPS redirect is on but HIPALIGN_TRUSTED_PROXY is not set: "
            "behind a TLS proxy every request is redirected again (set it to the proxy's "
            "address, e.g. 127.0.0.1)",
            file=sys.stderr,
            flush=True,
        )
    from hipalign.services.kernel.jobs import backend_kind

    if backend_kind() == "inline":
        # No worker in a one-process install: reminders would never go out without this clock.
        import threading

        from hipalign.services.ops.periodic import inline_clock

        threading.Thread(
            target=inline_clock, kwargs={"stop": threading.Event()}, daemon=True, name="clock"
        ).start()
    # waitress.serve() calls logging.basicConfig(), which would add a plain root handler and
    # print every request twice (our JSON line, then "INFO:hipalign.request:request"). A root
    # handler that drops records makes basicConfig a no-op; our loggers keep their JSON handler.
    logging.getLogger().addHandler(logging.NullHandler())
    settle_heap()
    import threading

    from hipalign.web.list_warmup import list_warmer

    # After the heap is frozen: what the lists keep is live data, not startup's.
    threading.Thread(
        target=list_warmer, kwargs={"stop": threading.Event()}, daemon=True, name="lists"
    ).start()
    waitress_serve(
        application, host=host, port=port, threads=threads, ident="hipalign", **proxy_options()
    )


def message_catalogs_report() -> dict[str, tuple[list[str], int, int]]:
    """The pages' catalogs checked against their marked strings, for `hipalign i18n check`
    (web/locale_build.py); needs no database, so the check runs before any install step."""
    from hipalign.web import locale_build

    return locale_build.report()
