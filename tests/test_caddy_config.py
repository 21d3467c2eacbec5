"""deploy/caddy/Caddyfile is valid and formatted as `caddy fmt` writes it, for every static ×
media choice, with Debian 12's Caddy (2.6) and the newest (2.11)."""

import subprocess

import pytest

from tests.support.caddy import CADDY, render_caddyfile
from tests.support.template import CHOICES

COMBOS = [
    {"static_files": static, "media_files": media}
    for static in CHOICES["static_files"]
    for media in CHOICES["media_files"]
]


@pytest.mark.parametrize("caddy", CADDY.values(), ids=CADDY.keys())
@pytest.mark.parametrize("answers", COMBOS, ids=lambda a: "-".join(a.values()))
def test_caddyfile_validates_and_is_formatted(answers, caddy, tmp_path):
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(render_caddyfile(**answers))
    # Caddy keeps certificates under $HOME (XDG): a folder of the test's own.
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    validate = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", caddyfile],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stderr
    formatted = subprocess.run(
        [caddy, "fmt", caddyfile], capture_output=True, text=True, env=env, check=True
    )
    assert formatted.stdout == caddyfile.read_text()
