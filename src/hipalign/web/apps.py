from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hipalign.web"
    label = "hipalign_web"
    verbose_name = "hipalign web"

    def ready(self) -> None:
        from hipalign.web import checks, signals  # noqa: F401  (registers checks and receivers)
