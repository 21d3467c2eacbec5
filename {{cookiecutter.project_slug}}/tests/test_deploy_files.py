"""deploy/ agrees with the settings: the web server site is exactly what
`manage.py webserver_config` prints with the production defaults, and systemd runs gunicorn
on the socket that site proxies to."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

from .conftest import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVER = "{{ cookiecutter.web_server }}"
SITE = DEPLOY / SERVER / "{{ cookiecutter.project_slug }}.conf"
UNITS = DEPLOY / "systemd"


def manage_with_production_defaults(*args):
    """manage.py with production settings and only the required variables set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
    env.pop("DATABASE_URL", None)
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.prod")
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def unit(name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


def test_site_config_is_what_the_command_prints_for_the_production_defaults():
    assert SITE.read_text() == manage_with_production_defaults("webserver_config", SERVER)


def test_systemd_runs_gunicorn_on_the_socket_the_site_proxies_to():
    socket = unit("{{ cookiecutter.project_slug }}.socket")
    service = unit("{{ cookiecutter.project_slug }}.service")

    assert f"unix:{socket['Socket']['ListenStream']}" in SITE.read_text()
    assert service["Unit"]["Requires"] == "{{ cookiecutter.project_slug }}.socket"
    assert service["Service"]["ExecStart"].endswith("gunicorn --config deploy/gunicorn.conf.py")
    assert (DEPLOY / "gunicorn.conf.py").is_file()
    assert service["Service"]["EnvironmentFile"].startswith("/")


def test_gunicorn_config_runs_this_project():
    values = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), values)

    assert values["wsgi_app"] == "config.wsgi:application"
    assert "bind" not in values  # the socket comes from systemd
    assert values["workers"] >= 1
