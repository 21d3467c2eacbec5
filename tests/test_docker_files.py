"""Every Docker render's compose.yaml is one Docker Compose accepts and the Compose
Specification's schema allows, and its Dockerfile passes hadolint with no warning the
project did not decide on (each ignore says why, beside it)."""

import functools
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.template import DEFAULTS, combo_id, valid_combinations

BIN = Path(sys.executable).parent
DOCKER = [combo for combo in valid_combinations() if combo["container"] == "docker"]


@functools.cache
def verdicts(compose, tmp_dir):
    """docker-compose's and the schema's verdicts on one compose file; many renders share one."""
    folder = Path(tmp_dir, hashlib.sha256(compose.encode()).hexdigest())
    folder.mkdir(exist_ok=True)
    (folder / "compose.yaml").write_text(compose)
    # The env file compose.yaml names, as a server has it, and the build folders it names
    # (docker-compose checks that they exist).
    (folder / ".env").write_text("DJANGO_SECRET_KEY=x\nPOSTGRES_PASSWORD=x\n")
    for service in yaml.safe_load(compose)["services"].values():
        if isinstance(service.get("build"), str):
            (folder / service["build"]).mkdir(parents=True, exist_ok=True)
    config = subprocess.run(
        ["docker-compose", "--file", "compose.yaml", "config", "--quiet"],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    schema = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    return (config.returncode, config.stderr), (schema.returncode, schema.stdout + schema.stderr)


@pytest.mark.parametrize("combo", DOCKER, ids=combo_id)
def test_compose_file_is_valid(rendered, tmp_path_factory, combo):
    compose = (rendered(combo) / "compose.yaml").read_text()
    config, schema = verdicts(compose, tmp_path_factory.getbasetemp())
    assert config == (0, ""), config[1]
    assert schema[0] == 0, schema[1]


# The app's image, and Apache's (deploy/apache/Dockerfile).
DOCKERFILES = [
    pytest.param(combo, path, id=f"{combo_id(combo)}-{path}")
    for combo in DOCKER
    for path in ["Dockerfile", "deploy/apache/Dockerfile"][
        : 2 if combo["web_server"] == "apache" else 1
    ]
]


@pytest.mark.parametrize(("combo", "path"), DOCKERFILES)
def test_dockerfile_passes_hadolint_and_each_ignore_says_why(rendered, combo, path):
    dockerfile = rendered(combo) / path
    result = subprocess.run(
        [BIN / "hadolint", "--no-color", dockerfile], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dockerfile.read_text().splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore=" in line:
            rule = re.search(r"ignore=(\S+)", line)[1]
            assert rule in lines[number - 1] and lines[number - 1].startswith("# "), line


@pytest.mark.parametrize("combo", DOCKER, ids=combo_id)
def test_compose_mounts_the_site_from_deploy_and_keeps_secrets_out_of_the_image(rendered, combo):
    project = rendered(combo)
    compose = (project / "compose.yaml").read_text()
    ignored = (project / ".dockerignore").read_text().splitlines()
    assert {".env", ".dev-secret-key", ".git"} <= set(ignored)
    if combo["web_server"] != "none":
        site = re.search(r"- \./(deploy/[^:\s]+):", compose)[1]
        assert (project / site).is_file()
    # Uploads in S3: no volume for them.
    assert ("media:" in compose) == (combo["media_files"] == "local")


@pytest.mark.parametrize("web_server", ["nginx", "apache"])
def test_a_container_none_render_has_no_docker_files(rendered, web_server):
    project = rendered({**DEFAULTS, "web_server": web_server})
    assert DEFAULTS["container"] == "none"
    for name in ("Dockerfile", "compose.yaml", ".dockerignore", "deploy/apache/Dockerfile"):
        assert not (project / name).exists()
