"""Settings shared by dev.py, prod.py and test.py.
https://docs.djangoproject.com/en/stable/ref/settings/"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# The project root: the folder that holds manage.py.
BASE_DIR = Path(__file__).resolve().parent.parent.parent


class _Env(environ.Env):
    """A blank variable is unset, as in .env.example; a malformed one is named in the error."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        if self.ENVIRON.get(var) == "":
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            return default
        try:
            return super().get_value(var, cast, default, parse_default)
        except ValueError as error:
            raise ImproperlyConfigured(f"{var} is malformed: {error}") from None


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
    # Finds static files (apps' static/, STATICFILES_DIRS) for runserver and collectstatic.
    "django.contrib.staticfiles",
    "{{ cookiecutter.project_slug }}.staticmedia",
{%- if cookiecutter.example_app == "yes" %}
    "{{ cookiecutter.project_slug }}.uploads",
{%- endif %}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy (csp.py) on every response, even those of the middleware below.
    "csp.middleware.CSPMiddleware",
{%- if cookiecutter.static_files == "whitenoise" %}
    # Serves static files, with SecurityMiddleware's headers, before the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
{%- endif %}
{%- if cookiecutter.web_server == "none" %}
    # Pages compressed here, with no web server in front to do it (static files come
    # compressed already, from above). Django pads the output at random against BREACH, and
    # masks the CSRF token anew in every response.
    "django.middleware.gzip.GZipMiddleware",
{%- endif %}
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

{%- if cookiecutter.example_app == "yes" %}
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
{%- endif %}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = "UTC"
USE_TZ = True

# Static files: the CSS, JavaScript and images that ship with the code. STATICFILES_DIRS:
# where *your* static files live (apps' static/ folders are found too). collectstatic copies
# them all into STATIC_ROOT (set in production), a build output, never a place to edit files.
# https://docs.djangoproject.com/en/stable/howto/static-files/
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_URL = "/static/"

# Media files: what users upload (FileField, ImageField). Public uploads are stored by the
# "default" storage under MEDIA_ROOT and linked under MEDIA_URL, for anyone to read.
# https://docs.djangoproject.com/en/stable/topics/files/
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# Private files: uploads only some users may read (invoices, contracts), outside MEDIA_ROOT.
# Their url is the site's check (config/urls.py), which sends them to the readers it allows.
PRIVATE_MEDIA_ROOT = BASE_DIR / "private"
{%- if cookiecutter.web_server == "nginx" and cookiecutter.media_files == "local" %}
# nginx's `internal` location for them (deploy/nginx/), for X-Accel-Redirect: no client reaches it.
PRIVATE_MEDIA_INTERNAL_URL = "{{ cookiecutter.__private_internal_url }}"
{%- endif %}

# Public uploads ("default"), private ones, static files: on local disk in development and
# tests; prod.py replaces them. https://docs.djangoproject.com/en/stable/ref/settings/#storages
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-files/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Largest request body an upload may have, in bytes (10 MiB). Django answers 413 above it
# (staticmedia.middleware){% if cookiecutter.web_server != "none" %}, and so does the web server site in deploy/, with the same limit{% endif %}.
MAX_UPLOAD_SIZE = env.int("DJANGO_MAX_UPLOAD_SIZE", default={{ cookiecutter.__max_upload_size }})
{%- if cookiecutter.media_files == "s3" %}
# Largest file a form sends straight from the browser to the bucket, in production
# (staticmedia/direct_uploads.py): 5 GiB, the most S3 takes in one POST.
DIRECT_UPLOAD_MAX_SIZE = env.int("DJANGO_DIRECT_UPLOAD_MAX_SIZE", default=5 * 1024**3)
{%- endif %}
