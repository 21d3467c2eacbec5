"""What the generated docs tell a user to do works as written for that render: .env.example
installed as it is (a platform's checkout, the Docker render's .env), the README's sections
that the code points to, and the private file links the README shows."""

import re
import secrets
import shutil
import subprocess

import pytest
import yaml

from tests.support.project import Project
from tests.support.template import DEFAULTS, combo_id, valid_combinations

# A platform deploy: no web server, so uploads go to S3 (static files: WhiteNoise).
PLATFORM = {**DEFAULTS, "web_server": "none", "media_files": "s3"}
DOCKER = [combo for combo in valid_combinations() if combo["container"] == "docker"]
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
# How the code names a README section: README.md, "Deploying" / (README: Large uploads)
# / (README: "Keeping up with the template").
SECTION_NAMED = re.compile(r'README(?:\.md)?, "([^"]+)"|\(README: "?([^)"]+)"?\)')


def env_example_as_dot_env(project):
    """.env.example copied to .env, with what the README has a user fill in: the secret key
    (and, with Docker and PostgreSQL, the database's password)."""
    text = (project / ".env.example").read_text()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"):
        text = text.replace(f"\n{name}=\n", f"\n{name}={secrets.token_hex(20)}\n")
    (project / ".env").write_text(text)


@pytest.mark.slow
def test_a_platform_checkout_with_env_example_as_its_settings_migrates_and_collects(
    rendered, tmp_path
):
    source = rendered(PLATFORM)
    project = Project(shutil.copytree(source, tmp_path / source.name), PLATFORM)
    env_example_as_dot_env(project.path)

    def manage(*args):
        # The production settings from .env alone: no variable of the test's own.
        return project.manage(*args, DJANGO_SETTINGS_MODULE="config.settings.prod")

    manage("migrate", "--noinput")
    assert "static files copied" in manage("collectstatic", "--noinput").stdout
    page = manage(
        "shell",
        "-c",
        "from django.test import Client; "
        "r = Client().get('/', secure=True, headers={'host': 'example.com'}); "
        "print(r.status_code, r.headers['Strict-Transport-Security'])",
    )
    assert page.stdout.split("\n")[-2] == "200 max-age=3600; includeSubDomains; preload"


def env_instructions(dockerfile):
    """The text of a Dockerfile's ENV instructions, continuation lines included."""
    text, inside = [], False
    for line in dockerfile.read_text().splitlines():
        inside = inside or line.startswith("ENV ")
        if inside:
            text.append(line)
            inside = line.endswith("\\")
    return "\n".join(text)


@pytest.mark.parametrize("combo", DOCKER, ids=combo_id)
def test_the_docker_env_example_keeps_the_paths_the_dockerfile_sets(rendered, tmp_path, combo):
    source = rendered(combo)
    project = shutil.copytree(source, tmp_path / source.name)
    env_example_as_dot_env(project)
    dockerfile_sets = set(re.findall(r"(DJANGO_\w+)=", env_instructions(project / "Dockerfile")))
    config = subprocess.run(
        ["docker-compose", "config"], cwd=project, capture_output=True, text=True, check=True
    )
    environment = yaml.safe_load(config.stdout)["services"]["app"]["environment"]

    assert "DJANGO_SETTINGS_MODULE" in dockerfile_sets
    assert dockerfile_sets & set(environment) == set()


@pytest.mark.parametrize("combo", valid_combinations(), ids=combo_id)
def test_each_readme_section_the_code_names_is_in_the_readme(rendered, combo):
    project = rendered(combo)
    headings = HEADING.findall((project / "README.md").read_text())
    named = []
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.name != "README.md" and path.suffix not in {".png", ".ico"}:
            for match in SECTION_NAMED.finditer(path.read_text(errors="replace")):
                named.append((path.relative_to(project), match[1] or match[2]))
    assert named
    missing = [(p, name) for p, name in named if not any(h.startswith(name) for h in headings)]
    assert missing == []


@pytest.mark.slow
@pytest.mark.parametrize("example_app", ["yes", "no"])
def test_the_private_link_the_readme_shows_is_the_site_s_check(rendered, tmp_path, example_app):
    combo = {**DEFAULTS, "example_app": example_app}
    source = rendered(combo)
    project = Project(shutil.copytree(source, tmp_path / source.name), combo)
    readme = (project.path / "README.md").read_text()
    (row,) = re.findall(r"^\| Private uploads: URL \|.*$", readme, re.MULTILINE)
    (link,) = re.findall(r"`(/[^`]+)`", row)

    view = project.manage(
        "shell", "-c", f"from django.urls import resolve; print(resolve('{link}').url_name)"
    )

    assert view.stdout.split("\n")[-2] == "private_file"
