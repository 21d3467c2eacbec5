"""Keep only the files the chosen options use, then print the next steps.

Every file is rendered by cookiecutter from the answers; this hook only deletes. It writes
nothing random and reads no network, so `cruft update` regenerates identical files.
"""

import shlex
import shutil
from pathlib import Path

SLUG = "{{ cookiecutter.project_slug }}"
WEB_SERVER = "{{ cookiecutter.web_server }}"
STATIC_FILES = "{{ cookiecutter.static_files }}"
MEDIA_FILES = "{{ cookiecutter.media_files }}"
EXAMPLE_APP = "{{ cookiecutter.example_app }}" == "yes"
DOCKER = "{{ cookiecutter.container }}" == "docker"

# PostgreSQL needs its address before `migrate`: .env is read in development.
DATABASE_STEPS = [
    f"echo 'DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/{SLUG}' > .env"
    "  # your database; the tests create test_<name> beside it (USER needs CREATEDB)"
] if "{{ cookiecutter.database }}" == "postgresql" else []  # fmt: skip
USES_S3 = "s3" in (STATIC_FILES, MEDIA_FILES)
APP = Path(SLUG, "staticmedia")

# Paths that only some options use.
KEEP_ONLY_IF = {
    **{f"config/settings/static_{choice}.py": choice == STATIC_FILES
       for choice in ("whitenoise", "web_server", "s3")},
    **{f"config/settings/media_{choice}.py": choice == MEDIA_FILES for choice in ("local", "s3")},
    **{f"deploy/{server}": server == WEB_SERVER for server in ("nginx", "apache", "caddy")},
    # gunicorn.conf.py is in deploy/: the image runs gunicorn with it.
    "deploy": WEB_SERVER != "none" or DOCKER,
    # With Docker, compose.yaml runs gunicorn; without it, systemd does.
    "deploy/systemd": not DOCKER,
    "Dockerfile": DOCKER,
    ".dockerignore": DOCKER,
    "compose.yaml": DOCKER,
    "deploy/apache/Dockerfile": DOCKER,
    "config/settings/s3.py": USES_S3,
    f"{APP}/bucket.py": USES_S3,
    f"{APP}/uploads_s3.py": MEDIA_FILES == "s3",
    f"{APP}/direct_uploads.py": MEDIA_FILES == "s3",
    f"{APP}/templates": MEDIA_FILES == "s3",
    "static/js/direct_uploads.js": MEDIA_FILES == "s3",
    **{f"{APP}/private_{choice}.py": choice == MEDIA_FILES for choice in ("local", "s3")},
    f"{APP}/whole_files.py": MEDIA_FILES == "local",
    f"{APP}/static_s3.py": STATIC_FILES == "s3",
    f"{APP}/collectstatic_workers.py": STATIC_FILES == "s3",
    f"{APP}/management/commands/move_media.py": MEDIA_FILES == "s3",
    f"{APP}/management/commands/setup_buckets.py": USES_S3,
    f"{APP}/deploy_checks.py": WEB_SERVER != "none",
    "tests/test_static_collected.py": STATIC_FILES != "s3",
    "tests/test_static_s3.py": STATIC_FILES == "s3",
    "tests/test_media_s3.py": MEDIA_FILES == "s3",
    "tests/test_checks_s3.py": MEDIA_FILES == "s3",
    "tests/test_bucket.py": USES_S3,
    "tests/test_s3_urls.py": USES_S3,
    "tests/test_staticmedia_s3.py": USES_S3,
    "tests/test_deploy_files.py": WEB_SERVER != "none",
    "tests/test_checks_deploy.py": WEB_SERVER != "none",
    f"{SLUG}/uploads": EXAMPLE_APP,
    "templates/uploads": EXAMPLE_APP,
    "templates/registration": EXAMPLE_APP,
    "tests/test_uploads.py": EXAMPLE_APP,
}  # fmt: skip


def main():
    for name, keep in KEEP_ONLY_IF.items():
        path = Path(name)
        if keep or not path.exists():
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    # Where the project is, whatever folder `-o` named: the hook runs inside it.
    where = shlex.quote(str(Path.cwd()))
    steps = [
        f"cd {where}",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'",
        *DATABASE_STEPS,
        ".venv/bin/python manage.py migrate",
        ".venv/bin/python manage.py runserver",
    ]
    print(f"\nCreated {where}. Next steps:", *(f"  {step}" for step in steps), sep="\n")
    print("README.md explains where static and media files live, in development and in production.")


if __name__ == "__main__":
    main()
