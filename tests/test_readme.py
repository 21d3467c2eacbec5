"""What a newcomer is told to run works as written: README's try-it command starts a working
project, CI runs exactly the test command that README gives, and the next steps printed
after generation start the project wherever `-o` put it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.processes import free_port, running
from tests.support.template import REPO

README = (REPO / "README.md").read_text()


def command_after(marker):
    match = re.search(rf"<!-- {marker} -->\n```bash\n(.+?)\n```", README, re.S)
    assert match, f"README has no {marker} block"
    return match.group(1)


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = (REPO / ".ci" / "run").read_text().splitlines()
    assert command_after("test-command") in ci_lines


@pytest.mark.slow
def test_try_command_generates_and_starts_the_default_project(tmp_path):
    # A copy of what a clone holds (committed files only), so the command runs as on a
    # fresh checkout and leaves this one untouched.
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    clone = tmp_path / "clone"
    for name in filter(None, files):
        target = clone / name.decode()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / name.decode()).read_bytes())

    command = command_after("try-command")
    assert command.endswith("manage.py runserver")
    port = free_port()
    # The one change: a free port instead of 8000, which may be taken on a test machine.
    command += f" 127.0.0.1:{port} --noreload"

    with running(["bash", "-c", command], port=port, log_path=tmp_path / "try.log",
                 cwd=clone, timeout=300):  # fmt: skip
        home = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        css = requests.get(f"http://127.0.0.1:{port}/static/css/site.css", timeout=10)

    assert home.status_code == 200 and "/static/css/site.css" in home.text
    assert css.status_code == 200 and b"font-family" in css.content


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_next_steps_printed_after_generation_work_as_written(request, tmp_path, database):
    here, elsewhere = tmp_path / "here", tmp_path / "projects"
    here.mkdir()
    cookiecutter = Path(sys.executable).parent / "cookiecutter"
    printed = subprocess.run(
        [cookiecutter, "--no-input", "-o", elsewhere, REPO, f"database={database}"],
        cwd=here, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    steps = re.search(r"Next steps:\n((?:  .+\n)+)", printed)[1].splitlines()
    steps = [step.strip() for step in steps]
    assert steps[0] == f"cd {elsewhere / 'my_project'}"
    assert steps[-1].endswith("manage.py runserver")
    if database == "postgresql":
        (address,) = (step for step in steps if "DATABASE_URL=" in step)
        assert steps.index(address) < steps.index(".venv/bin/python manage.py migrate")
        assert "CREATEDB" in address  # what the project's tests need of the database user
        placeholder = re.search(r"postgres://\S+?(?=')", address)[0]
        # The one change besides the port: the database made for this test.
        url = request.getfixturevalue("postgres").create_database()
        steps[steps.index(address)] = address.replace(placeholder, url)
    port = free_port()
    script = "\n".join(["set -e", *steps]) + f" 127.0.0.1:{port} --noreload"

    with running(["bash", "-c", script], port=port, log_path=tmp_path / "steps.log",
                 cwd=here, timeout=300):  # fmt: skip
        home = requests.get(f"http://127.0.0.1:{port}/", timeout=10)

    assert home.status_code == 200 and "/static/css/site.css" in home.text
