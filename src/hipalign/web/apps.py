from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hipalign.web"
    label = "hipalign_web"
    verbose_name = "hipalign web"

    def ready(self) -> None:
        from hipalign.web import checks  # noqa: F401  (registers the system checks)
