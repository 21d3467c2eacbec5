"""Content Security Policy: where pages may load files from, built from STATIC_URL and MEDIA_URL;
nothing inline. Sent by django-csp (MIDDLEWARE), on Django 5.2 (no SECURE_CSP) and 6 alike.
https://django-csp.readthedocs.io/"""

from csp.constants import NONE, SELF

from .base import env


def _allowed(*urls):
    # A URL on another host by its whole prefix: other sites may share the host (a storage's).
    return [SELF, *dict.fromkeys(url for url in urls if url.startswith("http"))]


def csp_policies(static_url, media_url{% if cookiecutter.media_files == "s3" %}, upload_url=""{% endif %}):
    """django-csp's (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY)."""
    static = _allowed(static_url)
    policy = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": static,
            "style-src": static,
            "font-src": static,
            "img-src": _allowed(static_url, media_url),
{%- if cookiecutter.media_files == "s3" %}
            # Forms send files to the bucket from the page's script (staticmedia/direct_uploads.py).
            "connect-src": _allowed(upload_url),
{%- endif %}
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF],
        }
    }
    # While rolling it out: browsers block nothing and report in their console what it would.
    if env.bool("DJANGO_CSP_REPORT_ONLY", default=False):
        return None, policy
    return policy, None
