"""Requests per second for one hashed static file, served six ways on this machine, in one run:

  (a) nginx with the site a generated project ships (deploy/nginx/, edited for 127.0.0.1)
  (b) Apache with the site a generated project ships (deploy/apache/, edited likewise)
  (c) WhiteNoise inside the app, under gunicorn (2 sync workers)
  (d) Django's development server (runserver, DEBUG on)
  (e) WhiteNoise as in (c), behind the generated nginx site: how static_files=whitenoise
      runs in production with web_server=nginx
  (f) Caddy (Debian's 2.6) with the Caddyfile a generated project ships (deploy/caddy/,
      edited likewise, with the test certificate in place of Let's Encrypt's)

All of them run at once; wrk measures each in turn on 127.0.0.1 for a bounded time, round
after round, plain bytes (no compression); the median is printed with its ratio to (a).
(a), (b), (e) and (f) speak HTTPS, as the shipped sites only do; (c) and (d) speak plain
HTTP, as they would behind a TLS-terminating proxy. The file is a 52 KB stylesheet added to
each project's static/ before collectstatic; (d) serves it under its unhashed name, as
development does.
Then, in the same run, the bytes each mode moves for the home page and the admin login, with
Brotli, gzip and no encoding (benchmarks/page_bytes.py, which also runs alone).
Figures only: nothing here is asserted.

    .venv/bin/python -m benchmarks.static_serving [--duration 5] [--rounds 7]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from benchmarks import page_bytes
from tests.support import venvs
from tests.support.app_servers import gunicorn, runserver
from tests.support.browsing import HTTPS_PROXY_HEADERS
from tests.support.deployment import Deployment, make_certificate
from tests.support.processes import free_port
from tests.support.project import Project
from tests.support.template import DEFAULTS, render
from tests.support.web_servers import web_server

RULE = ".card-{n} {{ margin: 0 auto; padding: {n}px; color: #{n:06x}; border: 1px solid #ccc; }}\n"


def stylesheet():
    """A realistic-size stylesheet (about 52 KB), so the figures are not about headers."""
    return "".join(RULE.format(n=n) for n in range(610))


def add_stylesheet(project):
    (project.path / "static" / "css" / "bench.css").write_text(stylesheet())


def wrk(url, duration, connections, threads, headers=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers:
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def hashed(static_root, name):
    return json.loads((static_root / "staticfiles.json").read_text())["paths"][name]


def make(tmp, **answers):
    combo = {**DEFAULTS, **answers}
    return Project(render(tempfile.mkdtemp(dir=tmp), **combo), combo, venvs.NEWEST)


def serve_from_web_server(server, tmp, cert, stack):
    """The generated site on a private nginx, Apache or Caddy; returns the file's URL. The app is
    not started: the web server alone serves /static/."""
    project = make(tmp, web_server=server, static_files="web_server", example_app="no")
    add_stylesheet(project)
    deployment = deployment_for(project, tmp, cert, stack)
    env = deployment.settings_env(10 * 1024 * 1024)
    project.manage("collectstatic", "--noinput", settings="prod", **env)
    site = deployment.edit_site(project, 10 * 1024 * 1024)
    stack.enter_context(web_server(server, site, deployment))
    return f"{deployment.url}/static/{hashed(deployment.static_root, 'css/bench.css')}"


def deployment_for(project, tmp, cert, stack):
    root = Path(tempfile.mkdtemp(prefix="bench-webserver-"))
    stack.callback(shutil.rmtree, root, ignore_errors=True)
    root.chmod(0o755)
    for name in ("static", "media", "run"):
        (root / name).mkdir(mode=0o755)
    private = Path(tempfile.mkdtemp(dir=tmp))
    return Deployment(root, private, cert, free_port(), free_port())


def serve_from_whitenoise_behind_nginx(tmp, cert, stack):
    """WhiteNoise under gunicorn (2 workers, on its socket) behind the generated nginx site:
    what static_files=whitenoise with web_server=nginx runs in production."""
    project = make(tmp, web_server="nginx", static_files="whitenoise", example_app="no")
    add_stylesheet(project)
    deployment = deployment_for(project, tmp, cert, stack)
    env = deployment.settings_env(10 * 1024 * 1024)
    project.manage("collectstatic", "--noinput", settings="prod", **env)
    site = deployment.edit_site(project, 10 * 1024 * 1024)
    stack.enter_context(web_server("nginx", site, deployment))
    stack.enter_context(gunicorn(project, socket=deployment.socket, **env))
    return f"{deployment.url}/static/{hashed(deployment.static_root, 'css/bench.css')}"


def serve_from_whitenoise(tmp, stack):
    project = make(tmp, static_files="whitenoise", example_app="no")
    add_stylesheet(project)
    project.manage("collectstatic", "--noinput", settings="prod")
    url = stack.enter_context(gunicorn(project)).url
    return f"{url}/static/{hashed(project.var / 'static', 'css/bench.css')}"


def serve_from_runserver(tmp, stack):
    project = make(tmp, web_server="nginx", static_files="web_server", example_app="no")
    add_stylesheet(project)
    return f"{stack.enter_context(runserver(project))}/static/css/bench.css"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=7, help="measurements per server")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    names = [
        "(a) nginx, generated site (HTTPS)",
        "(b) Apache, generated site (HTTPS)",
        "(c) WhiteNoise under gunicorn, 2 workers",
        "(d) runserver, DEBUG on",
        "(e) WhiteNoise as (c), behind (a)'s nginx",
        "(f) Caddy, generated site (HTTPS)",
    ]
    headers = [(), (), list(HTTPS_PROXY_HEADERS.items()), (), (), ()]
    rates = {name: [] for name in names}

    with tempfile.TemporaryDirectory(prefix="bench-static-") as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        cert = make_certificate(tmp)
        urls = [
            serve_from_web_server("nginx", tmp, cert, stack),
            serve_from_web_server("apache", tmp, cert, stack),
            serve_from_whitenoise(tmp, stack),
            serve_from_runserver(tmp, stack),
            serve_from_whitenoise_behind_nginx(tmp, cert, stack),
            serve_from_web_server("caddy", tmp, cert, stack),
        ]
        load_before = os.getloadavg()[0]
        # All of them run at once and are measured in turn, round after round, so a change in
        # the machine's load touches each of them alike; the median of the rounds is shown.
        for _ in range(args.rounds):
            for name, url, extra in zip(names, urls, headers, strict=True):
                rate = wrk(url, args.duration, args.connections, args.threads, extra)
                rates[name].append(rate)
        load_after = os.getloadavg()[0]

    size = len(stylesheet().encode())
    python, django = venvs.LINES[venvs.NEWEST]
    print(
        f"One hashed {size / 1000:.1f} KB CSS file; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s, median of {args.rounds} rounds, 127.0.0.1; "
        f"Python {python}, {django}; load average {load_before:.1f} -> {load_after:.1f}"
    )
    print(f"{'server':<42} {'req/s':>9} {'vs (a)':>7}  rounds")
    baseline = statistics.median(rates[names[0]])
    for name in names:
        median = statistics.median(rates[name])
        rounds = " ".join(f"{rate:,.0f}" for rate in rates[name])
        print(f"{name:<42} {median:>9,.0f} {median / baseline:>7.3f}  {rounds}")
    print()
    page_bytes.main()


if __name__ == "__main__":
    main()
