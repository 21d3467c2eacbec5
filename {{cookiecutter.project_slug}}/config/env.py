"""Read settings from environment variables, and fail loudly when a required one is missing."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    return os.environ.get(name) or default


def env_list(name, default):
    """A comma-separated variable as a list: DJANGO_ALLOWED_HOSTS=a.com,b.com."""
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None


def require(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is not set. "
            "Production settings read it from the environment: see .env.example."
        )
    return value


def load_dotenv(path):
    """Put KEY=value lines of a .env file into os.environ, without overriding what is set.

    Development only: production gets its variables from the process manager (systemd,
    the platform), never from a file in the code checkout.
    """
    path = Path(path)
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("\"'"))
