"""The environment production reads: a variable that is missing, blank or malformed is named;
an optional one left blank takes its default."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from .conftest import import_fresh


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "Set the DJANGO_SECRET_KEY environment variable"),
        ("DJANGO_SECRET_KEY", "", "Set the DJANGO_SECRET_KEY environment variable"),
        ("DJANGO_MAX_UPLOAD_SIZE", "10MB", "DJANGO_MAX_UPLOAD_SIZE is malformed: invalid literal"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "DJANGO_SECURE_HSTS_SECONDS is malformed"),
    ],
)
def test_a_bad_variable_is_named(prod_settings, monkeypatch, variable, value, message):
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        import_fresh("config.settings.prod")


def test_optional_variables_left_blank_take_their_defaults(prod_settings, monkeypatch):
    # .env.example lists optional variables with no value: blank means "use the default".
    monkeypatch.setenv("DJANGO_MAX_UPLOAD_SIZE", "")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "")
    settings = import_fresh("config.settings.prod")
    assert settings.MAX_UPLOAD_SIZE == {{ cookiecutter.__max_upload_size }}
    assert settings.ALLOWED_HOSTS == ["{{ cookiecutter.domain_name }}"]
