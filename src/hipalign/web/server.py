"""Starting the web app: settings for the data folder, migrations, library seed, then serve.

Everything a laptop install needs happens here, so `hipalign serve` is the only step."""

import os
from pathlib import Path


def prepare(data_dir: Path) -> None:
    """Point Django at the data folder, apply migrations and seed the library (idempotent)."""
    os.environ["HIPALIGN_DATA"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipalign.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rate-limit counters (web/ratecache.py)
    from hipalign.services.library_sync import library_seed

    library_seed()


def database_label() -> str:
    """Which database the app uses, for the start message: never the password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if str(db["ENGINE"]).endswith("postgresql"):
        return f"PostgreSQL {db['HOST']}:{db['PORT']}/{db['NAME']} as {db['USER']}"
    return f"SQLite {db['NAME']}"


def serve(host: str, port: int, data_dir: Path, threads: int = 8) -> None:
    prepare(data_dir)
    print(f"hipalign: database {database_label()}", flush=True)
    from waitress import serve as waitress_serve

    from hipalign.web.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="hipalign")
