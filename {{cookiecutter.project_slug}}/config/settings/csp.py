"""Content Security Policy: where this site's pages may load scripts, styles, fonts and images
from, sent with every response by django-csp (MIDDLEWARE, base.py). Built from STATIC_URL and
MEDIA_URL, so it follows them (a CDN domain set later included). Nothing inline is allowed:
the templates have no inline script or style.

django-csp on both supported lines: Django 5.2 has no CSP of its own, and one mechanism keeps
one policy, one setting and one check. Once 5.2 is dropped, Django's own SECURE_CSP takes the
same directives (django.middleware.csp.ContentSecurityPolicyMiddleware).
https://django-csp.readthedocs.io/en/latest/configuration.html
"""

from csp.constants import NONE, SELF

from .base import env


def _allowed(*url_prefixes):
    """'self', and each prefix on another host: the whole prefix, not only its host, which
    other sites may share (a storage service's) and would then run their scripts here too."""
    return [SELF, *dict.fromkeys(url for url in url_prefixes if url.startswith("http"))]


def csp_policies(static_url, media_url):
    """django-csp's two settings: (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY)."""
    static = _allowed(static_url)
    policy = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": static,
            "style-src": static,
            "font-src": static,
            "img-src": _allowed(static_url, media_url),
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
