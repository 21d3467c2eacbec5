"""Development: DEBUG on, everything local, runserver serves static and media files."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import BASE_DIR, MEDIA_URL, STATIC_URL, env
from .csp import csp_policies

DEBUG = True

# A key of this checkout's own, made on first run and kept in a git-ignored file, so that
# sessions survive restarts and no key is ever committed. Production requires its own.
_key_file = BASE_DIR / ".dev-secret-key"
if not _key_file.exists():
    _key_file.write_text(get_random_secret_key())
# Not env()'s default: django-environ would read a key that starts with "$" as a variable name.
SECRET_KEY = env("DJANGO_SECRET_KEY", default=None) or _key_file.read_text()
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

# The Content Security Policy (csp.py): here every file comes from this site itself.
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policies(STATIC_URL, MEDIA_URL)
