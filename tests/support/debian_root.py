"""A fresh Debian 12 (bookworm) root filesystem, entered with chroot, where a generated
README's deployment steps run as root, as on a new server.

The base is `debootstrap --variant=minbase bookworm`: Debian's required packages only, so
whatever a server needs beyond them, the steps must install. It is built once for each state
of Debian's archive (keyed by the Date of bookworm's Release file, which changes only when the
archive does, at a point release) under .cache/rootfs/, and copied for each case. A copy gets
what a server has and a chroot lacks, and nothing more:

- the updates and security suites in its apt sources, as Debian's installer writes them;
- /proc, mounted while the copy is in use;
- a policy-rc.d that keeps package scripts from starting services: on a server, systemd
  starts them; here there is no init, and the test starts what the steps set up;
- this machine's CA bundle as a local CA: its egress re-signs HTTPS, so pip in the chroot
  reaches PyPI only when it trusts what the host trusts (elsewhere this changes nothing).

Paths inside the root are written relative ("etc/nginx"): they name the chroot's files, not
this machine's.
"""

import contextlib
import fcntl
import hashlib
import os
import shlex
import shutil
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.support.processes import stop
from tests.support.template import REPO

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
SECURITY_MIRROR = "http://deb.debian.org/debian-security"
CACHE = REPO / ".cache" / "rootfs"


class StepFailed(AssertionError):
    pass


def archive_date():
    """When bookworm's archive last changed, from its Release file."""
    with urllib.request.urlopen(f"{MIRROR}/dists/{SUITE}/Release", timeout=60) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("Date:"):
                return line.split(":", 1)[1].strip()
    raise RuntimeError(f"no Date in {MIRROR}/dists/{SUITE}/Release")


def base_root():
    """The debootstrap of today's archive, built by the first worker that asks (the others wait
    for it) and kept until the archive changes. Never changed in place: copy it."""
    key = hashlib.sha256(f"{SUITE} minbase {MIRROR} {archive_date()}".encode()).hexdigest()[:12]
    target = CACHE / f"{SUITE}-minbase-{key}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_dir():
            building = CACHE / "building"
            shutil.rmtree(building, ignore_errors=True)
            result = subprocess.run(
                ["debootstrap", "--variant=minbase", SUITE, building, MIRROR],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise RuntimeError(f"debootstrap failed:\n{result.stdout[-3000:]}{result.stderr}")
            building.rename(target)
            for old in CACHE.glob(f"{SUITE}-minbase-*"):
                if old != target:
                    shutil.rmtree(old)
    return target


def host_ca_bundle():
    """The CA bundle this machine's TLS clients use (SSL_CERT_FILE, or OpenSSL's own)."""
    paths = ssl.get_default_verify_paths()
    candidates = [paths.cafile, paths.capath and str(Path(paths.capath) / "ca-certificates.crt")]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def service_path():
    """The PATH systemd gives a service (and a root login gets on Debian)."""
    result = subprocess.run(["systemd-path", "search-binaries-default"], capture_output=True)
    return result.stdout.decode().strip()


def prepare(root):
    """What a server has and a fresh debootstrap lacks (see the module's docstring)."""
    (root / "etc/apt/sources.list").write_text(
        f"deb {MIRROR} {SUITE} main\n"
        f"deb {MIRROR} {SUITE}-updates main\n"
        f"deb {SECURITY_MIRROR} {SUITE}-security main\n"
    )
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\n# No init in this chroot: nothing starts services.\nexit 101\n")
    policy.chmod(0o755)
    local_cas = root / "usr/local/share/ca-certificates"
    local_cas.mkdir(parents=True, exist_ok=True)
    bundle = host_ca_bundle()
    if bundle:
        shutil.copyfile(bundle, local_cas / "this-machine.crt")


class Chroot:
    """A copy of the base root in use: commands run in it, processes it started (each in a
    process group of its own), all stopped by close()."""

    def __init__(self, root, logs):
        self.root = root
        self.logs = logs
        self.path_env = service_path()
        self.processes = {}

    def path(self, inside):
        """This machine's path of `inside`, a path in the chroot."""
        return self.root / str(inside).lstrip("/")

    def command(self, args, *, user=None, cwd=None, env=None):
        """The host command that runs `args` in the chroot with only `env` (and PATH), as
        `user` ("uid:gid"), from `cwd`."""
        inner = ["env", "-i", *(["-C", cwd] if cwd else [])]
        inner += [f"{k}={v}" for k, v in {"PATH": self.path_env, **(env or {})}.items()]
        userspec = [f"--userspec={user}"] if user else []
        return ["chroot", *userspec, str(self.root), *inner, *map(str, args)]

    def run(self, args, *, check=True, timeout=300, **options):
        result = subprocess.run(
            self.command(args, **options),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise StepFailed(
                f"{shlex.join(map(str, args))} exited {result.returncode} in the chroot:\n"
                f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result

    def start(self, name, command, *, stdin=None, umask=-1):
        """Run the host `command` until close() or stop(name); its output goes to logs/name.log."""
        self.stop(name)
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as log:
            self.processes[name] = subprocess.Popen(
                command,
                stdin=stdin or subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() reaches its children
                umask=umask,
            )
        return self.processes[name]

    def log(self, name):
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, name):
        process = self.processes.pop(name, None)
        if process:
            stop(process)

    def close(self):
        for name in list(self.processes):
            self.stop(name)


@contextlib.contextmanager
def fresh_root(base, folder, logs):
    """A copy of `base` under `folder`, prepared and mounted, as a Chroot; every process it
    started is stopped, /proc unmounted and the copy removed when the block ends."""
    root = folder / "root"
    subprocess.run(["cp", "-a", base, root], check=True)
    prepare(root)
    proc = root / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", proc], check=True)
    chroot = Chroot(root, logs)
    try:
        yield chroot
    finally:
        chroot.close()
        for attempt in range(20):
            if not os.path.ismount(proc):
                break
            subprocess.run(["umount", proc], capture_output=True)
            time.sleep(0.2 * attempt)
        if os.path.ismount(proc):
            subprocess.run(["umount", "--lazy", proc], capture_output=True)
        # Never remove a tree something is still mounted in.
        if not os.path.ismount(proc):
            shutil.rmtree(root, ignore_errors=True)


class Shell:
    """A root login shell in the chroot, given one command at a time, as a person pastes
    them: what a command changes (the folder, variables) holds for the next ones. Each
    command reads /dev/null, so none can swallow the next."""

    def __init__(self, chroot, name, env=None):
        self.chroot, self.name = chroot, name
        self.folder = Path("root") / ".pasted" / name  # in the chroot
        chroot.path(self.folder).mkdir(parents=True, mode=0o700)
        login = {"HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash"}
        self.process = chroot.start(
            name,
            chroot.command(["bash", "--login"], env={**login, "TERM": "dumb", **(env or {})}),
            stdin=subprocess.PIPE,
        )
        self.count = 0

    def run(self, command, timeout=900):
        self.count += 1
        script, status = (f"/{self.folder}/{self.count}.{ext}" for ext in ("sh", "rc"))
        self.chroot.path(script).write_text(command + "\n")
        with open(self.chroot.logs / f"{self.name}.log", "a") as log:
            log.write(f"\n$ {command}\n")
        self.process.stdin.write(f". {script} </dev/null; echo $? >{status}.new\n".encode())
        self.process.stdin.write(f"mv {status}.new {status}\n".encode())
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while not self.chroot.path(status).exists():
            if self.process.poll() is not None:
                raise StepFailed(f"the shell ended during {command!r}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise StepFailed(f"{command!r} still ran after {timeout} s:\n{self.tail()}")
            time.sleep(0.05)
        code = int(self.chroot.path(status).read_text())
        if code != 0:
            raise StepFailed(f"{command!r} exited {code}:\n{self.tail()}")

    def tail(self):
        return self.chroot.log(self.name)[-5000:]
