"""Docker images without a Docker daemon: Debian's buildah, with chroot isolation, builds a
generated project's Dockerfile and runs processes from the image on this machine's network.

buildah keeps its images and layers in a store of its own under .cache/containers/, so the
tests leave the machine's store alone and a second run reuses the layers of the first.

There is no registry here: the Dockerfile's base image, `python:3.12-slim-bookworm`, is made
locally and tagged with that name. It stands in for the official image: Debian 12 minbase
(tests/support/debian_root.py) with pyenv's CPython 3.12 copied to /usr/local, as the official
image has it, plus the libraries its modules link to. Like debian_root's copies, it trusts
this machine's CA bundle (PIP_CERT): pip reaches PyPI only through this machine's egress,
which re-signs HTTPS. Elsewhere this changes nothing.
"""

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.support.debian_root import base_root, host_ca_bundle
from tests.support.processes import running
from tests.support.template import REPO

CACHE = REPO / ".cache" / "containers"
BASE_IMAGE = "python:3.12-slim-bookworm"
DEBIAN_IMAGE = "debian:bookworm-slim"
PYTHON_LINE = "3.12"
IMAGE_PATH = ("usr/local/bin", "usr/local/sbin", "usr/sbin", "usr/bin", "sbin", "bin")
IMAGE_CA_BUNDLE = "etc/ssl/certs/ca-certificates.crt"


def buildah(*args, check=True, timeout=1200, **options):
    command = ["buildah", "--root", CACHE / "storage", "--runroot", CACHE / "run", *args]
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, **options
    )
    if check and result.returncode != 0:
        raise AssertionError(f"buildah {args[0]} failed:\n{result.stdout[-4000:]}{result.stderr}")
    return result


def image_exists(name):
    return buildah("images", "--quiet", name, check=False).returncode == 0


def pyenv_python():
    found = sorted(Path.home().glob(f".pyenv/versions/{PYTHON_LINE}.*/bin/python{PYTHON_LINE}"))
    assert found, f"no pyenv CPython {PYTHON_LINE} to make {BASE_IMAGE} from"
    return found[-1].parents[1]


def linked_libraries(prefix):
    """The shared libraries, outside the prefix, that CPython and its modules load."""
    libraries = set()
    modules = prefix.glob("lib/python*/lib-dynload/*.so")
    for binary in [prefix / "bin" / f"python{PYTHON_LINE}", *modules]:
        output = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        for line in output.splitlines():
            parts = line.split()
            path = parts[-2] if "=>" in parts else ""
            if path.startswith("/") and not path.startswith(str(prefix)):
                libraries.add(Path(path))
    return libraries


def make_base_image():
    prefix = pyenv_python()
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        root = Path(folder) / "root"
        subprocess.run(["cp", "-a", f"{base_root()}/.", root], check=True)
        local = root / "usr" / "local"
        shutil.copytree(prefix / "bin", local / "bin", symlinks=True, dirs_exist_ok=True)
        shutil.copytree(
            prefix / "lib",
            local / "lib",
            symlinks=True,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(
                "test", "idlelib", "tkinter", "turtledemo", "__pycache__"
            ),
        )
        for library in linked_libraries(prefix):
            target = root / library.relative_to("/")
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(library, target)
        for name, to in (("python", f"python{PYTHON_LINE}"), ("pip", f"pip{PYTHON_LINE}")):
            link = local / "bin" / name
            if not link.exists():
                link.symlink_to(to)
        bundle = root / IMAGE_CA_BUNDLE
        bundle.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(host_ca_bundle(), bundle)
        subprocess.run(["chroot", root, "ldconfig"], check=True)
        # The official image's locale, and the bundle pip is to trust. Paths inside the image
        # are written relative, as in debian_root: they name none of this machine's files.
        config = ["--env", "LANG=C.UTF-8", "--env", f"PIP_CERT=/{IMAGE_CA_BUNDLE}"]
        commit_root(root, BASE_IMAGE, *config, "--cmd", "python3")


def make_debian_image():
    """Debian 12 minbase as it is, under the official slim image's name (the Apache image
    of compose.yaml starts from it)."""
    commit_root(base_root(), DEBIAN_IMAGE, "--cmd", "bash")


def commit_root(root, name, *config):
    """An image `name` holding the folder `root`, with the official images' PATH and `config`
    (`buildah config` options)."""
    container = buildah("from", "scratch").stdout.strip()
    try:
        mount = buildah("mount", container).stdout.strip()
        subprocess.run(["cp", "-a", f"{root}/.", mount], check=True)
        buildah("umount", container)
        path = ":".join(f"/{folder}" for folder in IMAGE_PATH)
        buildah("config", "--env", f"PATH={path}", *config, container)
        buildah("commit", "--format", "docker", container, name)
    finally:
        buildah("rm", container, check=False)


def stand_in(name, make):
    """A stand-in image, made by the first worker that asks and kept in the store."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not image_exists(name):
            make()
    return name


def base_image():
    return stand_in(BASE_IMAGE, make_base_image)


def debian_image():
    return stand_in(DEBIAN_IMAGE, make_debian_image)


def build(context, tag):
    """buildah bud of context/Dockerfile; returns the seconds it took."""
    started = time.monotonic()
    buildah(
        "bud", "--isolation", "chroot", "--format", "docker", "--layers", "--pull=never",
        "--tag", tag, context,
    )  # fmt: skip
    return time.monotonic() - started


def remove_image(tag):
    buildah("rmi", "--force", tag, check=False)


class Container:
    """A working container from an image: commands run in it, with volumes bound in."""

    def __init__(self, image, volumes=(), env=None):
        self.name = f"test-{uuid.uuid4().hex[:12]}"
        self.image = image
        self.volumes = [f"{host}:{inside}" for host, inside in volumes]
        buildah("from", "--pull=never", "--name", self.name, image)
        for key, value in (env or {}).items():
            buildah("config", "--env", f"{key}={value}", self.name)

    def command(self, args, user=None):
        volumes = [part for volume in self.volumes for part in ("-v", volume)]
        as_user = ["--user", user] if user else []
        return [
            "buildah", "--root", CACHE / "storage", "--runroot", CACHE / "run",
            "run", "--isolation", "chroot", *volumes, *as_user, self.name, "--", *args,
        ]  # fmt: skip

    def run(self, *args, user=None, check=True):
        result = subprocess.run(
            [str(part) for part in self.command(args, user)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed in the container:\n{result.stdout}{result.stderr}")
        return result

    @contextlib.contextmanager
    def serving(self, port, log_path, *args):
        """The image's command (or args), until the with-block ends; the server outlives
        `buildah run`, so the whole process group is stopped."""
        args = args or image_config(self.image)["Cmd"]  # buildah run has no default command
        with running(self.command(args), port=port, log_path=log_path, timeout=60) as process:
            yield process

    def remove(self):
        buildah("rm", self.name, check=False)


def image_layers_hold(image, name):
    """The paths in any layer of the image whose last part is `name`."""
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        archive = Path(folder) / "image.tar"
        buildah("push", image, f"docker-archive:{archive}")
        found = []
        listing = subprocess.run(["tar", "-tf", archive], capture_output=True, text=True).stdout
        for member in listing.split():
            if member.endswith(".tar") or member.endswith("/layer.tar"):
                subprocess.run(["tar", "-xf", archive, "-C", folder, member], check=True)
                layer = Path(folder) / member
                names = subprocess.run(["tar", "-tf", layer], capture_output=True, text=True)
                found += [n for n in names.stdout.split("\n") if n and Path(n).name == name]
                os.remove(layer)
        return found


def new_volume(container, inside, folder):
    """What Docker does when it first mounts a new named volume on `inside`: the volume is
    a copy of the image's folder there, its owner and mode included."""
    mount = Path(buildah("mount", container.name).stdout.strip())
    try:
        subprocess.run(["cp", "-a", mount / inside.lstrip("/"), folder], check=True)
    finally:
        buildah("umount", container.name, check=False)
    return folder


def image_config(image):
    """The image's config (Cmd, Healthcheck, User...), as `docker inspect` shows it."""
    return json.loads(buildah("inspect", "--type", "image", image).stdout)["Docker"]["config"]


def healthcheck(image):
    """The image's HEALTHCHECK command."""
    test = image_config(image)["Healthcheck"]["Test"]
    assert test[0] == "CMD", test
    return test[1:]


def users_of(process, word):
    """The user ids of the processes in `process`'s group whose command line has `word`."""
    uids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.getpgid(int(proc.name)) != process.pid:
                continue
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            # Not `buildah run` itself, whose arguments name the command it runs.
            if word.encode() in b" ".join(argv) and not argv[0].endswith(b"buildah"):
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("Uid:"):
                        uids.add(int(line.split()[1]))
    return uids
