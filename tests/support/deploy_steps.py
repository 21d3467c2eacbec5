"""A generated README's deployment steps, read as a person copies them (the shell blocks of its
Deploying section), and the server they are pasted into: a fresh Debian root in a chroot
(tests/support/debian_root.py) whose web server and gunicorn are started by hand where the
steps would have systemd start them."""

import os
import re
import socket
import ssl
import subprocess
import time
from pathlib import Path

from tests.support.debian_root import Shell
from tests.support.processes import free_port, wait_for_port
from tests.support.systemd_units import PACKAGE_UNITS, Service, accounts, start_socket

SECTION = re.compile(r"^## Deploying\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)
HEADING_OR_BLOCK = re.compile(r"^### (.+?)\n|^```bash\n(.*?)^```\n", re.DOTALL | re.MULTILINE)


def deployment_steps(readme):
    """{subheading: [command, ...]} of the Deploying section, in order: every line of its
    ```bash blocks but comments and blank lines, continued lines (ending in \\) joined."""
    section = SECTION.search(readme)
    assert section, "the README has no '## Deploying' section"
    steps, heading = {}, None
    for match in HEADING_OR_BLOCK.finditer(section.group(1)):
        if match.group(1):
            heading = match.group(1).strip()
            continue
        commands = steps.setdefault(heading, [])
        pending = ""
        for line in match.group(2).splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1]
                continue
            commands.append(pending + line)
            pending = ""
    return steps


def listener_group(port):
    """The process group of what listens on 127.0.0.1:`port`, found through /proc (None)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) in inodes:
                return os.getpgid(int(fd.parts[2]))
        except OSError:
            continue
    return None


def make_certificate(folder, domain):
    """A self-signed certificate for `domain`, valid for two days: (cert, key) paths."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={domain}",
         "-addext", f"subjectAltName=DNS:{domain}"],
        check=True, capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


class Server:
    """The chroot as a server: the shell the steps are pasted into, and what stands in for
    certbot and systemd (see STAND_INS in tests/test_deploy_steps.py)."""

    def __init__(self, chroot, web_server, env=None):
        self.chroot = chroot
        self.web_server = web_server
        self.env = env or {}
        self.ports = {}  # 80 and 443 -> the free ports used instead, once the server runs
        self.picked = {80: set(), 443: set()}  # the ports picked before, if any
        self.certificate = None  # this machine's copy of the stand-in certificate
        self.unit = self.socket = self.service = None  # gunicorn's, once started
        self.shells = 0

    @property
    def https_port(self):
        return self.ports[443]

    def paste(self, commands, stand_ins):
        """The commands, in order, into one new root shell; a command with a stand-in is
        replaced by it. Any other systemctl or certbot command has none, and fails."""
        self.shells += 1
        shell = Shell(self.chroot, f"shell-{self.shells}", self.env)
        for command in commands:
            for pattern, stand_in in stand_ins.items():
                match = re.fullmatch(pattern, command)
                if match:
                    with open(self.chroot.logs / f"shell-{self.shells}.log", "a") as log:
                        log.write(f"\n$ {command}\n(replaced: {stand_in.__name__})\n")
                    stand_in(self, **match.groupdict())
                    break
            else:
                if command.split()[0] in ("systemctl", "certbot"):
                    raise AssertionError(f"no stand-in for {command!r}")
                shell.run(self.on_free_ports(command))
        self.chroot.stop(f"shell-{self.shells}")

    # The stand-ins.

    def certificate_for(self, domain):
        """Let's Encrypt's certificate for `domain`, as certbot leaves it: self-signed, at the
        paths certbot writes, and trusted by the chroot and the test's client."""
        live = self.chroot.path(f"etc/letsencrypt/live/{domain}")
        live.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        cert, _ = make_certificate(live, domain)
        trusted = self.chroot.path(f"usr/local/share/ca-certificates/{domain}.crt")
        trusted.write_bytes(cert.read_bytes())
        self.chroot.run(["update-ca-certificates"])
        self.certificate = self.chroot.logs / f"{domain}.pem"
        self.certificate.write_bytes(cert.read_bytes())

    def start_socket(self, name):
        """`name`.socket opened as systemd would, `name`.service started by its first request."""
        self.socket, self.service = start_socket(self.chroot, name, "gunicorn")
        self.unit = name

    def restart_service(self, name):
        """The service stopped and, with its socket, started again."""
        assert name == self.unit, f"{name}.service is not the one {self.unit}.socket starts"
        self.stop_app()
        self.start_socket(name)

    def stop_app(self):
        self.chroot.stop("gunicorn")

    def serve(self, action):
        """The web server started in the foreground, or reloaded or restarted if it runs, on
        free ports of 127.0.0.1 instead of 80 and 443."""
        running = self.web_server in self.chroot.processes
        if running and action == "reload":
            self.listen_on_free_ports()
            reload = ["nginx", "-s", "reload"] if self.web_server == "nginx" else None
            self.chroot.run(reload or ["apache2ctl", "graceful"])
            return
        self.chroot.stop(self.web_server)
        command = {
            "nginx": ["nginx", "-g", "daemon off;"],
            "apache": ["apache2ctl", "-D", "FOREGROUND"],
        }.get(self.web_server)
        if self.web_server == "caddy":
            # As its package's unit runs it: its ExecStart, as its user, with its HOME.
            caddy = Service.read(self.chroot, "caddy.service", PACKAGE_UNITS)
            command = caddy.command(self.chroot)
            running = False  # no admin endpoint to reload through: started anew
        else:
            command = self.chroot.command(command)
        for _ in range(5):
            if not running:  # picked only now: a free port does not stay free for long
                for port, free in self.ports.items():
                    self.picked[port].add(free)
                self.ports = {80: free_port(), 443: free_port()}
            self.listen_on_free_ports()
            process = self.chroot.start(self.web_server, command)
            wait_for_port(self.https_port, process, self.chroot.logs / f"{self.web_server}.log")
            # Whatever answers must be this server, not another that took a port meanwhile.
            if all(listener_group(port) == process.pid for port in self.ports.values()):
                if self.web_server == "caddy":
                    self.trust_caddys_local_ca(caddy)
                return
            self.chroot.stop(self.web_server)
            running = False
        raise AssertionError(f"{self.web_server} never got its own ports: {self.ports}")

    def trust_caddys_local_ca(self, caddy):
        """The root of the CA Caddy issued its certificate from (local_certs, in place of Let's
        Encrypt), trusted by the chroot and the test's client, once a handshake succeeds."""
        root = self.chroot.path(
            f"{caddy.env['HOME']}/.local/share/caddy/pki/authorities/local/root.crt"
        )
        domains = re.findall(r"(?m)^([a-z0-9.-]+\.[a-z]+) \{", self.caddyfile().read_text())
        deadline = time.monotonic() + 30
        while True:
            try:
                context = ssl.create_default_context(cafile=root)
                with (
                    socket.create_connection(("127.0.0.1", self.https_port), timeout=5) as raw,
                    context.wrap_socket(raw, server_hostname=domains[0]),
                ):
                    break
            except (OSError, ssl.SSLError) as error:
                if time.monotonic() > deadline:
                    raise AssertionError(f"Caddy's certificate never came: {error}") from error
                time.sleep(0.2)
        trusted = self.chroot.path("usr/local/share/ca-certificates/caddy-local.crt")
        trusted.write_bytes(root.read_bytes())
        self.chroot.run(["update-ca-certificates"])
        self.certificate = self.chroot.logs / "caddy-local-root.pem"
        self.certificate.write_bytes(root.read_bytes())

    def caddyfile(self):
        return self.chroot.path("etc/caddy/Caddyfile")

    # Ports.

    def on_free_ports(self, text):
        """127.0.0.1:80 and :443 (the README's check) on the free ports instead."""
        for port, free in self.ports.items():
            text = re.sub(rf"\b127\.0\.0\.1:{port}\b", f"127.0.0.1:{free}", text)
        return text

    def listen_on_free_ports(self):
        """The web server's listen lines, in the chroot, on the ports picked instead of 80 and
        443 (or of ports picked before)."""
        sources = {port: "|".join(map(str, {port, *self.picked[port]})) for port in self.ports}
        if self.web_server == "caddy":
            # Global options, before the site: its ports, on 127.0.0.1; a certificate from
            # Caddy's local CA instead of Let's Encrypt's; no admin endpoint on port 2019.
            site = self.caddyfile()
            text = re.sub(r"\A\{\n.*?\n\}\n\n", "", site.read_text(), flags=re.DOTALL)
            options = [
                f"http_port {self.ports[80]}", f"https_port {self.ports[443]}",
                "default_bind 127.0.0.1", "local_certs", "skip_install_trust", "admin off",
            ]  # fmt: skip
            site.write_text("{\n" + "".join(f"\t{line}\n" for line in options) + "}\n\n" + text)
            return
        if self.web_server == "nginx":
            for site in self.enabled_sites("etc/nginx/sites-enabled"):
                text = re.sub(r"(?m)^\s*listen\s+\[::\]:.*\n", "", site.read_text())
                site.write_text(self.loopback_listen(site, text, "listen", sources))
            return
        ports = self.chroot.path("etc/apache2/ports.conf")
        ports.write_text(self.loopback_listen(ports, ports.read_text(), "Listen", sources))
        for site in self.enabled_sites("etc/apache2/sites-enabled"):
            text = site.read_text()
            for port, free in self.ports.items():
                text = re.sub(
                    rf"<VirtualHost \*:(?:{sources[port]})>", f"<VirtualHost *:{free}>", text
                )
            site.write_text(text)

    def loopback_listen(self, path, text, directive, sources):
        """`text` of `path` with its `directive` lines on 127.0.0.1 and the free ports; no
        line may be left listening beyond 127.0.0.1."""
        for port, free in self.ports.items():
            listen = rf"(?m)^(\s*{directive}\s+)(?:127\.0\.0\.1:)?(?:{sources[port]})\b"
            text = re.sub(listen, rf"\g<1>127.0.0.1:{free}", text)
        outside = re.findall(rf"(?m)^\s*{directive}\s+(?!127\.0\.0\.1:).*", text)
        assert not outside, f"{path} would listen beyond 127.0.0.1: {outside}"
        return text

    def enabled_sites(self, folder):
        """The files the enabled sites are, a symlink followed inside the chroot."""
        for link in sorted(self.chroot.path(folder).iterdir()):
            path = link
            while path.is_symlink():
                target = Path(path.readlink())
                path = self.chroot.path(target) if target.is_absolute() else path.parent / target
            yield path

    # What the tests look at.

    def app_processes(self):
        """{pid: uid} of gunicorn's processes: the launcher's process group."""
        launcher = self.chroot.processes.get("gunicorn")
        assert launcher and launcher.poll() is None, "gunicorn is not running"
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == launcher.pid:  # the process group
                    status = (stat.parent / "status").read_text()
                    found[int(stat.parent.name)] = int(re.search(r"Uid:\s+(\d+)", status)[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
        return found

    def user_ids(self, name):
        users, _ = accounts(self.chroot)
        return users[name][:2]

    def paths(self, user, test, top="/"):
        """What `find top -xdev test` lists as `user` ({path: type}; a type as find's %y)."""
        uid, gid = self.user_ids(user)
        result = self.chroot.run(
            ["find", top, "-xdev", test, "-printf", "%y %p\\n"],
            user=f"{uid}:{gid}",
            check=False,
            timeout=120,
        )
        lines = (line.split(" ", 1) for line in result.stdout.splitlines())
        return {path: kind for kind, path in lines}
