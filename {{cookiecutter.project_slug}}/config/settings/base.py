"""Settings shared by every environment; dev.py, prod.py and test.py start from these.

Reference: https://docs.djangoproject.com/en/stable/ref/settings/
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# The project root: the folder that holds manage.py.
BASE_DIR = Path(__file__).resolve().parent.parent.parent


class _Env(environ.Env):
    """django-environ's reader, with errors that name the variable and where it is explained.

    An empty variable counts as unset, as the blank optional lines of .env.example mean.
    https://django-environ.readthedocs.io/
    """

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        if not self.ENVIRON.get(var):
            if default is self.NOTSET:
                raise ImproperlyConfigured(
                    f"The environment variable {var} is not set: see .env.example."
                )
            return default
        try:
            return super().get_value(var, cast, default, parse_default)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"The environment variable {var} is malformed: {error}"
            ) from None


env = _Env()
# Development values (git-ignored, optional). Variables already set win; in production the
# process manager (systemd, the platform) sets them all and there is no .env.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Finds static files in each app's static/ folder and in STATICFILES_DIRS, serves
    # them under runserver, and gives collectstatic its work.
    "django.contrib.staticfiles",
    "{{ cookiecutter.project_slug }}.staticmedia",
{%- if cookiecutter.example_app == "yes" %}
    "{{ cookiecutter.project_slug }}.uploads",
{%- endif %}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "{{ cookiecutter.project_slug }}.staticmedia.middleware.MaxUploadSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# https://docs.djangoproject.com/en/stable/ref/settings/#databases
{% if cookiecutter.database == "postgresql" -%}
# postgres://USER:PASSWORD@HOST:PORT/NAME, required everywhere (development: in .env).
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"] |= {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
{%- else -%}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("DJANGO_SQLITE_PATH", default=BASE_DIR / "db.sqlite3"),
    }
}
{%- endif %}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: the CSS, JavaScript and images that ship with the code.
# https://docs.djangoproject.com/en/stable/howto/static-files/
# STATICFILES_DIRS: where *your* static files live in the source tree (apps' static/
# folders are found too). collectstatic copies all of them into STATIC_ROOT, which is a
# build output, never a place to edit files. Production settings set STATIC_ROOT.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_URL = "/static/"

# Media files: what users upload (FileField, ImageField). Public uploads are stored by the
# "default" storage under MEDIA_ROOT (local disk) and linked under MEDIA_URL, for anyone to
# read. Never mix them with static files.
# https://docs.djangoproject.com/en/stable/topics/files/
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# Private files: uploads only some users may read (invoices, contracts). Kept outside
# MEDIA_ROOT, so no URL of the web server reaches them: a view of the site checks who asks,
# then hands the file over (staticmedia/private.py).
PRIVATE_MEDIA_ROOT = BASE_DIR / "private"
{%- if cookiecutter.web_server == "nginx" %}
# nginx's internal location for them (deploy/nginx/): the app answers X-Accel-Redirect with
# a URL under it and nginx sends the file. No client can request that URL itself.
PRIVATE_MEDIA_INTERNAL_URL = "{{ cookiecutter.__private_internal_url }}"
{%- endif %}

# Local storages in development: public uploads ("default"), private ones ("private"),
# static files. Production swaps in the storages chosen for this project.
# https://docs.djangoproject.com/en/stable/ref/settings/#storages
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The web server in front of the app in production (deploy/ holds its config), or None when
# a platform routes traffic to the app. The staticmedia app's command and checks read it.
WEB_SERVER = {% if cookiecutter.web_server == "none" %}None{% else %}"{{ cookiecutter.web_server }}"{% endif %}

# Largest request body an upload may have, in bytes (10 MiB). Django answers 413 above it
# (staticmedia.middleware), and so does the web server site in deploy/, with the same limit.
MAX_UPLOAD_SIZE = env.int("DJANGO_MAX_UPLOAD_SIZE", default={{ cookiecutter.__max_upload_size }})
