"""Start servers on 127.0.0.1 for a test and always stop them, even when the test fails."""

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path


def port_is_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# The kernel gives outgoing connections local ports from this range: one could take a port
# between free_port()'s check and the server's bind, so servers listen below it.
EPHEMERAL_LOW = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])


def free_port(low=20000, also_free_offset=0):
    """A free port on 127.0.0.1. also_free_offset: port+offset must be free too (SeaweedFS gRPC)."""
    high = max(low + 1000, EPHEMERAL_LOW - 1 - also_free_offset)
    for _ in range(200):
        port = random.randint(low, high)
        if port_is_free(port) and (not also_free_offset or port_is_free(port + also_free_offset)):
            return port
    raise RuntimeError(f"no free port between {low} and {high}")


def wait_for_port(port, process, log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args[0]} exited with {process.returncode} before listening on "
                f"{port}:\n{Path(log_path).read_text()[-3000:]}"
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(
        f"nothing listened on {port} after {timeout}s:\n{Path(log_path).read_text()[-3000:]}"
    )


def stop(process, grace=5):
    """SIGTERM the process group, then SIGKILL what is left after `grace` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running(command, *, log_path, port=None, ready=None, env=None, cwd=None, timeout=30, grace=5):
    """Run `command` until the with-block ends; ready once `port` accepts connections, or
    once `ready(process)` returns (it raises if the process never gets ready)."""
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(part) for part in command],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own process group: stop() reaches its children
        )
    try:
        if ready:
            ready(process)
        else:
            wait_for_port(port, process, log_path, timeout)
        yield process
    finally:
        stop(process, grace)
