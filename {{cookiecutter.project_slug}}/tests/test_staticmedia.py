"""`manage.py staticmedia` explains, from the live settings, where static and media files are
written, their URL, who serves them, and what to do next."""

import importlib

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from .conftest import HASHED_STATIC, LOCAL_MEDIA, explain

# Who serves each kind of file in production.
STATIC_SERVED_BY = "{{ {"whitenoise": "WhiteNoise", "web_server": {"nginx": "nginx", "apache": "Apache", "caddy": "Caddy", "none": ""}[cookiecutter.web_server], "s3": "S3"}[cookiecutter.static_files] }}"
MEDIA_SERVED_BY = "{{ {"local": {"nginx": "nginx", "apache": "Apache", "caddy": "Caddy", "none": ""}[cookiecutter.web_server], "s3": "S3, to anyone"}[cookiecutter.media_files] }}"
PRIVATE_SERVED_BY = "{{ {"local": {"nginx": "nginx (X-Accel-Redirect)", "apache": "Apache (X-Sendfile)", "caddy": "Caddy (X-Private-File)", "none": ""}[cookiecutter.web_server], "s3": "S3, to the readers the site lets through"}[cookiecutter.media_files] }}"


def test_development_files_are_served_by_runserver_from_where_they_live(use_settings):
    use_settings(importlib.import_module("config.settings.dev"))
    static, media, private = explain().values()

    assert str(settings.STATICFILES_DIRS[0]) in static["source"]
    assert static["written to"].startswith("nowhere in development")
    assert static["URL prefix"].startswith("/static/")
    assert static["served by"].startswith("runserver (django.contrib.staticfiles)")
    assert media["written to"].startswith(f"{settings.MEDIA_ROOT} (MEDIA_ROOT)")
    assert media["served by"].startswith("runserver, through static() in config/urls.py")
    assert media["next"].startswith("nothing")
    assert private["written to"].startswith(f"{settings.PRIVATE_MEDIA_ROOT} (PRIVATE_MEDIA_ROOT)")
    assert private["URL prefix"].endswith("a view of the site that checks who asks")
    assert private["served by"].startswith("the app itself")


def test_production_as_generated(use_settings, prod_settings):
    use_settings(prod_settings)
    static, media, private = explain().values()

    assert static["storage"].startswith(prod_settings.STORAGES["staticfiles"]["BACKEND"])
    assert media["storage"].startswith(prod_settings.STORAGES["default"]["BACKEND"])
    assert static["served by"].startswith(STATIC_SERVED_BY)
    assert media["served by"].startswith(MEDIA_SERVED_BY)
    assert private["served by"].startswith(PRIVATE_SERVED_BY)
{%- if cookiecutter.media_files == "s3" %}
    assert "under media/" in media["written to"]
    assert "MEDIA_ROOT is not used" in media["written to"]
    assert "signature" not in media["URL prefix"]
    assert "under private/" in private["written to"]
    assert "PRIVATE_MEDIA_ROOT is not used" in private["written to"]
    assert "a signature valid 60 s" in private["URL prefix"]
{%- else %}
    assert private["written to"].startswith(str(prod_settings.PRIVATE_MEDIA_ROOT))
    assert media["written to"].startswith(str(prod_settings.MEDIA_ROOT))
    assert media["URL prefix"].startswith("/media/")
{%- endif %}


def test_the_next_step_for_static_files_follows_what_is_in_static_root(tmp_path):
    root = tmp_path / "static"
    storages = {"default": LOCAL_MEDIA, "staticfiles": HASHED_STATIC}
    with override_settings(DEBUG=False, STATIC_ROOT=root, STORAGES=storages):
        assert explain()["static"]["next"] == "run collectstatic: STATIC_ROOT does not exist yet"
        root.mkdir()
        assert explain()["static"]["next"] == "run collectstatic: STATIC_ROOT is empty"
        (root / "robots.txt").write_text("")
        assert "has no staticfiles.json" in explain()["static"]["next"]

        call_command("collectstatic", "--noinput", verbosity=0)
        count = sum(1 for path in root.rglob("*") if path.is_file())
        assert explain()["static"]["next"].startswith(f"nothing now: STATIC_ROOT holds {count}")


def test_a_policy_without_default_src_is_explained_by_its_own_directives():
    policies = {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"script-src": ["'self'"]}}}
    with override_settings(**policies, CONTENT_SECURITY_POLICY_REPORT_ONLY=None):
        static = explain()["static"]
    sources = "'self' (this site); from config/settings/csp.py"
    assert static["policy"] == f"script-src/style-src/font-src: {sources}"
