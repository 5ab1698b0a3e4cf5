from typing import Any

from django.db import migrations, models


def fill_weeks(apps: Any, schema_editor: Any) -> None:
    """Existing plans: their sessions of the week, as core.adherence.planned_week makes them
    (written out here: a migration keeps the shape of its day, whatever the code becomes)."""
    plans = apps.get_model("hipalign", "PlanRecord")
    for pk, document in plans.objects.values_list("id", "document").iterator(chunk_size=500):
        body = (document or {}).get("plan") or {}
        week = [
            {
                "day": d["day"],
                "session": d.get("session", 1),
                "exercises": list(dict.fromkeys(it["exercise"] for it in d.get("items", []))),
            }
            for d in body.get("days", [])
        ]
        plans.objects.filter(pk=pk).update(week=week)


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0031_log_user_day_cover"),
    ]

    operations = [
        migrations.AddField(
            model_name="planrecord",
            name="week",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(fill_weeks, migrations.RunPython.noop),
    ]
