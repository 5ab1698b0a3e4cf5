from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0011_totp_sealed"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="time_zone",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
