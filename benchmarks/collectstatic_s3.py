"""collectstatic to S3: stock django-storages, Collectfasta and the project's storage, on
loopback and over a network that is farther away.

A project generated with static_files=s3 gets ~1,900 extra static files (CSS that refers to
images, JS, images) next to Django admin's, about 2,000 in all. SeaweedFS runs on
127.0.0.1; a delaying TCP proxy in front of it adds a round-trip time (no netem on these
machines). For each RTT, each storage collects into a bucket of its own, in turn:
(1) the first upload, (2) a re-run with nothing changed, and with --changed (3) a re-run with
10 files changed. Each figure is the wall time of `manage.py collectstatic --noinput`, as a
deploy runs it, with the same bucket options (config/settings/s3.py) for all three:

- stock: storages.backends.s3.S3ManifestStaticStorage;
- collectfasta: Collectfasta (what cookiecutter-django ships) in front of the stock storage,
  with its Boto3ManifestMemoryStrategy and 16 threads, as many as the project's storage;
- project: staticmedia/storage.py, FastS3ManifestStaticStorage.

All three run in one venv made for the benchmark (the project's requirements and
Collectfasta), under /tmp, so the test venvs stay as they are.

    .venv/bin/python -m benchmarks.collectstatic_s3 --rtt 0 --rtt 20 --svg docs/collectstatic_s3.svg
"""

import argparse
import json
import math
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from tests.support import venvs
from tests.support.project import Project
from tests.support.s3 import seaweedfs
from tests.support.tcp_proxy import TcpProxy
from tests.support.template import DEFAULTS, render

STOCK = "storages.backends.s3.S3ManifestStaticStorage"
EXTRA_FILES = {"css": 300, "js": 600, "png": 700, "svg": 287}
CHANGED = 10
CPU_TIMES = []
BENCH_VENV = Path(tempfile.gettempdir()) / "collectstatic-bench-venv"
COLLECTFASTA = "collectfasta==3.3.5"
SETTINGS = {
    "stock": (
        "from .prod import *  # noqa: F403\n"
        "from .prod import STORAGES\n\n"
        f'STORAGES["staticfiles"] = {{**STORAGES["staticfiles"], "BACKEND": "{STOCK}"}}\n'
    ),
    "collectfasta": (
        "from .bench_stock import *  # noqa: F403\n"
        "from .prod import INSTALLED_APPS\n\n"
        'INSTALLED_APPS = ["collectfasta", *INSTALLED_APPS]\n'
        'COLLECTFASTA_STRATEGY = "collectfasta.strategies.boto3.Boto3ManifestMemoryStrategy"\n'
        "COLLECTFASTA_THREADS = 16\n"
    ),
}
LABELS = {"stock": "stock S3ManifestStaticStorage", "collectfasta": "Collectfasta 3.3.5",
          "project": "the project's storage"}  # fmt: skip


def write_static_tree(static, rng):
    """Files like a real project's: CSS refers to images (so it is rewritten with hashed
    names), JS and images of a few KB."""
    root = static / "bench"
    for kind, count in EXTRA_FILES.items():
        (root / kind).mkdir(parents=True)
        for n in range(count):
            path = root / kind / f"file{n}.{kind}"
            if kind == "css":
                # Mostly plain rules, and two images, as in a typical stylesheet.
                images = [f"../png/file{rng.randrange(EXTRA_FILES['png'])}.png" for _ in range(2)]
                rules = [f".c{n}-{i} {{ margin: {i}px; padding: {n}px; }}\n" for i in range(150)]
                rules += [
                    f".bg{i} {{ background: url('{image}'); }}\n" for i, image in enumerate(images)
                ]
                path.write_text("".join(rules))
            elif kind == "js":
                path.write_text(f"function f{n}(x) {{ return x * {n}; }}\n" * rng.randint(50, 400))
            elif kind == "svg":
                path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {n} --></svg>\n')
            else:
                path.write_bytes(rng.randbytes(rng.randint(1000, 8000)))
    return sorted(root.rglob("*.js"))


def bench_python(project_dir):
    """A venv with the project's requirements and Collectfasta, made once."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        # The Python of the tests' newest line (a venv made from a venv uses its base).
        subprocess.run([venvs.python(venvs.NEWEST), "-m", "venv", BENCH_VENV], check=True)
        meta = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
        requirements = [*meta["dependencies"], COLLECTFASTA]
        subprocess.run([python, "-m", "pip", "install", "-q", *requirements], check=True)
    return python


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def collectstatic(project, python, settings):
    """Wall time of collectstatic with production's environment and `settings`; the CPU time
    it took (all its processes) is added to CPU_TIMES."""
    env = project.env("prod", DJANGO_SETTINGS_MODULE=f"config.settings.{settings}")
    command = [python, "manage.py", "collectstatic", "--noinput"]
    start, cpu = time.perf_counter(), cpu_seconds()
    result = subprocess.run(command, cwd=project.path, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"collectstatic ({settings}) failed:\n{result.stderr[-3000:]}")
    CPU_TIMES.append(cpu_seconds() - cpu)
    return time.perf_counter() - start


def run(project, python, s3, js_files, rtt, storages, changed):
    """{storage: {run: seconds}} for one RTT (in seconds)."""
    results = {}
    with TcpProxy(int(s3.endpoint.rsplit(":", 1)[1]), rtt=rtt, record=False) as proxy:
        for label in storages:
            settings = "prod" if label == "project" else f"bench_{label}"
            project.prod_env = {**s3.env(s3.new_bucket()), "DJANGO_S3_ENDPOINT_URL": proxy.url}
            figures = results[label] = {}
            figures["first"] = collectstatic(project, python, settings)
            figures["unchanged"] = collectstatic(project, python, settings)
            if changed:
                for js in js_files[:CHANGED]:  # the same 10 files for each, changed again
                    js.write_text(js.read_text() + f"// {label} {rtt}\n")
                figures["changed"] = collectstatic(project, python, settings)
            objects = len(s3.keys(project.prod_env["DJANGO_S3_BUCKET"], "static/"))
            cpu = CPU_TIMES[-len(figures) :]
            shown = "   ".join(
                f"{name} {s:7.2f} s (CPU {c:6.2f} s)"
                for (name, s), c in zip(figures.items(), cpu, strict=True)
            )
            print(
                f"  RTT {rtt * 1000:3.0f} ms  {label:12} {shown}   ({objects} objects)", flush=True
            )
    return results


def table(results):
    """Markdown: one row per RTT and run, seconds per storage, speed-ups against stock."""
    storages = list(next(iter(results.values())))
    head = ["RTT", "Run", *storages]
    head += [f"{name} vs stock" for name in storages if name != "stock"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for rtt, by_storage in results.items():
        for run_name in by_storage[storages[0]]:
            seconds = {name: by_storage[name][run_name] for name in storages}
            cells = [f"{rtt} ms", run_name, *(f"{s:,.2f} s" for s in seconds.values())]
            if "stock" in seconds:
                cells += [
                    f"{seconds['stock'] / s:,.1f}x" for n, s in seconds.items() if n != "stock"
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def svg_chart(results, title):
    """Horizontal bars on a log scale, one group per RTT and run, one bar per storage."""
    colors = {"stock": "#b0b0b0", "collectfasta": "#e39b3a", "project": "#2f6fb0"}
    left, width, bar, gap = 230, 520, 16, 14
    low, high = 0.5, 10 ** math.ceil(math.log10(max(
        s for by_storage in results.values() for runs in by_storage.values() for s in runs.values()
    )))  # fmt: skip
    x = lambda s: left + width * math.log10(max(s, low) / low) / math.log10(high / low)  # noqa: E731
    rows, y = [], 50
    for rtt, by_storage in results.items():
        for run_name in next(iter(by_storage.values())):
            rows.append(f'<text x="10" y="{y + bar}" class="g">RTT {rtt} ms, {run_name}</text>')
            for name, runs in by_storage.items():
                s = runs[run_name]
                rows.append(
                    f'<rect x="{left}" y="{y}" width="{x(s) - left:.1f}" height="{bar - 2}" '
                    f'fill="{colors.get(name, "#666")}"/>'
                    f'<text x="{x(s) + 4:.1f}" y="{y + bar - 4}">{s:,.1f} s</text>'
                )
                y += bar
            y += gap
    ticks = []
    decade = low
    while decade <= high:
        ticks.append(
            f'<line x1="{x(decade):.1f}" y1="40" x2="{x(decade):.1f}" y2="{y}" stroke="#ddd"/>'
            f'<text x="{x(decade):.1f}" y="{y + 14}" text-anchor="middle">{decade:g} s</text>'
        )
        decade *= 10 if decade >= 1 else 2
    legend = "".join(
        f'<rect x="{10 + 240 * i}" y="{y + 26}" width="12" height="12" fill="{colors[name]}"/>'
        f'<text x="{10 + 240 * i + 16}" y="{y + 37}">{LABELS[name]}</text>'
        for i, name in enumerate(next(iter(results.values())))
    )
    height = y + 50
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="820" height="{height}" '
        f'viewBox="0 0 820 {height}" font-family="sans-serif" font-size="12">'
        '<style>.g{font-weight:bold}</style><rect width="100%" height="100%" fill="white"/>'
        f'<text x="10" y="22" font-size="14" class="g">{title}</text>'
        + "".join(ticks)
        + "".join(rows)
        + legend
        + "</svg>\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rtt", type=float, action="append", help="ms; repeat (default 20)")
    parser.add_argument("--storages", default="stock,collectfasta,project")
    parser.add_argument("--changed", action="store_true", help="also a run with 10 changed")
    parser.add_argument("--svg", type=Path, help="write a bar chart here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--replot", type=Path, help="only the table and chart from this --json")
    args = parser.parse_args()
    if args.replot:
        saved = json.loads(args.replot.read_text())
        return report(saved["files"], saved["results"], args.svg)
    # Stopped by `kill`: leave through the context managers, which stop SeaweedFS.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rtts, storages = args.rtt or [20.0], args.storages.split(",")
    rng = random.Random(2000)
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = render(tmp / "project", **{**DEFAULTS, "static_files": "s3", "media_files": "s3"})
        python = bench_python(path)
        project = Project(path, DEFAULTS, venvs.NEWEST)
        for name, text in SETTINGS.items():
            (path / "config" / "settings" / f"bench_{name}.py").write_text(text)
        js_files = write_static_tree(path / "static", rng)
        total = sum(1 for f in path.joinpath("static").rglob("*") if f.is_file()) + sum(
            1
            for f in BENCH_VENV.glob("lib/python3.*/site-packages/django/contrib/admin/static/**/*")
            if f.is_file()
        )
        print(f"{total} static files (Django admin's and the project's)", flush=True)
        results = {}
        with seaweedfs(tmp / "seaweedfs") as s3:
            for rtt in rtts:
                results[f"{rtt:g}"] = run(
                    project, python, s3, js_files, rtt / 1000, storages, args.changed
                )
    print(f"load average at the end: {os.getloadavg()}\n")
    if args.json:
        args.json.write_text(json.dumps({"files": total, "results": results}, indent=1))
    report(total, results, args.svg)


def report(total, results, svg):
    print(table(results))
    if svg:
        title = f"collectstatic of {total:,} files to S3 (SeaweedFS), seconds, log scale"
        svg.write_text(svg_chart(results, title))


if __name__ == "__main__":
    main()
