"""Each valid combination renders to files a careful person could have written by hand."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.template import combo_id, render, valid_combinations

RUFF = Path(sys.executable).parent / "ruff"
TEXT_SUFFIXES = {
    ".py",
    ".toml",
    ".md",
    ".txt",
    ".html",
    ".css",
    ".js",
    ".svg",
    ".conf",
    ".yml",
    ".yaml",
    "",
}


def text_files(project):
    for path in sorted(project.rglob("*")):
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name.startswith(".")):
            yield path, path.read_text()


@pytest.fixture(params=valid_combinations(), ids=combo_id)
def project(request, rendered):
    return rendered(request.param)


def test_no_template_syntax_is_left(project):
    for path, text in text_files(project):
        assert "cookiecutter" not in text, path
        if path.suffix == ".html":
            continue  # Django templates use {% %} and {{ }} themselves
        if path.suffix == ".md":
            text = re.sub(r"`[^`\n]*`", "", text)  # docs may quote Django template tags
        assert "{{" not in text and "{%" not in text and "{#" not in text, path


def test_no_blank_line_or_whitespace_debris(project):
    for path, text in text_files(project):
        if not text:
            continue  # empty __init__.py
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        assert "\n\n\n\n" not in text, path
        for number, line in enumerate(text.splitlines(), 1):
            assert line == line.rstrip(), f"{path}:{number} trailing whitespace"


def test_ruff_check_and_format_are_clean(project):
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run([RUFF, *command], cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_chosen_storage_modules_are_kept(project):
    settings = project / "config" / "settings"
    static = sorted(path.stem for path in settings.glob("static_*.py"))
    media = sorted(path.stem for path in settings.glob("media_*.py"))
    prod = (settings / "prod.py").read_text()
    assert len(static) == 1 and f"from .{static[0]} import" in prod
    assert len(media) == 1 and f"from .{media[0]} import" in prod
    uses_s3 = "static_s3" in static or "media_s3" in media
    assert (settings / "s3.py").exists() == uses_s3


def test_no_setting_removed_from_django_is_used(project):
    for path, text in text_files(project):
        if path.suffix == ".py":
            assert "STATICFILES_STORAGE" not in text and "DEFAULT_FILE_STORAGE" not in text, path


def test_no_secret_is_rendered_and_development_secrets_are_git_ignored(project):
    # A random value in a rendered file would differ between two renders: `cruft update`
    # would then conflict on it. The development key is made at first run instead.
    assert not (project / ".env").exists() and not (project / ".dev-secret-key").exists()
    ignored = (project / ".gitignore").read_text().splitlines()
    assert ".env" in ignored and ".dev-secret-key" in ignored


def test_any_text_answer_the_hook_accepts_renders_to_valid_files(tmp_path):
    answers = {
        "project_name": "Zoë's 100% “Site”",
        "project_slug": "zoes_site",
        "description": "Ünïcødé, 'single quotes', “typographic” ones, 50% and a/slash",
        "author_name": "Zoë O'Brien-Łukasz",
    }
    project = render(tmp_path, **answers)

    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert metadata["description"] == answers["description"]
    assert metadata["authors"][0]["name"] == answers["author_name"]
    assert answers["project_name"] in (project / "README.md").read_text()
    for unit in (project / "deploy" / "systemd").iterdir():
        # systemd reads % as the start of a specifier: %% is a percent sign.
        (description,) = re.findall(r"^Description=(.*)", unit.read_text(), re.MULTILINE)
        assert description.startswith(answers["project_name"].replace("%", "%%") + ": ")
