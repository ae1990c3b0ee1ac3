import pytest
from django.conf import settings


class UndefinedTemplateVariable(str):
    """`string_if_invalid` that fails the test on `{{ undefined }}` (Django formats it with `%` on each miss)."""

    def __mod__(self, name):
        raise AssertionError(f"Undefined template variable: {name}")

    def __contains__(self, item):
        return item == "%s"


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = UndefinedTemplateVariable("%s")


@pytest.fixture
def is_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
