"""`manage.py move_media`: files per second, moving 2,000 small uploads from local disk to S3.

SeaweedFS runs on 127.0.0.1; a delaying TCP proxy in front of it adds a round-trip time (no
netem on these machines). For each RTT, into a bucket of its own: (1) the first run, which
copies every file, and (2) a second run, which finds every file in the bucket and copies
none. Each figure is the wall time of the command, Django's start included. The files are
1 to 8 KB, 1,700 public (in nested dated folders, some names with spaces and non-ASCII
letters) and 300 private, as a project with media_files=local leaves them.

    .venv/bin/python -m benchmarks.move_media --rtt 0 --rtt 20
"""

import argparse
import os
import random
import re
import tempfile
import time
from pathlib import Path

from tests.support import venvs
from tests.support.project import Project
from tests.support.s3 import seaweedfs
from tests.support.tcp_proxy import TcpProxy
from tests.support.template import DEFAULTS, render

PUBLIC, PRIVATE = 1700, 300
SUMMARY = re.compile(r"Copied (\d+) files, skipped (\d+) already in the bucket, failed (\d+)")


def write_files(root, rng):
    for index in range(PUBLIC + PRIVATE):
        if index < PUBLIC:
            month = index % 24
            name = f"media/uploads/{2024 + month // 12}/{month % 12 + 1:02}/Foto {index} ä.jpg"
        else:
            name = f"private/attachments/2025/{index % 12 + 1:02}/invoice {index}.pdf"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(rng.randint(1000, 8000)))


def timed_run(project, sources, endpoint):
    started = time.monotonic()
    result = project.manage(
        "move_media", *sources, settings="prod", timeout=1800, DJANGO_S3_ENDPOINT_URL=endpoint
    )
    seconds = time.monotonic() - started
    copied, skipped, failed = map(int, SUMMARY.search(result.stdout).groups())
    assert failed == 0 and copied + skipped == PUBLIC + PRIVATE, result.stdout
    return seconds, copied, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rtt", type=float, action="append", help="ms; repeat (default 0, 20)")
    rtts = parser.parse_args().rtt or [0.0, 20.0]
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        combo = {**DEFAULTS, "web_server": "none", "media_files": "s3"}
        project = Project(render(tmp / "project", **combo), combo, venvs.NEWEST)
        write_files(tmp / "old", random.Random(12))
        sources = ["--from-media", tmp / "old/media", "--from-private", tmp / "old/private"]
        rows = []
        with seaweedfs(tmp / "seaweedfs") as s3:
            port = int(s3.endpoint.rsplit(":", 1)[1])
            for rtt in rtts:
                project.prod_env.update(s3.env(s3.new_bucket()))
                with TcpProxy(port, rtt=rtt / 1000, record=False) as proxy:
                    for run in ("first run", "second run"):
                        seconds, copied, skipped = timed_run(project, sources, proxy.url)
                        rows.append((rtt, run, copied, skipped, seconds))
                        print(f"  {rtt:g} ms {run}: {seconds:.1f} s", flush=True)
    print("\n| RTT | Run | Copied | Skipped | Seconds | Files/s |\n|---|---|---|---|---|---|")
    for rtt, run, copied, skipped, seconds in rows:
        files = copied + skipped
        print(
            f"| {rtt:g} ms | {run} | {copied} | {skipped} | {seconds:.1f} | {files / seconds:.0f} |"
        )
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
