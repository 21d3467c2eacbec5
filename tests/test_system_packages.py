"""Every system file the suite uses comes from a package that scripts/debian-packages.txt names.

A fresh machine has only what scripts/bootstrap.sh installs from that list. A fixture that
loads an Apache module, runs a binary or reads a file of a package nobody listed passes on a
machine where someone once installed it by hand, and fails everywhere else.

What the suite uses is read from its sources (tests/, benchmarks/): absolute system paths in
its strings (f-string holes match any name), shared objects it loads (`mod_xsendfile.so`),
and the programs it starts (the first word of a command list). Each is asked of dpkg: the
package that owns it must be listed, or be pulled in by a listed one, or be part of every
Debian system (Priority: required).
"""

import ast
import functools
import glob
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE_LIST = REPO / "scripts" / "debian-packages.txt"
SOURCES = [*sorted((REPO / "tests").rglob("*.py")), *sorted((REPO / "benchmarks").glob("*.py"))]
# Paths the tests write into a generated site or project, not files taken from the system.
NOT_FROM_THE_SYSTEM = ("/etc/letsencrypt/", "/var/www/")
SYSTEM_PATH = re.compile(r"(?<![\w.~-])/(?:usr|etc|bin|sbin|lib|opt)/[\w.+@*/-]*[\w+*]")
SHARED_OBJECT = re.compile(r"^[\w-]+\.so$")
COMMAND = re.compile(r"^[a-z][\w.+-]*$")
RUNNERS = {"run", "Popen", "check_call", "check_output", "call", "which"}
PROGRAM_FOLDERS = {Path("/usr/bin"), Path("/usr/sbin"), Path("/bin"), Path("/sbin")}

pytestmark = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="needs dpkg (Debian)")


def listed_packages(text):
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def strings(node):
    """Every string of the code (not docstrings, which describe); an f-string's holes
    become `*`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
            continue  # a docstring
        if isinstance(child, ast.JoinedStr):
            yield "".join(v.value if isinstance(v, ast.Constant) else "*" for v in child.values)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value
        else:
            yield from strings(child)


def commands(tree):
    """Words in the place of a program: the first item of a list or tuple (a command line),
    or a plain string argument of a call that runs a process (`run(cwd, "git", ...)`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple) and node.elts:
            candidates = node.elts[:1]
        elif isinstance(node, ast.Call):
            function = getattr(node.func, "attr", getattr(node.func, "id", ""))
            candidates = node.args if function in RUNNERS else []
        else:
            continue
        for arg in candidates:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield arg.value


def is_debian_program(path):
    """A program where Debian installs them (not /usr/local, a venv or pyenv)."""
    return Path(path).parent in PROGRAM_FOLDERS


def used_files():
    """{what the source says: (source, [system paths it may mean])}, one entry per use."""
    uses = {}
    for source in SOURCES:
        if source == Path(__file__):
            continue
        tree = ast.parse(source.read_text())
        where = source.relative_to(REPO)
        for text in strings(tree):
            for path in SYSTEM_PATH.findall(text):
                if not path.startswith(NOT_FROM_THE_SYSTEM):
                    uses.setdefault(path, (where, glob.glob(path) or [path]))
            if SHARED_OBJECT.match(text.strip()):
                uses.setdefault(text.strip(), (where, [text.strip()]))
        for word in commands(tree):
            program = shutil.which(word) if COMMAND.match(word) else None
            if program and is_debian_program(program):
                uses.setdefault(word, (where, [program]))
    return uses


@functools.cache
def owners(path):
    """Packages that installed `path` (a full path, or a file name: dpkg matches it anywhere)."""
    candidates = [path] if path.startswith("/") else [f"*/{path}"]
    if path.startswith("/"):
        # Merged /usr: dpkg may know /bin/x as installed, which is /usr/bin/x now, or the
        # target of a symlink.
        candidates += [str(Path(path).resolve()), re.sub(r"^/usr/", "/", path)]
    for candidate in candidates:
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        found = set()
        for line in result.stdout.splitlines():
            if line.startswith("diversion ") or ": " not in line:
                continue
            found.update(name.strip().split(":")[0] for name in line.split(": ")[0].split(","))
        if found:
            return found
    return set()


@functools.cache
def installed():
    """{package: (is part of every Debian system, [dependency alternatives])}, and
    {virtual package: packages that provide it}."""
    fields = "${Package}\t${Priority}\t${Essential}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", fields], capture_output=True, text=True, check=True
    ).stdout
    packages, provides = {}, {}
    bare = functools.partial(re.sub, r"[\s(].*|:\w+$", "")
    for line in out.splitlines():
        name, priority, essential, depends, provided = line.split("\t")
        alternatives = [
            [bare(choice.strip()) for choice in group.split("|")]
            for group in depends.split(",")
            if group.strip()
        ]
        packages[name] = (priority == "required" or essential == "yes", alternatives)
        for virtual in provided.split(","):
            if virtual.strip():
                provides.setdefault(bare(virtual.strip()), set()).add(name)
    return packages, provides


def pulled_in(names):
    """`names` and everything they depend on, as apt installs it: of `a | b`, the first
    alternative (or what provides it)."""
    packages, provides = installed()
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        for group in packages[name][1]:
            choices = (real for choice in group for real in (choice, *provides.get(choice, ())))
            first = next((real for real in choices if real in packages), None)
            if first:
                todo.append(first)
    return seen


def unprovided(listed, uses):
    """The uses that no listed package (nor Debian's required base) provides."""
    packages, _ = installed()
    available = pulled_in(listed) | pulled_in(n for n, (base, _) in packages.items() if base)
    missing = {}
    for use, (where, paths) in uses.items():
        found = set().union(*(owners(path) for path in paths))
        if not found & available:
            missing[use] = (where, sorted(found) or ["no installed package"])
    return missing


@pytest.fixture(scope="module")
def uses():
    return used_files()


def test_the_list_names_real_packages_once():
    listed = listed_packages(PACKAGE_LIST.read_text())
    assert len(listed) == len(set(listed)), listed
    packages, _ = installed()
    # bootstrap.sh has run (the test command runs it first): every listed package is here.
    assert [name for name in listed if name not in packages] == []


def test_every_system_file_the_suite_uses_comes_from_a_listed_package(uses):
    missing = unprovided(listed_packages(PACKAGE_LIST.read_text()), uses)
    assert not missing, "add to scripts/debian-packages.txt:\n" + "\n".join(
        f"  {use} (used in {where}): {', '.join(found)}"
        for use, (where, found) in sorted(missing.items())
    )


def test_the_scan_sees_what_the_fixtures_load(uses):
    # The uses the first bug hid: if the scan stopped seeing these, the test above could
    # not fail for them.
    expected = {"mod_xsendfile.so", "mod_wsgi.so", "nginx", "openssl", "/usr/bin/chromium"}
    assert expected <= set(uses)


@pytest.mark.parametrize("package", listed_packages(PACKAGE_LIST.read_text()))
def test_without_any_one_listed_package_the_suite_misses_a_file(package, uses):
    # Each line is needed: what another listed package brings along is not listed again.
    listed = listed_packages(PACKAGE_LIST.read_text())
    assert unprovided([name for name in listed if name != package], uses), (
        f"{package} is on the list, but the suite misses nothing without it"
    )
