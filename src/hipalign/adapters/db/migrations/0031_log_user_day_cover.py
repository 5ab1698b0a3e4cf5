# The (user, day) log index covers the columns the clinician's list reads (issue 19).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0030_clinic_media_caption"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="exerciselogrecord",
            name="hipalign_ex_user_id_095862_idx",
        ),
        migrations.AddIndex(
            model_name="exerciselogrecord",
            index=models.Index(
                fields=["user", "performed_on"],
                include=("session", "exercise_id", "skipped", "pain_during"),
                name="log_user_day_cover",
            ),
        ),
    ]
