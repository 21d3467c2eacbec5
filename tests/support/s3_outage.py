"""A SeaweedFS server of one test's own that the test stops and starts again, on the same ports
and with the same data: the S3 service going away and coming back while the project that
uses it keeps running. (tests/support/s3.py's server, which a test worker shares, runs until
the session ends.)"""

import contextlib
import json
import time

from botocore.exceptions import ClientError, EndpointConnectionError

from tests.support.processes import free_port, running
from tests.support.s3 import WEED, S3Server, identities


class StoppableSeaweedFS:
    """`start()` and `stop()` it; stopping kills it at once (SIGKILL), as a crashed service
    goes: nothing answers on its ports until it is started again."""

    def __init__(self, root):
        self.root = root
        (root / "data").mkdir(parents=True)
        (root / "s3.json").write_text(json.dumps(identities()))
        self.ports = [free_port(also_free_offset=10000) for _ in range(4)]
        self.server = S3Server(f"http://127.0.0.1:{self.ports[3]}")
        self._running = contextlib.ExitStack()

    def command(self):
        master, volume, filer, s3 = self.ports
        return [
            WEED, f"-logdir={self.root}", "server", f"-dir={self.root / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-volume.max=100",
            "-master.volumeSizeLimitMB=16", f"-master.port={master}",
            f"-volume.port={volume}", "-filer", f"-filer.port={filer}", "-s3",
            f"-s3.port={s3}", f"-s3.config={self.root / 's3.json'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ]  # fmt: skip

    def start(self, timeout=60):
        """Started, and answering S3 requests (after a restart the filer behind the S3 API
        takes a while to come back, though the port listens)."""
        log = self.root / "weed.log"
        self._running.enter_context(
            running(self.command(), port=self.ports[3], log_path=log, timeout=timeout, grace=0)
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.server.client().list_buckets()
                return self.server
            except (ClientError, EndpointConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self):
        self._running.close()


@contextlib.contextmanager
def stoppable_seaweedfs(root):
    """A StoppableSeaweedFS with its data and logs in `root`, started; stopped for good when
    the block ends, whatever state the test left it in."""
    weed = StoppableSeaweedFS(root)
    try:
        weed.start()
        yield weed
    finally:
        weed.stop()
