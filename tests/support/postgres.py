"""A private PostgreSQL cluster on 127.0.0.1 (Debian's PostgreSQL 15), run as the postgres user."""

import contextlib
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Postgres:
    port: int

    def create_database(self):
        """A new empty database; returns its URL. Each project gets its own."""
        name = f"db_{uuid.uuid4().hex[:12]}"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q",
             "-c", f"CREATE DATABASE {name}"],
            check=True, capture_output=True,
        )  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def as_postgres(*command):
    return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)],
                          check=True, capture_output=True, text=True)  # fmt: skip


@contextlib.contextmanager
def postgres_cluster():
    """A new cluster on a free port until the block ends, then stopped and removed."""
    # Not under pytest's tmp dir: that is root's and closed to the postgres user.
    root = Path(tempfile.mkdtemp(prefix="pytest-postgres-"))
    shutil.chown(root, "postgres")
    data = root / "data"
    as_postgres(BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres")
    for _ in range(5):  # a port that looked free can be taken before the server binds it
        port = free_port()
        try:
            options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
            as_postgres(BIN / "pg_ctl", "-D", data, "-l", root / "log", "-wo", options, "start")
            break
        except subprocess.CalledProcessError:
            continue
    else:
        raise RuntimeError(f"PostgreSQL did not start:\n{(root / 'log').read_text()[-3000:]}")
    try:
        yield Postgres(port)
    finally:
        as_postgres(BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
