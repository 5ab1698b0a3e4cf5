"""The models and the committed migrations agree (RELIABILITY.md 5: makemigrations --check)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_have_no_migration_missing() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
