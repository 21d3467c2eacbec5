"""Production: DEBUG off; secrets, hosts and paths come from the environment (.env.example)."""

from .base import *  # noqa: F403
from .base import env

# Where uploads and static files go, and who serves them: one module each, chosen when
# the project was generated. Read them to see every path and URL.
from .media_{{ cookiecutter.media_files }} import *  # noqa: F403
from .media_{{ cookiecutter.media_files }} import media_storage, private_storage
from .static_{{ cookiecutter.static_files }} import *  # noqa: F403
from .static_{{ cookiecutter.static_files }} import static_storage

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["{{ cookiecutter.domain_name }}"])

# Public uploads, private uploads, static files.
STORAGES = {"default": media_storage, "private": private_storage, "staticfiles": static_storage}

# HTTPS everywhere. Behind a proxy that terminates TLS, the proxy must set
# X-Forwarded-Proto; the nginx/Apache sites in deploy/ do.
# https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One year of HSTS. Start lower (e.g. 3600) on a new domain until HTTPS is known good.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
