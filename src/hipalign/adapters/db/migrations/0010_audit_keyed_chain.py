"""The audit chain becomes keyed (issue 12, item 13): rows get a hash scheme; existing rows are
scheme 1 (plain SHA-256) and keep their hashes, and a keyed row is appended after them so the
chain ends in a keyed row, as services.audit requires of a chain that holds."""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import migrations, models


def seal_legacy_rows(apps: Any, schema_editor: Any) -> None:
    events = apps.get_model("hipalign", "AuditEvent")
    last = events.objects.order_by("-id").first()
    if last is None:
        return
    ev = events(action="audit.rekey", target="scheme 2", prev_hash=last.hash, hash="", scheme=2)
    ev.save()
    # Scheme 2 as services.audit._keyed_digest makes it, frozen here as migrations must be.
    parts = ["2", str(ev.id), last.hash, ev.at.isoformat(), "None", ev.action, ev.target, "None"]
    ev.hash = hmac.new(settings.AUDIT_KEY, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    ev.save(update_fields=["hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0009_token_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(seal_legacy_rows, migrations.RunPython.noop),
    ]
