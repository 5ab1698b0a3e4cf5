"""The exercise library in the database, seeded by id from the core's data files."""

from dataclasses import dataclass

from django.db import transaction

from hipalign.adapters.db.models import LibraryExercise
from hipalign.core.library import default_library


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    unchanged: int


def library_seed() -> SeedResult:
    """Upsert every core exercise by id. Local (admin-added) entries are left alone; a local
    entry that takes a core id is replaced, because the files are the source of truth."""
    created = updated = unchanged = 0
    existing = {e.id: e for e in LibraryExercise.objects.all()}
    with transaction.atomic():
        for ex in default_library().values():
            data = ex.model_dump(mode="json")
            fields = {
                "name": ex.name,
                "origin": "core",
                "position": ex.position,
                "intent": ex.primary_intent,  # a CharField; the whole list is in `data`
                "equipment": list(ex.equipment),
                "targets": list(ex.targets),
                "contraindications": list(ex.contraindications),
                "data": data,
            }
            row = existing.get(ex.id)
            if row is None:
                LibraryExercise.objects.create(id=ex.id, **fields)
                created += 1
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                row.save()
                updated += 1
            else:
                unchanged += 1
    return SeedResult(created, updated, unchanged)
