"""What systemd does with a socket unit and its service, done by hand in a chroot (which has
no systemd), from the unit files installed there: nothing about them is assumed.

- The socket: systemd-socket-activate listens on the socket unit's ListenStream (inside the
  chroot), which gets the SocketUser, SocketGroup and SocketMode the unit names, and launches
  the service at the first connection, handing it the socket.
- The service: its ExecStart, as its User and Group, from its WorkingDirectory, with only the
  environment systemd gives it (EnvironmentFile, Environment, the user's HOME, USER, LOGNAME
  and SHELL, systemd's PATH) and systemd's default umask, 0022.

The service's sandboxing (ProtectSystem, PrivateTmp, ...) is not reproduced: what the tests
check of the app's rights comes from the owners and modes the deployment steps set, which
hold without it.
"""

import os
import shlex
import time
from dataclasses import dataclass

UNITS = "etc/systemd/system"  # in the chroot
PACKAGE_UNITS = "lib/systemd/system"  # where Debian's packages install theirs
SYSTEMD_UMASK = 0o022


def parse_unit(text):
    """{section: {key: [value, ...]}}: a key given twice keeps both, as systemd's lists do."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def parse_environment_file(text):
    """KEY=VALUE lines as systemd reads an EnvironmentFile: comments and blank lines skipped,
    one pair of surrounding quotes removed."""
    env = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def accounts(chroot):
    """{user: (uid, gid, home, shell)} and {group: gid}, from the chroot's own files."""
    users = {}
    for line in chroot.path("etc/passwd").read_text().splitlines():
        name, _, uid, gid, _, home, shell = line.split(":")
        users[name] = (int(uid), int(gid), home, shell)
    groups = {}
    for line in chroot.path("etc/group").read_text().splitlines():
        name, _, gid, _ = line.split(":")
        groups[name] = int(gid)
    return users, groups


def unit(chroot, name, folder=UNITS):
    path = chroot.path(f"{folder}/{name}")
    if not path.is_file():
        raise AssertionError(f"no {name} in the chroot's /{folder}: the steps did not install it")
    return parse_unit(path.read_text())


@dataclass
class Service:
    """A service unit as systemd would run it: who, where, with what environment."""

    uid: int
    gid: int
    cwd: str
    env: dict
    exec_start: list
    environment_files: list  # in the chroot

    @classmethod
    def read(cls, chroot, name, folder=UNITS):
        section = unit(chroot, name, folder)["Service"]
        users, groups = accounts(chroot)
        user = section.get("User", ["root"])[-1]
        uid, user_gid, home, shell = users[user]
        gid = groups[section["Group"][-1]] if "Group" in section else user_gid
        env = {"PATH": chroot.path_env}
        env.update(HOME=home, USER=user, LOGNAME=user, SHELL=shell)
        files = [file.lstrip("-") for file in section.get("EnvironmentFile", [])]
        for file in files:
            optional = f"-{file}" in section["EnvironmentFile"]
            if optional and not chroot.path(file).exists():
                continue
            env.update(parse_environment_file(chroot.path(file).read_text()))
        for assignments in section.get("Environment", []):
            env.update(item.split("=", 1) for item in shlex.split(assignments))
        (exec_start,) = section["ExecStart"]
        cwd = section.get("WorkingDirectory", [home])[-1]
        return cls(uid, gid, cwd, env, shlex.split(exec_start), files)

    def command(self, chroot, args=None, *, keep_env=False):
        """The host command that runs ExecStart (or `args`) as the service does. keep_env: pass
        on the environment the caller sets (systemd-socket-activate's) instead of this one."""
        env = [] if keep_env else ["-i", *(f"{k}={v}" for k, v in self.env.items())]
        return [
            "chroot", f"--userspec={self.uid}:{self.gid}", str(chroot.root),
            "env", "-C", self.cwd, *env, *(args or self.exec_start),
        ]  # fmt: skip


def start_socket(chroot, name, log_name):
    """`name`.socket as systemd opens it, launching `name`.service at the first connection.
    Returns (the socket's path on this machine, the Service)."""
    socket = unit(chroot, f"{name}.socket")["Socket"]
    service = Service.read(chroot, f"{name}.service")
    (listen,) = socket["ListenStream"]
    path = chroot.path(listen)
    path.unlink(missing_ok=True)
    process = chroot.start(
        log_name,
        [
            "systemd-socket-activate", f"--listen={path}",
            # The launched process gets only the variables named here, as from systemd.
            *(f"--setenv={k}={v}" for k, v in service.env.items()),
            *service.command(chroot, keep_env=True),
        ],
        umask=SYSTEMD_UMASK,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{listen} never appeared:\n{chroot.log(log_name)}")
        time.sleep(0.05)
    users, groups = accounts(chroot)
    owner = socket.get("SocketUser", ["root"])[-1]
    group = socket.get("SocketGroup", [None])[-1]
    os.chown(path, users[owner][0], groups[group] if group else users[owner][1])
    os.chmod(path, int(socket.get("SocketMode", ["0666"])[-1], 8))
    return path, service
