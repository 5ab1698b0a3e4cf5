import contextlib

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hipalign.web"
    label = "hipalign_web"
    verbose_name = "hipalign web"

    def ready(self) -> None:
        from hipalign.web import checks, locale_build, signals  # noqa: F401  (registers checks)

        # A checkout that skipped scripts/assets still shows its languages; an install whose
        # package folder is read-only was compiled at build time (Containerfile) instead.
        with contextlib.suppress(OSError):
            locale_build.compile_all()
