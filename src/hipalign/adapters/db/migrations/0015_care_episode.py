"""Outcome scores move from plan versions to the person's episode of care (issue 14, item 1).

Every person with scores or a plan gets one episode, and all their stored scores join it: before
this, scores followed the intake, so an assessment (which makes a new intake) hid them. The
episode starts at the earliest of the person's plans and scores (as
core.outcomes.episode.first_episode_start says; repeated here so this migration keeps doing what
it did when the core changes)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def attach_scores(apps, schema_editor):  # type: ignore[no-untyped-def]
    plans = apps.get_model("hipalign", "PlanRecord")
    outcomes = apps.get_model("hipalign", "OutcomeRecord")
    episodes = apps.get_model("hipalign", "CareEpisode")
    starts: dict[int, object] = {}
    for uid, day in plans.objects.values_list("user_id", "starts_on"):
        starts[uid] = min(day, starts.get(uid, day))
    for uid, day in outcomes.objects.values_list("user_id", "performed_on"):
        starts[uid] = min(day, starts.get(uid, day))
    for uid, day in starts.items():
        episode = episodes.objects.create(
            user_id=uid, started_on=day, started_by_id=uid, started_by_role="person"
        )
        outcomes.objects.filter(user_id=uid).update(episode=episode)


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0014_password_reset_link"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CareEpisode",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("started_on", models.DateField()),
                ("started_by_role", models.CharField(default="person", max_length=10)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "started_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="episodes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["user", "-created_at"], name="hipalign_ca_user_id_f86e1f_idx"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="outcomerecord",
            name="episode",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="hipalign.careepisode",
            ),
        ),
        migrations.RunPython(attach_scores, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outcomerecord",
            name="episode",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="hipalign.careepisode",
            ),
        ),
    ]
