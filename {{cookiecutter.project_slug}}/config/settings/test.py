"""Tests: fast, isolated, no network. Uploads go to a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import MEDIA_URL, STATIC_URL, STORAGES
from .csp import csp_policies

SECRET_KEY = "insecure-test-only"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Fresh folders per test run, so tests never write into the project's media/ or private/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="media-test-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="private-test-"))
_private = {**STORAGES["private"]["OPTIONS"], "location": PRIVATE_MEDIA_ROOT}
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": _private}}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="static-test-"))
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policies(STATIC_URL, MEDIA_URL)
