"""One 300 MB private attachment uploaded through the example app's form, two ways in the same
run: straight from the client to the bucket (the form's signed POST, then the form with the
key) and through the app (the file in the form's body, as without JavaScript). For each: the
wall time from the first byte sent to the form's answer, and the CPU time gunicorn's
processes (master and 2 workers) spent meanwhile. SeaweedFS and gunicorn run on 127.0.0.1;
the client is Python's requests, doing what the page's script does.

    .venv/bin/python -m benchmarks.direct_upload
"""

import os
import tempfile
import time
from pathlib import Path

from tests.support import venvs
from tests.support.app_servers import gunicorn
from tests.support.browsing import png_bytes
from tests.support.deployment import make_certificate
from tests.support.direct_uploads import UploadForm
from tests.support.project import Project
from tests.support.s3 import seaweedfs
from tests.support.template import DEFAULTS, render
from tests.support.users import add_users, log_in

SIZE = 300 * 1024**2
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(port):
    """User + system CPU time of every process whose command line binds `port`."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if f"127.0.0.1:{port}".encode() not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def measure(port, upload):
    cpu, started = cpu_seconds(port), time.monotonic()
    answer = upload()
    seconds = time.monotonic() - started
    time.sleep(0.5)  # the worker's last ticks
    assert answer.status_code == 302, answer.text[:2000]
    return seconds, cpu_seconds(port) - cpu


def main():
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        combo = {**DEFAULTS, "web_server": "none", "media_files": "s3", "example_app": "yes"}
        project = Project(render(tmp / "project", **combo), combo, venvs.NEWEST)
        film = tmp / "film.bin"
        with film.open("wb") as file:
            for _ in range(SIZE // 2**20):
                file.write(os.urandom(2**20))
        certificate = make_certificate(tmp)
        os.environ["REQUESTS_CA_BUNDLE"] = str(certificate.cert)
        with seaweedfs(tmp / "seaweedfs") as s3:
            project.prod_env.update(s3.env(s3.new_bucket()))
            project.deploy()
            add_users(project, "alice")
            env = {"DJANGO_MAX_UPLOAD_SIZE": 2 * SIZE, "GUNICORN_CMD_ARGS": "--timeout 600"}
            with gunicorn(project, tls=certificate, **env) as app:
                port = int(app.url.rsplit(":", 1)[1])
                (alice,) = log_in(app.url, "alice")
                rows = []

                def direct():
                    form = UploadForm.open(alice)
                    form.send("image", png_bytes(), "image/png")
                    with film.open("rb") as file:
                        assert form.send("attachment", file, "application/octet-stream").ok
                    return form.submit("Direct", {"image": "still.png", "attachment": "film.bin"})

                def through_the_app():
                    form = UploadForm.open(alice)  # its CSRF token
                    with film.open("rb") as file:
                        return alice.session.post(
                            f"{app.url}/uploads/new/",
                            data={"title": "Through the app", "csrfmiddlewaretoken": form.csrf},
                            files={"image": ("still.png", png_bytes(), "image/png"),
                                   "attachment": ("film.bin", file, "application/octet-stream")},
                            headers={"Referer": f"{app.url}/uploads/new/"},
                            allow_redirects=False, timeout=600,
                        )  # fmt: skip

                for name, upload in (("direct to the bucket", direct),
                                     ("through the app", through_the_app)):  # fmt: skip
                    seconds, cpu = measure(port, upload)
                    rows.append((name, seconds, cpu))
                    print(f"  {name}: {seconds:.1f} s, app CPU {cpu:.2f} s", flush=True)
            keys = s3.keys(project.prod_env["DJANGO_S3_BUCKET"], "private/attachments/")
            assert len(keys) == 2, keys
    print(f"\n| {SIZE // 2**20} MB upload | Wall time (s) | App CPU time (s) |\n|---|---:|---:|")
    for name, seconds, cpu in rows:
        print(f"| {name} | {seconds:.1f} | {cpu:.2f} |")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
