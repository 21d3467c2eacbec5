"""The template as the tests see it: its choices, what should be refused, and rendering."""

import itertools
import json
from pathlib import Path

from cookiecutter.main import cookiecutter

REPO = Path(__file__).resolve().parents[2]
COOKIECUTTER_JSON = json.loads((REPO / "cookiecutter.json").read_text())

# Every prompt with a list of choices, read from cookiecutter.json (not a hand-kept copy).
CHOICES = {
    key: value
    for key, value in COOKIECUTTER_JSON.items()
    if isinstance(value, list) and not key.startswith("_")
}
DEFAULTS = {key: values[0] for key, values in CHOICES.items()}
# The web servers the template ships a site for.
WEB_SERVERS = [server for server in CHOICES["web_server"] if server != "none"]


def all_combinations():
    keys = list(CHOICES)
    for values in itertools.product(*CHOICES.values()):
        yield dict(zip(keys, values, strict=True))


def refusal(combo):
    """The words the pre-generation hook must print for an impossible combination, or None.

    Written here independently of the hook, so a hook that forgets a rule fails a test.
    """
    if combo["web_server"] == "none" and combo["static_files"] == "web_server":
        return "static_files=web_server needs a web server"
    if combo["web_server"] == "none" and combo["media_files"] == "local":
        return "media_files=local needs a web server"
    return None


def valid_combinations():
    return [combo for combo in all_combinations() if refusal(combo) is None]


def combo_id(combo):
    return (
        "-".join(f"{key}={value}" for key, value in combo.items() if value != DEFAULTS.get(key))
        or "defaults"
    )


def render(output_dir, **answers):
    """Generate a project non-interactively; returns its directory."""
    return Path(
        cookiecutter(str(REPO), no_input=True, extra_context=answers, output_dir=str(output_dir))
    )
