"""One virtualenv per tested Python/Django line, shared by every generated project.

Generated projects are not installed into them: they run from their own folder with the
venv's python, which is how `manage.py` runs after `pip install -e .` too. The venv holds
the union of the dependencies that the generated pyproject.toml files declare, so a range
that stops resolving fails here first. Run as `python -m tests.support.venvs` to build them.

Each line's Python is looked for wherever it may be: `python3.X` on PATH, pyenv's
versions (any 3.X.N), then uv's (`uv python find 3.X`). A line whose Python is not found is
skipped with one line saying what is missing, and so are the tests that need it. With
REQUIRE_ALL_LINES=1 (or CI=true, unless REQUIRE_ALL_LINES=0) a missing line fails instead.

`python tests/support/venvs.py --tooling-python` prints a Python 3.11+ for the tooling venv
(it needs nothing installed, so bootstrap.sh runs it with any python3).
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / ".cache" / "venvs"

# name -> (Python version, Django constraint). The lowest and the newest supported lines.
LINES = {
    "django5.2-py3.11": ("3.11", "django>=5.2,<6"),
    "django6.1-py3.12": ("3.12", "django>=6.1,<6.2"),
    # Apache's mod_wsgi can only run the app from a venv of the Python it embeds. Debian's
    # libapache2-mod-wsgi-py3 embeds Debian's (3.11 on Debian 12)...
    "django5.2-debian-py3.11": ("mod_wsgi", "django>=5.2,<6"),
    # ...so for Django 6 mod_wsgi is built from PyPI into a venv of 3.12 (see pypi_mod_wsgi).
    "django6.1-modwsgi-py3.12": ("3.12", "django>=6.1,<6.2"),
}
NEWEST = "django6.1-py3.12"
OLDEST = "django5.2-py3.11"
MOD_WSGI = "django5.2-debian-py3.11"
PYPI_MOD_WSGI = "django6.1-modwsgi-py3.12"
MOD_WSGI_LINES = [MOD_WSGI, PYPI_MOD_WSGI]
MOD_WSGI_MODULE = Path("/usr/lib/apache2/modules/mod_wsgi.so")
APXS = Path("/usr/bin/apxs")
TOOLING_VERSIONS = ("3.11", "3.12", "3.13")

# Between them these two projects use every optional dependency.
DEPENDENCY_SAMPLES = [
    {"static_files": "whitenoise", "media_files": "s3", "database": "postgresql"},
    {"static_files": "s3"},
]


def require_all():
    """Whether a line that cannot be built is an error rather than a skip."""
    explicit = os.environ.get("REQUIRE_ALL_LINES")
    if explicit is not None:
        return explicit.strip().lower() not in ("", "0", "false", "no")
    return os.environ.get("CI", "").strip().lower() == "true"


def probe(executable):
    """(version, real executable) of a Python that runs, e.g. ('3.12', '/…/bin/python3.12'):
    a pyenv shim answers with the interpreter it runs. None if it does not run (a shim for a
    version that pyenv has not enabled is on PATH but exits with an error)."""
    try:
        result = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.executable)"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except OSError:
        return None
    if result.returncode != 0:
        return None
    version, real = result.stdout.strip().split(" ", 1)
    return version, Path(real)


def running_python(executable, version):
    """The real interpreter behind `executable` if it is a running Python `version`."""
    answer = probe(executable) if executable else None
    return answer[1] if answer and answer[0] == version else None


def pyenv_versions():
    """pyenv's versions folder, if pyenv is there (PYENV_ROOT, `pyenv root`, ~/.pyenv)."""
    roots = [os.environ.get("PYENV_ROOT")]
    if shutil.which("pyenv"):
        result = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        roots.append(result.stdout.strip() if result.returncode == 0 else None)
    roots.append(str(Path.home() / ".pyenv"))
    for root in filter(None, roots):
        if (Path(root) / "versions").is_dir():
            return Path(root) / "versions"
    return None


def find_python(version):
    """(path, None) for a Python `version` ('3.12') that runs, or (None, what was tried)."""
    tried = []
    on_path = shutil.which(f"python{version}")
    if real := running_python(on_path, version):
        return real, None
    tried.append(f"python{version} on PATH" + (" (does not run)" if on_path else ""))

    versions = pyenv_versions()
    if versions:
        pattern = re.compile(rf"{re.escape(version)}\.\d+")
        folders = [folder for folder in versions.iterdir() if pattern.fullmatch(folder.name)]
        for folder in sorted(folders, key=lambda p: int(p.name.rsplit(".", 1)[1]), reverse=True):
            if real := running_python(folder / "bin" / f"python{version}", version):
                return real, None
        tried.append(f"{versions}/{version}.*")
    else:
        tried.append("pyenv (not installed)")

    uv = shutil.which("uv")
    if uv:
        result = subprocess.run([uv, "python", "find", version], capture_output=True, text=True)
        if result.returncode == 0 and (real := running_python(result.stdout.strip(), version)):
            return real, None
        tried.append(f"uv python find {version}")
    else:
        tried.append("uv (not installed)")
    return None, f"no Python {version}: looked for " + ", ".join(tried)


def mod_wsgi_python():
    """The Python that Apache's mod_wsgi embeds: /usr/bin/python3.X for the libpython3.X
    its module links, as Debian's libapache2-mod-wsgi-py3 installs them."""
    if not MOD_WSGI_MODULE.exists():
        return None, f"no mod_wsgi ({MOD_WSGI_MODULE}; Debian: libapache2-mod-wsgi-py3)"
    match = re.search(rb"libpython(3\.\d+)", MOD_WSGI_MODULE.read_bytes())
    if not match:
        return None, f"{MOD_WSGI_MODULE} names no libpython3.X"
    version = match.group(1).decode()
    executable = Path(f"/usr/bin/python{version}")
    if not running_python(executable, version):
        return None, f"mod_wsgi embeds Python {version}, but {executable} does not run"
    # Debian's Python makes a venv only with its ensurepip, which python3-venv installs.
    if not Path(f"/usr/lib/python{version}/ensurepip").is_dir():
        return None, f"{executable} cannot make a venv (Debian: python3-venv)"
    return executable, None


def pypi_mod_wsgi(version):
    """A Python `version` for mod_wsgi from PyPI (built with Apache's apxs): a copy under
    .cache of the one found, as the daemons' user (nobody) cannot read pyenv's in /root."""
    if not APXS.exists() or not shutil.which("gcc"):
        return None, f"cannot build mod_wsgi: no {APXS} or gcc (Debian: apache2-dev, gcc)"
    executable, reason = find_python(version)
    if executable is None:
        return None, reason
    where = [executable, "-c", "import sys; print(sys.base_prefix)"]
    prefix = Path(subprocess.run(where, capture_output=True, text=True, check=True).stdout.strip())
    copy = REPO / ".cache" / "pythons" / prefix.name
    if not copy.exists():
        partial = copy.with_name(copy.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(prefix, partial, symlinks=True, ignore=shutil.ignore_patterns("test"))
        partial.rename(copy)
    return copy / "bin" / f"python{version}", None


def interpreter(line):
    version = LINES[line][0]
    if version == "mod_wsgi":
        return mod_wsgi_python()
    return pypi_mod_wsgi(version) if line == PYPI_MOD_WSGI else find_python(version)


def missing_file(line):
    return VENVS / f"{line}.missing"


def stamp_file(line):
    return VENVS / line / ".requirements"


def python(line):
    """The venv's python for `line`. Inside a test, a line that was not built skips the
    test with the reason (or fails it when every line is required)."""
    executable = VENVS / line / "bin" / "python"
    if stamp_file(line).exists() and executable.exists():
        return executable
    missing = missing_file(line)
    reason = (
        f"{line} skipped: {missing.read_text().strip()}"
        if missing.exists()
        else f"{line} is not built: run scripts/bootstrap.sh"
    )
    import pytest

    if require_all():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def project_requirements():
    import tomllib

    from tests.support.template import render

    requirements = set()
    with tempfile.TemporaryDirectory() as tmp:
        for index, answers in enumerate(DEPENDENCY_SAMPLES):
            project = render(Path(tmp) / str(index), **answers)
            meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
            requirements.update(meta["dependencies"])
            requirements.update(meta["optional-dependencies"]["dev"])
    return sorted(requirements)


def ensure(line, base, requirements):
    version, django = LINES[line]
    if version != "mod_wsgi":  # the exact version, so a new patch release rebuilds the venv
        version = subprocess.run(
            [base, "-c", "import platform; print(platform.python_version())"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    else:
        version = "system"  # Debian's: patch releases upgrade the venv in place
    extra = ["mod_wsgi"] if line == PYPI_MOD_WSGI else []
    wanted = "\n".join([version, django, *requirements, *extra])
    if stamp_file(line).exists() and stamp_file(line).read_text() == wanted:
        return
    stamp_file(line).unlink(missing_ok=True)
    subprocess.run([base, "-m", "venv", "--clear", VENVS / line], check=True)
    subprocess.run(
        [python_unchecked(line), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *requirements, *extra, django],
        check=True,
    )  # fmt: skip
    stamp_file(line).write_text(wanted)
    print(f"built {line}: {hashlib.sha256(wanted.encode()).hexdigest()[:12]}", file=sys.stderr)


def python_unchecked(line):
    return VENVS / line / "bin" / "python"


def main():
    VENVS.mkdir(parents=True, exist_ok=True)
    requirements = project_requirements()
    missing = []
    for line in LINES:
        base, reason = interpreter(line)
        if base is None:
            missing_file(line).write_text(reason + "\n")
            missing.append(f"{line}: {reason}")
            continue
        missing_file(line).unlink(missing_ok=True)
        ensure(line, base, requirements)
    for entry in missing:
        if require_all():
            print(f"ERROR: cannot build {entry} (all lines required)", file=sys.stderr)
        else:
            print(f"SKIPPED {entry}; its tests will be skipped", file=sys.stderr)
    if missing and require_all():
        sys.exit(1)


def tooling_python():
    """A Python 3.11+ for the tooling venv: the one running this, or the first found."""
    if sys.version_info >= (3, 11):  # noqa: UP036 (bootstrap.sh runs this with any python3)
        return Path(sys.executable), None
    reasons = []
    for version in TOOLING_VERSIONS:
        executable, reason = find_python(version)
        if executable:
            return executable, None
        reasons.append(reason)
    return None, "no Python 3.11 or newer for the tooling venv (" + "; ".join(reasons) + ")"


if __name__ == "__main__":
    if sys.argv[1:] == ["--tooling-python"]:
        executable, reason = tooling_python()
        if executable is None:
            sys.exit(f"ERROR: {reason}")
        print(executable)
    else:
        main()
