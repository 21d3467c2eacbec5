"""One virtualenv per tested Python/Django line, shared by every generated project.

Generated projects are not installed into them: they run from their own folder with the
venv's python, which is how `manage.py` runs after `pip install -e .` too. The venv holds
the union of the dependencies that the generated pyproject.toml files declare, so a range
that stops resolving fails here first. Run as `python -m tests.support.venvs` to build them.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from tests.support.template import REPO, render

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
VENVS = REPO / ".cache" / "venvs"

# name -> (python version, Django constraint). The lowest and the newest supported lines.
LINES = {
    "django5.2-py3.11": ("3.11.7", "django>=5.2,<6"),
    "django6.1-py3.12": ("3.12.1", "django>=6.1,<6.2"),
    # Debian's own Python, the one libapache2-mod-wsgi-py3 embeds: Apache's mod_wsgi can
    # only run the app from a venv made with it.
    "django5.2-debian-py3.11": ("system", "django>=5.2,<6"),
}
NEWEST = "django6.1-py3.12"
OLDEST = "django5.2-py3.11"
MOD_WSGI = "django5.2-debian-py3.11"
SYSTEM_PYTHON = Path("/usr/bin/python3.11")

# Between them these two projects use every optional dependency.
DEPENDENCY_SAMPLES = [
    {"static_files": "whitenoise", "media_files": "s3", "database": "postgresql"},
    {"static_files": "s3"},
]


def project_requirements():
    requirements = set()
    with tempfile.TemporaryDirectory() as tmp:
        for index, answers in enumerate(DEPENDENCY_SAMPLES):
            project = render(Path(tmp) / str(index), **answers)
            meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
            requirements.update(meta["dependencies"])
            requirements.update(meta["optional-dependencies"]["dev"])
    return sorted(requirements)


def python(line):
    return VENVS / line / "bin" / "python"


def ensure(line, requirements):
    version, django = LINES[line]
    wanted = "\n".join([version, django, *requirements])
    stamp = VENVS / line / ".requirements"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    base = SYSTEM_PYTHON if version == "system" else PYENV / version / "bin" / "python"
    subprocess.run([base, "-m", "venv", "--clear", VENVS / line], check=True)
    subprocess.run(
        [python(line), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *requirements, django],
        check=True,
    )  # fmt: skip
    stamp.write_text(wanted)
    print(f"built {line}: {hashlib.sha256(wanted.encode()).hexdigest()[:12]}", file=sys.stderr)


def main():
    requirements = project_requirements()
    for line in LINES:
        ensure(line, requirements)


if __name__ == "__main__":
    main()
