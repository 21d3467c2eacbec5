"""Every combination of choices renders or is refused with its reason; bad answers are refused.

A refused run must leave nothing behind in the output folder.
"""

import json
import re

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.support import venvs
from tests.support.template import (
    CHOICES,
    COOKIECUTTER_JSON,
    DEFAULTS,
    all_combinations,
    combo_id,
    refusal,
    render,
)

COMBINATIONS = list(all_combinations())
# Between them, every optional module a render can have.
VARIETY = [
    {},
    {"database": "postgresql", "media_files": "s3", "web_server": "apache"},
    {"static_files": "s3", "web_server": "none", "media_files": "s3"},
]


def assert_refused(tmp_path, capfd, answers, message):
    with pytest.raises(FailedHookException):
        render(tmp_path, **answers)
    assert message in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_matrix_has_both_valid_and_refused_combinations():
    refused = [combo for combo in COMBINATIONS if refusal(combo)]
    assert 0 < len(refused) < len(COMBINATIONS)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=combo_id)
def test_combination_renders_or_is_refused_with_its_reason(tmp_path, capfd, combo):
    message = refusal(combo)
    if message:
        assert_refused(tmp_path, capfd, combo, message)
    else:
        project = render(tmp_path, **combo)
        assert (project / "manage.py").is_file()


BAD_ANSWERS = [
    ({"project_slug": "django"}, "would shadow the Python module 'django'"),
    ({"project_slug": "test"}, "would shadow the Python module 'test'"),
    ({"project_slug": "site"}, "would shadow the Python module 'site'"),
    ({"project_slug": "json"}, "would shadow the Python module 'json'"),
    ({"project_slug": "config"}, "would shadow the Python module 'config'"),
    ({"project_slug": "class"}, "would shadow the Python module 'class'"),
    ({"project_slug": "my-project"}, "is not a valid Python package name"),
    ({"project_slug": "1st_project"}, "is not a valid Python package name"),
    ({"project_slug": "MyProject"}, "is not a valid Python package name"),
    ({"project_name": "Café Society"}, "is not a valid Python package name"),
    ({"project_name": 'Say "hi"'}, "is not a valid Python package name"),
    ({"project_name": "   "}, "project_name is empty"),
    ({"domain_name": "https://example.com"}, "is not a host name"),
    ({"domain_name": "example.com/path"}, "is not a host name"),
    ({"domain_name": "exa mple.com"}, "is not a host name"),
    ({"author_email": "nobody"}, "is not an email address"),
    ({"author_email": "a\\b@example.com"}, "is not an email address"),
    ({"description": 'Says "hi"'}, "description 'Says \"hi\"' holds '\"'"),
    ({"author_name": "A\\B"}, "author_name 'A\\\\B' holds '\\\\'"),
    ({"description": "two\nlines"}, "description 'two\\nlines' holds '\\n'"),
]


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=lambda v: str(v)[:40])
def test_bad_answer_is_refused_with_a_clear_message(tmp_path, capfd, answers, message):
    assert_refused(tmp_path, capfd, answers, message)


@pytest.mark.parametrize("key", CHOICES)
def test_an_answer_outside_the_choices_is_refused(tmp_path, key):
    with pytest.raises(ValueError, match=f"choice variable {key}"):
        render(tmp_path, **{key: "not-a-choice"})
    assert list(tmp_path.iterdir()) == []


def test_every_prompt_has_help_text():
    prompts = COOKIECUTTER_JSON["__prompts__"]
    variables = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]
    assert sorted(prompts) == sorted(variables)
    for key, values in CHOICES.items():
        assert sorted(set(prompts[key]) - {"__prompt__"}) == sorted(values), key


def django_settings():
    """The names of Django's own settings, read from the newest Django line's source."""
    (source,) = (
        venvs.python(venvs.NEWEST)
        .parents[1]
        .glob("lib/*/site-packages/django/conf/global_settings.py")
    )
    return set(re.findall(r"^([A-Z][A-Z0-9_]*) =", source.read_text(), re.MULTILINE))


def test_prompt_help_names_only_settings_the_project_has(rendered):
    # e.g. "goes into ADMINS" in a project that never sets ADMINS.
    helps = json.dumps(COOKIECUTTER_JSON["__prompts__"])
    named = {
        word
        for word in re.findall(r"\b[A-Z][A-Z0-9_]{3,}\b", helps)
        if "_" in word or word in django_settings()
    }
    projects = [rendered({**DEFAULTS, **combo}) for combo in VARIETY]
    texts = "".join(
        path.read_text()
        for project in projects
        for path in [*project.rglob("config/settings/*.py"), project / ".env.example"]
    )
    assert named and {word for word in named if word not in texts} == set()


def test_media_files_help_says_how_uploads_are_linked():
    help_ = COOKIECUTTER_JSON["__prompts__"]["media_files"]["s3"]
    # What media_s3.py does: public uploads unsigned, private ones signed for 60 s.
    assert "public uploads as plain links" in help_ and "signed for a minute" in help_
