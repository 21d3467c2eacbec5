"""The generated project's own CI and commit hooks: a GitHub workflow that GitHub accepts,
whose commands pass in the project as generated, and a pre-commit config that runs ruff."""

import functools
import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.template import DEFAULTS, REPO, combo_id, valid_combinations

BIN = Path(sys.executable).parent
WORKFLOW = Path(".github", "workflows", "ci.yml")
# The ruff the template's own tests run (pyproject.toml's test extras).
RUFF_PIN = next(
    requirement.removeprefix("ruff==")
    for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    if requirement.startswith("ruff==")
)


def workflow(project):
    return yaml.safe_load((project / WORKFLOW).read_text())


@functools.cache
def schema_check(text, tmp_dir):
    """check-jsonschema's verdict on a workflow; many combinations share one file's text."""
    path = Path(tmp_dir, f"{hashlib.sha256(text.encode()).hexdigest()}.yml")
    path.write_text(text)
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", path],
        capture_output=True, text=True,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("combo", valid_combinations(), ids=combo_id)
def test_workflow_is_valid_against_githubs_schema(rendered, tmp_path_factory, combo):
    text = (rendered(combo) / WORKFLOW).read_text()
    returncode, output = schema_check(text, tmp_path_factory.getbasetemp())
    assert returncode == 0, output


@pytest.mark.parametrize("combo", valid_combinations(), ids=combo_id)
def test_workflow_starts_the_services_and_sets_the_variables_the_options_need(rendered, combo):
    test_job = workflow(rendered(combo))["jobs"]["test"]
    postgres = combo["database"] == "postgresql"
    assert ("postgres" in test_job.get("services", {})) == postgres
    assert ("DATABASE_URL" in test_job.get("env", {})) == postgres
    steps = test_job["steps"]
    (deploy_check,) = [step for step in steps if "check --deploy" in step.get("run", "")]
    uses_s3 = "s3" in (combo["static_files"], combo["media_files"])
    assert ("DJANGO_S3_BUCKET" in deploy_check["env"]) == uses_s3
    assert deploy_check["env"]["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
    assert "--fail-level WARNING" in deploy_check["run"]
    runs = "\n".join(step.get("run", "") for step in test_job["steps"])
    assert "ruff check ." in runs and "ruff format --check ." in runs and "pytest" in runs
    template_job = workflow(rendered(combo))["jobs"]["template"]
    assert any("cruft check" in step.get("run", "") for step in template_job["steps"])


def test_pre_commit_config_is_valid_and_runs_ruff(rendered):
    project = rendered(DEFAULTS)
    result = subprocess.run(
        [BIN / "pre-commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (repo,) = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())["repos"]
    assert repo["repo"] == "https://github.com/astral-sh/ruff-pre-commit"
    assert [hook["id"] for hook in repo["hooks"]] == ["ruff-check", "ruff-format"]
    # The ruff that the template's tests prove every generated file clean with.
    assert repo["rev"] == f"v{RUFF_PIN}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "combo",
    [
        DEFAULTS,
        {**DEFAULTS, "web_server": "apache", "static_files": "s3", "media_files": "s3",
         "database": "postgresql"},
    ],
    ids=combo_id,
)  # fmt: skip
def test_workflow_commands_pass_in_the_generated_project(make_project, combo):
    """Every `run` of the test job after the install, as the job runs it: its variables and
    the step's, in bash -e. The PostgreSQL the workflow starts is the fixture's here."""
    project = make_project(combo)
    test_job = workflow(project.path)["jobs"]["test"]
    job_env = {**test_job.get("env", {}), **project.services_env}
    steps = [step for step in test_job["steps"] if "run" in step and step["name"] != "Install"]
    assert [step["name"] for step in steps] == [
        "Ruff", "Tests", "Deployment checklist, production settings",
    ]  # fmt: skip
    for step in steps:
        # The venv's bin/ first on PATH, as after the install step; no variable that the
        # workflow does not set (pytest-django would prefer DJANGO_SETTINGS_MODULE to the
        # project's pyproject.toml).
        env = project.env()
        del env["DJANGO_SETTINGS_MODULE"]
        env.update({**job_env, **step.get("env", {})})
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=project.path, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, (
            f"step {step['name']!r} exited {result.returncode}\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
