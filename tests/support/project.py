"""A generated project, and running its commands the way its README tells a user to."""

import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import venvs


class CommandFailed(AssertionError):
    pass


@dataclass
class Project:
    path: Path
    combo: dict
    line: str = venvs.NEWEST
    # Environment for every settings module (the database URL), and for production only
    # (the S3 bucket and endpoint).
    services_env: dict = field(default_factory=dict)
    prod_env: dict = field(default_factory=dict)

    @property
    def slug(self):
        return self.path.name

    @property
    def python(self):
        return venvs.python(self.line)

    @property
    def bin(self):
        return self.python.parent

    @property
    def var(self):
        """Where production paths point in tests (instead of /var/www/<slug>/)."""
        return self.path / "var"

    def env(self, settings="dev", **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
        env.pop("DATABASE_URL", None)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PATH"] = f"{self.bin}{os.pathsep}{env['PATH']}"
        env["DJANGO_SETTINGS_MODULE"] = f"config.settings.{settings}"
        env.update(self.services_env)
        if settings == "prod":
            env.update(
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,example.com",
                DJANGO_STATIC_ROOT=str(self.var / "static"),
                DJANGO_MEDIA_ROOT=str(self.var / "media"),
                DJANGO_PRIVATE_MEDIA_ROOT=str(self.var / "private"),
                DJANGO_SQLITE_PATH=str(self.var / "db.sqlite3"),
            )
            env.update(self.prod_env)
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def run(self, *args, settings="dev", check=True, timeout=300, **extra_env):
        self.var.mkdir(exist_ok=True)
        result = subprocess.run(
            [str(arg) for arg in args],
            cwd=self.path,
            env=self.env(settings, **extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise CommandFailed(
                f"{' '.join(map(str, args))} (settings={settings}) exited {result.returncode}\n"
                f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
            )
        return result

    def manage(self, *args, **kwargs):
        return self.run(self.python, "manage.py", *args, **kwargs)

    def migrate(self, **env):
        """`migrate` with the production settings, as a deploy runs it."""
        return self.manage("migrate", "--noinput", settings="prod", **env)

    def collectstatic(self, check=True, **env):
        return self.manage("collectstatic", "--noinput", settings="prod", check=check, **env)

    def deploy(self, **env):
        """What a deploy runs with the production settings: migrate, then collectstatic."""
        self.migrate(**env)
        return self.collectstatic(**env)

    def pytest(self, *args, **kwargs):
        # With the project's own test settings (pyproject.toml), as its README runs them:
        # DJANGO_SETTINGS_MODULE in the environment would take precedence.
        kwargs.setdefault("settings", "test")
        return self.run(
            self.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, **kwargs
        )
