# A clinic's own photo or video of an exercise gets an optional caption (issue 16).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0029_profile_program_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinicmedia",
            name="caption",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
    ]
