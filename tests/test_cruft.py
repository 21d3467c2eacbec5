"""A generated project takes later template changes with cruft, and nothing else changes.

The template is a git repository of its own here (cruft reads templates from git): a copy of
this working tree's template files. A project is made from it and committed, as a user
would; then the template gets a commit that changes the generated README and a settings
module, and cruft has to bring exactly that change into the project: no `.rej` or `.orig`
file, no other file touched, the user's git-ignored files left alone.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.template import DEFAULTS, REPO, combo_id, render

pytestmark = pytest.mark.slow

CRUFT = Path(sys.executable).parent / "cruft"
TEMPLATE_FILES = ["cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}"]
SLUG_DIR = "{{cookiecutter.project_slug}}"

# The later template commit: one line of the README, one setting.
README_TITLE = "# {{ cookiecutter.project_name }}\n"
README_NOTE = "A note that a later template commit adds."
OLD_SETTING = 'TIME_ZONE = "UTC"\n'
NEW_SETTING = 'TIME_ZONE = "Europe/Paris"\n'

# What a user has in a checkout they work in: git-ignored, never the template's business.
USER_FILES = {".env": "DJANGO_MAX_UPLOAD_SIZE=1024\n", ".dev-secret-key": "a-key-of-this-checkout"}


def run(cwd, *command, check=True):
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} exited {result.returncode}\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def git(cwd, *args, check=True):
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    return run(cwd, "git", *identity, "-c", "commit.gpgsign=false", *args, check=check)


def commit_all(cwd, message):
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)


def template_repo(root):
    """A git repository holding the template as this working tree has it."""
    repo = root / "template"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in TEMPLATE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "The template")
    return repo


def change_template(repo):
    readme = repo / SLUG_DIR / "README.md"
    text = readme.read_text()
    assert README_TITLE in text
    readme.write_text(text.replace(README_TITLE, f"{README_TITLE}\n{README_NOTE}\n", 1))
    base = repo / SLUG_DIR / "config" / "settings" / "base.py"
    text = base.read_text()
    assert OLD_SETTING in text
    base.write_text(text.replace(OLD_SETTING, NEW_SETTING, 1))
    commit_all(repo, "A later template change")


def start_using(project):
    """git init and commit, then the files a developer's checkout has."""
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generated")
    for name, text in USER_FILES.items():
        (project / name).write_text(text)
    assert git(project, "status", "--porcelain").stdout == ""


def changed_lines(project, path):
    diff = git(project, "diff", "HEAD", "-U0", "--", path).stdout.splitlines()
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def assert_takes_exactly_the_template_change(project):
    assert run(project, CRUFT, "check", check=False).returncode != 0, "cruft check saw no change"

    run(project, CRUFT, "update", "-y")

    # Modified, staged or not (cruft applies with `git apply --3way`, which stages); nothing
    # added, deleted or untracked.
    status = git(project, "status", "--porcelain", "--untracked-files=all").stdout
    assert sorted((line[:2].strip(), line[3:]) for line in status.splitlines()) == [
        ("M", ".cruft.json"),
        ("M", "README.md"),
        ("M", "config/settings/base.py"),
    ], status
    assert changed_lines(project, "README.md") == [f"+{README_NOTE}", "+"]
    assert changed_lines(project, "config/settings/base.py") == [
        f"-{OLD_SETTING.strip()}", f"+{NEW_SETTING.strip()}",
    ]  # fmt: skip
    leftovers = [path for path in project.rglob("*") if path.suffix in (".rej", ".orig")]
    assert not leftovers, leftovers
    for name, text in USER_FILES.items():
        assert (project / name).read_text() == text, name
    assert run(project, CRUFT, "check").returncode == 0


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"web_server": "apache", "static_files": "s3", "media_files": "s3",
         "database": "postgresql"},
    ],
    ids=lambda answers: combo_id({**DEFAULTS, **answers}),
)  # fmt: skip
def test_cruft_create_then_update_brings_only_the_template_change(tmp_path, answers):
    template = template_repo(tmp_path)
    out = tmp_path / "projects"
    command = [CRUFT, "create", "--no-input", "--output-dir", out, template]
    if answers:
        command += ["--extra-context", json.dumps(answers)]
    run(tmp_path, *command)
    project = out / "my_project"
    cruft_state = json.loads((project / ".cruft.json").read_text())
    assert cruft_state["context"]["cookiecutter"].items() >= answers.items()
    start_using(project)
    assert run(project, CRUFT, "check").returncode == 0

    change_template(template)
    assert_takes_exactly_the_template_change(project)


def test_cruft_link_adopts_a_project_generated_without_cruft(tmp_path):
    template = template_repo(tmp_path)
    project = render(tmp_path / "projects", **DEFAULTS)  # plain cookiecutter, no .cruft.json
    assert not (project / ".cruft.json").exists()
    start_using(project)

    run(project, CRUFT, "link", "--no-input", template)
    assert json.loads((project / ".cruft.json").read_text())["commit"] == (
        git(template, "rev-parse", "HEAD").stdout.strip()
    )
    commit_all(project, "Linked to the template")
    assert run(project, CRUFT, "check").returncode == 0

    change_template(template)
    assert_takes_exactly_the_template_change(project)
