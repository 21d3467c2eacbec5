"""Tests: fast, isolated, no network. Uploads go to a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "insecure-test-only"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A fresh folder per test run, so tests never write into the project's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="media-test-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="static-test-"))
