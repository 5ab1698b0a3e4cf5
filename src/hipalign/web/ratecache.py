"""The cache the rate limits count in: Django's database cache with an atomic increment.

Counters must hold across waitress threads and across processes (several `hipalign serve`, a
worker), so they live in the database every process shares, in the table `hipalign_ratelimit`
(made by `hipalign serve`, and by the test runner). Django's DatabaseCache increments by read
then write; django-ratelimit refuses such caches (check E003) because two requests could read
the same count. Here the read and the write are one transaction that holds a lock: SQLite's
IMMEDIATE transactions take the write lock at BEGIN (settings.py), PostgreSQL takes an advisory
lock on the key.
"""

import zlib
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        with transaction.atomic(using=db):
            if connections[db].vendor == "postgresql":
                # One bigint lock per key: a fixed prefix ("HR") above the key's CRC-32.
                crc = zlib.crc32(self.make_and_validate_key(key, version=version).encode())
                with connections[db].cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [(0x4852 << 32) | crc])
            return int(super().incr(key, delta, version))
