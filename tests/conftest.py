"""Fixtures shared by every test module: generated projects, and the servers they run with.

Server fixtures live in tests/fixtures/ (one module each) and always stop their server.
"""

import shutil

import pytest

from tests.support import venvs
from tests.support.project import Project
from tests.support.template import DEFAULTS, combo_id, render

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.s3",
    "tests.fixtures.tcp_proxy",
    "tests.fixtures.webservers",
    "tests.fixtures.browser",
]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Render each combination once per worker; callers copy before they change files."""
    cache = {}

    def get(combo):
        key = tuple(sorted(combo.items()))
        if key not in cache:
            cache[key] = render(tmp_path_factory.mktemp(combo_id(combo)), **combo)
        return cache[key]

    return get


@pytest.fixture
def make_project(request, rendered, tmp_path):
    """A fresh copy of the project for `combo`, wired to the services its options need."""

    def make(combo=None, line=venvs.NEWEST, **answers):
        combo = {**DEFAULTS, **(combo or {}), **answers}
        source = rendered(combo)
        path = shutil.copytree(source, tmp_path / source.name, symlinks=True)
        project = Project(path, combo, line)
        if combo["database"] == "postgresql":
            url = request.getfixturevalue("postgres").create_database()
            project.services_env["DATABASE_URL"] = url
        if "s3" in (combo["static_files"], combo["media_files"]):
            s3 = request.getfixturevalue("s3_server")
            project.prod_env.update(s3.env(s3.new_bucket()))
        return project

    return make
