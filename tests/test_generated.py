"""Every valid combination (Caddy's: see run_here) is a working Django project: it passes
Django's checks (the deployment checklist with zero warnings), has no missing migration,
collects its static files with production settings, and passes its own test suite."""

import pytest

from tests.support import venvs
from tests.support.deployment import shipped_defaults
from tests.support.template import DEFAULTS, combo_id, valid_combinations
from tests.support.web_servers import site_file

pytestmark = pytest.mark.slow


# Docker renders differ in deploy/ and their own Docker files: one per web server, static and
# media choice would double this module; these cover each web server and each way static
# files reach their server (every Docker render is still rendered, linted and validated,
# tests/test_rendering.py and tests/test_docker_files.py).
DOCKER_CASES = [
    {**DEFAULTS, "container": "docker"},
    {**DEFAULTS, "container": "docker", "web_server": "caddy", "static_files": "web_server"},
    {**DEFAULTS, "container": "docker", "static_files": "s3", "media_files": "s3",
     "database": "postgresql"},
    {**DEFAULTS, "container": "docker", "web_server": "none", "media_files": "s3"},
    {**DEFAULTS, "container": "docker", "web_server": "apache", "static_files": "web_server"},
]  # fmt: skip


def run_here(combo):
    """Caddy's renders differ from nginx's only in deploy/caddy/ and the code and tests that
    read it, which the static and media choices change; the database and the example app
    change nothing there. One of each keeps Caddy's share of this module short (every Caddy
    combination is still rendered and linted, tests/test_rendering.py)."""
    if combo["container"] == "docker":
        return combo in DOCKER_CASES
    if combo["web_server"] != "caddy":
        return True
    return combo["database"] == "sqlite" and combo["example_app"] == "yes"


# All combinations on the newest Django (Caddy's: see above); on the oldest supported line,
# the defaults and the combination that exercises every optional dependency.
CASES = [
    pytest.param(combo, venvs.NEWEST, id=combo_id(combo))
    for combo in valid_combinations()
    if run_here(combo)
]
CASES += [
    pytest.param(combo, venvs.OLDEST, id=f"{venvs.OLDEST}-{combo_id(combo)}")
    for combo in (
        DEFAULTS,
        {**DEFAULTS, "static_files": "s3", "media_files": "s3", "database": "postgresql"},
    )
]


def serve_the_test_folders(project):
    """What an operator does when the folders differ from the defaults: edit the site in
    deploy/ so it serves the folders this test's production environment sets (under var/)."""
    server = project.combo["web_server"]
    sites = [] if server == "none" else [site_file(project.path, server)]
    defaults = shipped_defaults(project.slug)
    for site in sites:
        text = site.read_text()
        for name in ("static", "media", "private"):
            text = text.replace(f"{defaults[f'{name}_root']}/", f"{project.var / name}/")
        site.write_text(text)


@pytest.mark.parametrize(("combo", "line"), CASES)
def test_generated_project_is_ready_for_development_and_production(make_project, combo, line):
    project = make_project(combo, line)

    project.pytest()  # its own tests, on the files as generated
    project.manage("check", "--fail-level", "WARNING")
    project.manage("makemigrations", "--check", "--dry-run")
    serve_the_test_folders(project)
    project.manage("check", "--deploy", "--fail-level", "WARNING", settings="prod")
    collected = project.manage("collectstatic", "--noinput", settings="prod")
    assert "static files copied" in collected.stdout
