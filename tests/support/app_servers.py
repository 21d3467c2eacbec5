"""Run a generated project's app the ways a user does: runserver in development, gunicorn in
production. Each is a context manager that yields the base URL and always stops the server."""

import contextlib

from tests.support.processes import free_port, running


@contextlib.contextmanager
def runserver(project, settings="dev", *args):
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


@contextlib.contextmanager
def gunicorn(project, *args, port=None, **extra_env):
    """gunicorn with production settings. Pass port=None to pick a free one."""
    port = port or free_port()
    command = [
        project.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--access-logfile", "-", *args,
    ]  # fmt: skip
    with running(
        command,
        port=port,
        log_path=project.var / f"gunicorn-{port}.log",
        env=project.env("prod", **extra_env),
        cwd=project.path,
    ):
        yield f"http://127.0.0.1:{port}"
