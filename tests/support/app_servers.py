"""Run a generated project's app the ways a user does: runserver in development, gunicorn in
production. Each is a context manager that always stops the server."""

import contextlib
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port, running


@contextlib.contextmanager
def runserver(project, settings="dev", *args):
    """Yields the base URL."""
    port = free_port()
    command = [project.python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", *args]
    with running(
        command,
        port=port,
        log_path=project.var / f"runserver-{port}.log",
        env=project.env(settings),
        cwd=project.path,
    ):
        yield f"http://127.0.0.1:{port}"


@dataclass
class App:
    url: str  # http(s)://127.0.0.1:<port>, or unix:<socket>
    log: Path  # what gunicorn writes, its access log lines included


@contextlib.contextmanager
def gunicorn(project, *, tls=None, socket=None, **extra_env):
    """gunicorn with the production settings (and `extra_env`), two workers; yields an App.

    - By default on a free port, speaking plain HTTP as behind a TLS-terminating proxy.
    - `tls` (a Certificate): speaking HTTPS itself, as a platform's router would in front of
      it: Secure cookies, the CSRF origin check and SECURE_SSL_REDIRECT work exactly as in
      production, with nothing in the settings changed.
    - `socket` (a path): as deploy/ runs it, with deploy/gunicorn.conf.py, on a unix socket
      that systemd-socket-activate opens, as deploy/systemd/<slug>.socket has systemd do.
    """
    # Two workers: gunicorn reads WEB_CONCURRENCY as its default, and so does the config file.
    env = project.env("prod", WEB_CONCURRENCY=2, **extra_env)
    if socket:
        log = project.var / "gunicorn-socket.log"
        socket.unlink(missing_ok=True)
        command = [
            "systemd-socket-activate", "--listen", socket,
            # The launched process gets only the variables named here.
            *(f"--setenv={name}" for name in env),
            project.bin / "gunicorn", "--config", "deploy/gunicorn.conf.py",
        ]  # fmt: skip
        url, port = f"unix:{socket}", None

        def ready(process):
            wait_for_socket(socket, process, log)
    else:
        port, ready = free_port(), None
        log = project.var / f"gunicorn-{port}.log"
        command = [
            project.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--access-logfile", "-",
        ]  # fmt: skip
        if tls:
            command += ["--certfile", tls.cert, "--keyfile", tls.key]
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    with running(command, port=port, ready=ready, log_path=log, env=env, cwd=project.path):
        yield App(url, log)


def wait_for_socket(path, process, log_path, timeout=60):
    """Until gunicorn answers on the socket. The web server's workers (nobody) may connect,
    as SocketUser=www-data lets the web server's user connect in deploy/systemd/."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited {process.returncode}:\n{log_path.read_text()}")
        if path.exists():
            path.chmod(0o666)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(timeout)
                try:
                    sock.connect(str(path))
                except ConnectionRefusedError:
                    # The file appears at bind(), connections are taken after listen().
                    time.sleep(0.1)
                    continue
                sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if sock.recv(16).startswith(b"HTTP/"):
                    return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on {path}:\n{log_path.read_text()[-3000:]}")
