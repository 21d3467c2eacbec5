"""The static/media system checks (staticmedia/checks.py): each one fires on its mistake with
the fix in its hint, and none fires on the settings as they are."""

import importlib

import pytest
from django.test import override_settings

from .conftest import {% if cookiecutter.web_server == "none" %}HASHED_STATIC, {% endif %}LOCAL_MEDIA, messages, only

PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
IN_MEMORY_MEDIA = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


def test_silent_on_the_generated_development_settings(use_settings):
    use_settings(importlib.import_module("config.settings.dev"))
    assert messages(deploy=False) == []


def test_silent_on_the_generated_production_settings(use_settings, prod_settings):
    use_settings(prod_settings)
    assert messages(deploy=True) == []


def test_static_root_inside_a_staticfiles_dir(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    with override_settings(STATICFILES_DIRS=[source], STATIC_ROOT=source / "collected"):
        message = only("staticmedia.E001")
    assert "STATIC_ROOT" in message.msg and "outside the source folders" in message.hint


def test_media_root_inside_a_staticfiles_dir(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    with override_settings(STATICFILES_DIRS=[("assets", source)], MEDIA_ROOT=source / "up"):
        message = only("staticmedia.E002")
    assert "publish user uploads" in message.msg and "MEDIA_ROOT" in message.hint
{%- if cookiecutter.web_server == "none" %}


def test_local_media_with_debug_off():
    with override_settings(DEBUG=False, STORAGES={
        "default": LOCAL_MEDIA, "staticfiles": HASHED_STATIC,
    }):  # fmt: skip
        message = only("staticmedia.W006", deploy=True)
        assert messages(deploy=False) == []  # a deployment check: `check --deploy` only
    assert "MEDIA_ROOT" in message.msg and "S3" in message.hint
{%- endif %}


@pytest.mark.parametrize("alias", ["default", "private"])
def test_local_uploads_that_overwrite_each_other(alias, settings):
    storage = settings.STORAGES[alias]
    overwriting = {**storage, "OPTIONS": {**storage.get("OPTIONS", {}), "allow_overwrite": True}}
    with override_settings(STORAGES={**settings.STORAGES, alias: overwriting}):
        message = only("staticmedia.W007")
    assert f"STORAGES[{alias!r}]" in message.msg and '"allow_overwrite": False' in message.hint


@pytest.mark.parametrize("public", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_private_files_in_a_folder_served_to_anyone(public, settings, tmp_path):
    private = {"BACKEND": LOCAL_MEDIA["BACKEND"], "OPTIONS": {"location": tmp_path / "p"}}
    storages = {**settings.STORAGES, "private": private}
    with override_settings(STORAGES=storages, **{public: tmp_path}):
        message = only("staticmedia.E006")
    assert public in message.msg and "PRIVATE_MEDIA_ROOT outside" in message.hint


def test_static_storage_without_hashed_names(tmp_path):
    storages = {"default": IN_MEMORY_MEDIA, "staticfiles": PLAIN_STATIC}
    # BASE_DIR without deploy/: the web server site has checks of its own (test_checks_deploy.py).
    with override_settings(BASE_DIR=tmp_path, STORAGES=storages):
        message = only("staticmedia.W009", deploy=True)
        assert messages(deploy=False) == []  # a deployment check: `check --deploy` only
    assert "ManifestStaticFilesStorage" in message.hint and "collectstatic" in message.hint
