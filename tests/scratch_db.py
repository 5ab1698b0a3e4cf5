"""Scratch PostgreSQL databases beside the test database, for tests that start a real server,
worker or restore against a database of their own.

Why dropping retries: on PostgreSQL 15, `DROP DATABASE … WITH (FORCE)` run by a role that is not
a superuser refuses outright ("must be a member of the role whose process is being terminated or
member of pg_signal_backend") when an autovacuum worker happens to be inside that database,
because an autovacuum worker belongs to no role the caller is a member of. The worker leaves
within moments, so the drop is tried again for a bounded time; any other error is raised at once.
This failed a CI run once, in the teardown of the two-servers test.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from django.db import connection
from django.db.utils import ProgrammingError

_AUTOVACUUM_INSIDE = "pg_signal_backend"
DROP_PATIENCE_S = 30.0  # an autovacuum pass on a test-sized database takes well under a second


def url_of(name: str) -> str:
    """The connection URL of database `name` on the test database's server, same role."""
    db = connection.settings_dict
    auth = f"{quote(str(db['USER']))}:{quote(str(db['PASSWORD']))}"
    return f"postgresql://{auth}@{db['HOST']}:{db['PORT']}/{name}"


def drop(name: str, *, patience_s: float = DROP_PATIENCE_S) -> None:
    """Drop database `name` if it exists, ending its connections (see the module note)."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except ProgrammingError as exc:
            if _AUTOVACUUM_INSIDE not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def create(name: str) -> str:
    """A new empty database `name` (an old one of that name is dropped first); its URL."""
    drop(name)
    with connection.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    return url_of(name)


@contextmanager
def scratch(name: str) -> Iterator[str]:
    """An empty database `name` for the block, dropped after it however the block ends."""
    url = create(name)
    try:
        yield url
    finally:
        drop(name)
