"""What several test modules use: production settings, settings applied for one test, the
app's check messages, the explain command's output, two storage configurations."""

import contextlib
import importlib
import io
import sys

import pytest
from django.conf import global_settings, settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings

LOCAL_MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
HASHED_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}

# The smallest environment production settings accept: what .env.example marks required.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL": "postgres://user:password@127.0.0.1:5432/db",
{%- endif %}
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
    "DJANGO_S3_BUCKET": "test-bucket",
{%- endif %}
}


@pytest.fixture
def prod_settings(monkeypatch):
    """config.settings.prod imported fresh, as production would, with PRODUCTION_ENV set."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return import_fresh("config.settings.prod")


def import_fresh(module):
    """A settings module imported again, reading the environment as it is now."""
    for name in [name for name in sys.modules if name.startswith("config.settings.")]:
        if name != "config.settings.test":
            del sys.modules[name]
    return importlib.import_module(module)


@pytest.fixture
def use_settings():
    """use(module): run the rest of the test with every setting `module` defines, as if it
    were DJANGO_SETTINGS_MODULE (the test database is kept)."""
    with contextlib.ExitStack() as stack:

        def use(module):
            # What the module sets, and Django's default for what only the test settings set.
            wanted = {
                name: getattr(global_settings, name)
                for name in dir(global_settings)
                if name.isupper() and settings.is_overridden(name)
            }
            wanted.update((name, getattr(module, name)) for name in dir(module))
            changed = {
                name: value
                for name, value in wanted.items()
                if name.isupper() and name != "DATABASES" and getattr(settings, name, None) != value
            }
            stack.enter_context(override_settings(**changed))

        yield use


def messages(deploy=False):
    """What `manage.py check` (with --deploy: `check --deploy`) reports from the app."""
    found = run_checks(include_deployment_checks=deploy)
    return [message for message in found if message.id.startswith("staticmedia.")]


def only(check_id, deploy=False):
    """The one message the settings trigger; fails if any other staticmedia check fires."""
    found = messages(deploy)
    assert [message.id for message in found] == [check_id], [str(m) for m in found]
    return found[0]


def explain():
    """`manage.py staticmedia`'s output as {"static": {row: value}, "media": {...}, ...}."""
    out = io.StringIO()
    call_command("staticmedia", stdout=out, no_color=True)
    sections, rows = {}, None
    for line in out.getvalue().splitlines():
        if line.startswith(("Static files", "Media files", "Private files")):
            rows = sections.setdefault(line.split()[0].lower(), {})
        elif line.startswith("  ") and rows is not None:
            name, value = line.strip().split("  ", 1)
            rows[name] = value.strip()
    return sections
