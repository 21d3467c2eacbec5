"""The check that deploy/'s web server site still matches the settings (core/checks.py)."""

import io
import shutil

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.test_checks import messages, only

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_silent_whatever_hosts_limit_and_folders_an_environment_sets(use_settings, prod_settings):
    use_settings(prod_settings)
    environment = {
        "ALLOWED_HOSTS": ["www.example.org", "example.org", "10.0.0.5"],
        "MAX_UPLOAD_SIZE": 1024,
        "MEDIA_ROOT": "/srv/site/media",
    }
    if settings.STATIC_ROOT:  # not with static files in S3
        environment["STATIC_ROOT"] = "/srv/site/static"
    with override_settings(**environment):
        assert messages(deploy=True) == []


def test_settings_that_change_what_the_web_server_serves(use_settings, prod_settings):
    use_settings(prod_settings)
    # Uploads moved off the disk the site serves them from, or onto a disk it does not.
    media = IN_MEMORY if prod_settings.STORAGES["default"] == LOCAL else LOCAL
    # Local uploads are linked under a path on the site, not under a bucket's URL.
    with override_settings(STORAGES={**settings.STORAGES, "default": media}, MEDIA_URL="/media/"):
        message = only("staticmedia.W010", deploy=True)
    assert "no longer matches the settings" in message.msg
    assert f"manage.py webserver_config {settings.WEB_SERVER} > deploy/" in message.hint


def test_a_site_edited_by_hand(use_settings, prod_settings, tmp_path):
    use_settings(prod_settings)
    (site,) = (settings.BASE_DIR / "deploy" / settings.WEB_SERVER).glob("*.conf")
    edited = tmp_path / "deploy" / settings.WEB_SERVER / site.name
    edited.parent.mkdir(parents=True)
    shutil.copy(site, edited)
    edited.write_text(edited.read_text().replace("nosniff", "sniff-if-you-like"))

    with override_settings(BASE_DIR=tmp_path):
        message = only("staticmedia.W010", deploy=True)
    assert "sniff-if-you-like" in message.msg


def test_silent_for_a_site_written_with_the_command_options(use_settings, prod_settings, tmp_path):
    """What a deployment passes to `manage.py webserver_config`: other ports, certificate,
    app address, or (Apache) mod_wsgi instead of gunicorn."""
    use_settings(prod_settings)
    options = ["--upstream", "127.0.0.1:8001", "--https-listen", "8443", "--http-listen", "8080"]
    options += ["--certificate", "/etc/ssl/site.pem", "--certificate-key", "/etc/ssl/site.key"]
    if settings.WEB_SERVER == "apache":
        options += ["--mod-wsgi", "/srv/site/.venv", "--mod-wsgi-user", "www-data"]
    written = io.StringIO()
    call_command("webserver_config", settings.WEB_SERVER, *options, stdout=written)
    (shipped,) = (settings.BASE_DIR / "deploy" / settings.WEB_SERVER).glob("*.conf")
    site = tmp_path / "deploy" / settings.WEB_SERVER / shipped.name
    site.parent.mkdir(parents=True)
    site.write_text(written.getvalue())
    assert site.read_text() != shipped.read_text()

    with override_settings(BASE_DIR=tmp_path):
        assert messages(deploy=True) == []
