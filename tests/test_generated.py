"""Every valid combination is a working Django project: it passes Django's checks (the
deployment checklist with zero warnings), has no missing migration, collects its static
files with production settings, and passes its own test suite."""

import pytest

from tests.support import venvs
from tests.support.template import DEFAULTS, combo_id, valid_combinations

pytestmark = pytest.mark.slow

# All combinations on the newest Django; on the oldest supported line, the defaults and
# the combination that exercises every optional dependency.
CASES = [pytest.param(combo, venvs.NEWEST, id=combo_id(combo)) for combo in valid_combinations()]
CASES += [
    pytest.param(combo, venvs.OLDEST, id=f"{venvs.OLDEST}-{combo_id(combo)}")
    for combo in (
        DEFAULTS,
        {**DEFAULTS, "static_files": "s3", "media_files": "s3", "database": "postgresql"},
    )
]


@pytest.mark.parametrize(("combo", "line"), CASES)
def test_generated_project_is_ready_for_development_and_production(make_project, combo, line):
    project = make_project(combo, line)

    project.manage("check", "--fail-level", "WARNING")
    project.manage("check", "--deploy", "--fail-level", "WARNING", settings="prod")
    project.manage("makemigrations", "--check", "--dry-run")
    collected = project.manage("collectstatic", "--noinput", settings="prod")
    assert "static files copied" in collected.stdout
    project.pytest()
