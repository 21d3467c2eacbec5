"""The Content Security Policy (config/settings/csp.py): every page gets it, enforced; it
allows scripts, styles, fonts and images from this site and from where STATIC_URL and
MEDIA_URL point, nothing inline, no wildcard; DJANGO_CSP_REPORT_ONLY only reports it. The
checks name a URL the policy does not allow, and an unsafe source; the explain command lists
the sources."""

import pytest
from django.conf import settings
from django.test import override_settings

from .conftest import explain, import_fresh, only

PAGES = ["/", "/admin/login/"{% if cookiecutter.example_app == "yes" %}, "/uploads/new/", "/accounts/login/"{% endif %}]


def parsed(header):
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_gets_the_policy_enforced(client, path):
    response = client.get(path)
    assert "Content-Security-Policy-Report-Only" not in response.headers
    policy = parsed(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["object-src"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == ["'self'"]
    for sources in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(sources)


def test_production_allows_where_static_files_and_uploads_are(prod_settings):
    policy = prod_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
{%- if cookiecutter.static_files == "s3" %}
    static = prod_settings.STATIC_URL
    assert static.startswith("https://")  # the bucket: allowed by its prefix, not its host
    assert policy["script-src"] == policy["style-src"] == ["'self'", static]
{%- else %}
    assert policy["script-src"] == policy["style-src"] == ["'self'"]  # from this site
{%- endif %}
    assert policy["font-src"] == policy["script-src"]
{%- if cookiecutter.media_files == "s3" %}
    media = prod_settings.MEDIA_URL
    assert media.startswith("https://")
    assert policy["img-src"] == [*policy["script-src"], media]
{%- else %}
    assert prod_settings.MEDIA_URL == "/media/" and policy["img-src"] == policy["script-src"]
{%- endif %}
    assert prod_settings.CONTENT_SECURITY_POLICY_REPORT_ONLY is None
{%- if cookiecutter.static_files == "s3" %}


def test_a_cdn_domain_moves_the_policy_with_static_url(prod_settings, monkeypatch):
    monkeypatch.setenv("DJANGO_S3_CUSTOM_DOMAIN", "cdn.example.net")
    settings = import_fresh("config.settings.prod")
    assert settings.STATIC_URL == "https://cdn.example.net/static/"
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == [
        "'self'",
        "https://cdn.example.net/static/",
    ]
{%- endif %}


def test_report_only_while_rolling_out(prod_settings, monkeypatch, client):
    monkeypatch.setenv("DJANGO_CSP_REPORT_ONLY", "true")
    settings = import_fresh("config.settings.prod")
    assert settings.CONTENT_SECURITY_POLICY is None
    reported = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    assert reported == prod_settings.CONTENT_SECURITY_POLICY
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=reported
    ):
        response = client.get("/")
    assert "Content-Security-Policy" not in response.headers
    assert "object-src 'none'" in response.headers["Content-Security-Policy-Report-Only"]


@pytest.mark.parametrize("setting", ["STATIC_URL", "MEDIA_URL"])
def test_a_url_the_policy_does_not_allow_is_named(setting):
    # e.g. a CDN set by hand after the policy was built from the old value.
    with override_settings(**{setting: "https://cdn.example.net/files/"}):
        message = only("staticmedia.W012")
    assert f"{setting}'s origin https://cdn.example.net" in message.msg
    assert "img-src" in message.msg and "https://cdn.example.net/files/" in message.hint


def test_unsafe_sources_are_named():
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}}
    policy["DIRECTIVES"]["style-src"] = ["'self'", "'unsafe-inline'", "https://*.example.net"]
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        message = only("staticmedia.W013")
    assert "style-src 'unsafe-inline', style-src https://*.example.net" in message.msg


def test_explain_lists_the_sources_and_where_they_come_from():
    cdn, files = "https://cdn.example.net/static/", "https://files.example.net/media/"
    fonts = "https://fonts.example.net"
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}}
    policy["DIRECTIVES"]["script-src"] = ["'self'", cdn, fonts]
    policy["DIRECTIVES"]["img-src"] = ["'self'", cdn, files]
    with override_settings(STATIC_URL=cdn, MEDIA_URL=files, CONTENT_SECURITY_POLICY=policy):
        static, media = list(explain().values())[:2]
    assert static["policy"].startswith(
        f"script-src/style-src/font-src: 'self' (this site), {cdn} (STATIC_URL), "
        f"{fonts} (added by hand)"
    )
    assert media["policy"].startswith(
        f"img-src: 'self' (this site), {cdn} (STATIC_URL), {files} (MEDIA_URL)"
    )
