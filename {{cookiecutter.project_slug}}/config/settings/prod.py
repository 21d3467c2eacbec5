"""Production: DEBUG off; secrets, hosts and paths come from the environment (.env.example)."""

from .base import *  # noqa: F403
from .base import env
from .csp import csp_policies

# Where uploads and static files go, and who serves them: paths, URLs, STORAGES entries.
from .media_{{ cookiecutter.media_files }} import *  # noqa: F403
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
from .s3 import *  # noqa: F403  (the S3 client that the S3 storages share)
{%- endif %}
from .static_{{ cookiecutter.static_files }} import *  # noqa: F403

# Where pages may load files from, after the modules above set STATIC_URL and MEDIA_URL.
{%- if cookiecutter.media_files == "s3" %}
_urls = STATIC_URL, MEDIA_URL, DIRECT_UPLOAD_URL  # noqa: F405
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policies(*_urls)
{%- else %}
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policies(STATIC_URL, MEDIA_URL)  # noqa: F405
{%- endif %}

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["{{ cookiecutter.domain_name }}"])

# HTTPS everywhere. Behind a proxy that terminates TLS, the proxy must set
# X-Forwarded-Proto{% if cookiecutter.web_server == "none" %} (your platform's router does){% else %}: the site in deploy/ does{% endif %}.
# https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One year of HSTS. Start lower (e.g. 3600) on a new domain until HTTPS is known good.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
