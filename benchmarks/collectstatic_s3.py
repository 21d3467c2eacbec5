"""collectstatic to S3: stock django-storages vs the generated project's storage.

A project generated with static_files=s3 gets ~1,900 extra static files (CSS that refers to
images, JS, images) next to Django admin's, about 2,000 in all. Against a local SeaweedFS
on 127.0.0.1, each storage collects into a bucket of its own, in turn:
(1) the first upload, (2) a re-run with nothing changed, (3) a re-run with 10 files changed.
Each figure is the wall time of `manage.py collectstatic --noinput`, as a deploy runs it.

    .venv/bin/python -m benchmarks.collectstatic_s3
"""

import random
import subprocess
import tempfile
import time
from pathlib import Path

from tests.fixtures.s3 import seaweedfs
from tests.support import venvs
from tests.support.project import Project
from tests.support.template import DEFAULTS, render

STOCK = "storages.backends.s3.S3ManifestStaticStorage"
EXTRA_FILES = {"css": 300, "js": 600, "png": 700, "svg": 287}
CHANGED = 10


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


def collectstatic(project, settings):
    """Wall time of collectstatic with production's environment and `settings`."""
    env = project.env("prod", DJANGO_SETTINGS_MODULE=f"config.settings.{settings}")
    command = [project.python, "manage.py", "collectstatic", "--noinput"]
    start = time.perf_counter()
    subprocess.run(command, cwd=project.path, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    rng = random.Random(2000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = render(tmp / "project", **{**DEFAULTS, "static_files": "s3", "media_files": "s3"})
        project = Project(path, DEFAULTS, venvs.NEWEST)
        settings_dir = path / "config" / "settings"
        (settings_dir / "bench_stock.py").write_text(
            "from .prod import *  # noqa: F403\n"
            "from .prod import STORAGES\n\n"
            f'STORAGES["staticfiles"] = {{**STORAGES["staticfiles"], "BACKEND": "{STOCK}"}}\n'
        )
        js_files = write_static_tree(path / "static", rng)
        total = sum(1 for f in path.joinpath("static").rglob("*") if f.is_file()) + sum(
            1
            for f in (venvs.python(venvs.NEWEST).parents[1] / "lib").glob(
                "python3.*/site-packages/django/contrib/admin/static/**/*"
            )
            if f.is_file()
        )
        print(f"{total} static files (Django admin's and the project's)")

        with seaweedfs(tmp / "seaweedfs") as s3:
            results = {}
            for label, settings in (("stock", "bench_stock"), ("project", "prod")):
                project.prod_env = s3.env(s3.new_bucket())
                first = collectstatic(project, settings)
                unchanged = collectstatic(project, settings)
                for js in js_files[:CHANGED]:  # the same 10 files for both, changed again
                    js.write_text(js.read_text() + f"// {label}\n")
                changed = collectstatic(project, settings)
                results[label] = (first, unchanged, changed)
                objects = len(s3.keys(project.prod_env["DJANGO_S3_BUCKET"], "static/"))
                print(
                    f"{label:8} first {first:6.2f} s   unchanged {unchanged:6.2f} s   "
                    f"{CHANGED} changed {changed:6.2f} s   ({objects} objects)"
                )

    stock, fast = results["stock"], results["project"]
    print(
        "speed-up  "
        + "   ".join(
            f"{name} {s / f:5.1f}x"
            for name, s, f in zip(("first", "unchanged", "changed"), stock, fast, strict=True)
        )
    )


if __name__ == "__main__":
    main()
