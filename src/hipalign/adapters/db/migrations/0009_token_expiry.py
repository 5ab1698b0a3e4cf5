"""API tokens get an expiry (issue 12 item 6); tokens made before it expire 90 days after they
were made, the default for new ones, so none lives on without a limit."""

from datetime import timedelta
from typing import Any

from django.db import migrations, models

DEFAULT_DAYS = 90  # services.tokens.DEFAULT_DAYS when this migration was written


def _fill(apps: Any, schema_editor: Any) -> None:
    tokens = apps.get_model("hipalign", "ApiToken")
    for token in tokens.objects.filter(expires_at__isnull=True).iterator():
        token.expires_at = token.created_at + timedelta(days=DEFAULT_DAYS)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("hipalign", "0008_posture_attempts")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
