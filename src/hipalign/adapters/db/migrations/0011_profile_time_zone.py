from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0010_audit_keyed_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="time_zone",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
