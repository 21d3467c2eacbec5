"""Development: DEBUG on, everything local, runserver serves static and media files."""

from config.env import env, load_dotenv

from .base import *  # noqa: F403
from .base import BASE_DIR

# The post-generation hook wrote a random key into .env (git-ignored).
load_dotenv(BASE_DIR / ".env")

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-run-the-generator-or-set-DJANGO_SECRET_KEY")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

# runserver serves STATICFILES_DIRS and app static/ folders directly (no collectstatic
# needed), and config/urls.py serves MEDIA_ROOT under MEDIA_URL while DEBUG is on.
