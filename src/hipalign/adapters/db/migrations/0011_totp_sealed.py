"""TOTP seeds sealed at rest (issue 12 item 7): the column widens to text and every seed already
stored is replaced by its Fernet token. Raw SQL, because the field itself now expects tokens."""

from typing import Any

from django.db import migrations

import hipalign.adapters.db.sealed


def _rewrite(schema_editor: Any, change: Any) -> None:
    conn = schema_editor.connection
    table = conn.ops.quote_name("hipalign_totpdevice")
    with conn.cursor() as cur:
        cur.execute(f"SELECT user_id, secret FROM {table}")
        rows = cur.fetchall()
        for user_id, value in rows:
            cur.execute(
                f"UPDATE {table} SET secret = %s WHERE user_id = %s", [change(value), user_id]
            )


def seal_existing(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, hipalign.adapters.db.sealed.seal)


def unseal_existing(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, hipalign.adapters.db.sealed.unseal)


class Migration(migrations.Migration):
    dependencies = [("hipalign", "0010_audit_keyed_chain")]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=hipalign.adapters.db.sealed.SealedTextField(),
        ),
        migrations.RunPython(seal_existing, unseal_existing),
    ]
