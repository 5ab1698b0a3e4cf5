# Issue 15: the exercise library is the validated data files (core/library), read by the planner
# and translated there; this table was seeded from them at every start and editable in Django's
# admin, but nothing read it. Dropped, with the admin site that showed it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hipalign", "0033_message_open_by_link"),
    ]

    operations = [
        migrations.DeleteModel(
            name="LibraryExercise",
        ),
    ]
