from django.apps import AppConfig


class DbConfig(AppConfig):
    name = "hipalign.adapters.db"
    label = "hipalign"
    verbose_name = "hipalign"
    default_auto_field = "django.db.models.BigAutoField"
