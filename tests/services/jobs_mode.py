"""Switch the tasks backend inside a test: Django resets no TASKS backend on override_settings
(django.test.signals has no receiver for it), so the handler's cache is dropped here."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.tasks import task_backends
from django.test import override_settings
from django.utils.connection import Local  # type: ignore[attr-defined]  # asgiref's, re-exported


def _reset() -> None:
    task_backends.__dict__.pop("settings", None)
    # Django's own handler internals (no public reset): the stubs do not declare them.
    task_backends._settings = None  # type: ignore[attr-defined]
    task_backends._connections = Local(task_backends.thread_critical)  # type: ignore[attr-defined]


@contextmanager
def jobs_mode(mode: str, **more: object) -> Iterator[None]:
    """'inline' or 'worker' (the database backend), with any other settings overridden."""
    with override_settings(TASKS={"default": {"BACKEND": settings.TASK_BACKENDS[mode]}}, **more):
        _reset()
        try:
            yield
        finally:
            _reset()
    _reset()
