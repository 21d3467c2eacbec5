"""Keep only the files the chosen options need, write a development .env, print next steps."""

import secrets
import shutil
from pathlib import Path

SLUG = "{{ cookiecutter.project_slug }}"
WEB_SERVER = "{{ cookiecutter.web_server }}"
STATIC_FILES = "{{ cookiecutter.static_files }}"
MEDIA_FILES = "{{ cookiecutter.media_files }}"
EXAMPLE_APP = "{{ cookiecutter.example_app }}" == "yes"

SETTINGS = Path("config/settings")
USES_S3 = "s3" in (STATIC_FILES, MEDIA_FILES)


def unused_paths():
    """Every generated path the chosen options do not use."""
    for choice in ("whitenoise", "web_server", "s3"):
        if choice != STATIC_FILES:
            yield SETTINGS / f"static_{choice}.py"
    for choice in ("local", "s3"):
        if choice != MEDIA_FILES:
            yield SETTINGS / f"media_{choice}.py"
    for choice in ("nginx", "apache"):
        if choice != WEB_SERVER:
            yield Path("deploy", choice)
    for path, needed in KEEP_ONLY_IF.items():
        if not needed:
            yield Path(path)


# Paths that only some options use; a path missing from the template is simply skipped.
KEEP_ONLY_IF = {
    "config/settings/s3.py": USES_S3,
    f"{SLUG}/core/storage.py": STATIC_FILES == "s3",
    "tests/test_static_collected.py": STATIC_FILES != "s3",
    "tests/test_static_s3.py": STATIC_FILES == "s3",
    "tests/test_media_s3.py": MEDIA_FILES == "s3",
    "tests/test_checks_s3.py": USES_S3,  # needs django-storages installed
    f"{SLUG}/core/webserver.py": WEB_SERVER != "none",
    f"{SLUG}/core/management/commands/webserver_config.py": WEB_SERVER != "none",
    "tests/test_deploy_files.py": WEB_SERVER != "none",
    f"{SLUG}/uploads": EXAMPLE_APP,
    "templates/uploads": EXAMPLE_APP,
    "tests/test_uploads.py": EXAMPLE_APP,
}


def remove(path):
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def write_dotenv():
    # Development only; .gitignore keeps it out of version control.
    key = secrets.token_urlsafe(50)
    Path(".env").write_text(
        "# Development settings (config/settings/dev.py reads this file). Never commit it.\n"
        f"DJANGO_SECRET_KEY={key}\n"
    )


def main():
    for path in unused_paths():
        remove(path)
    write_dotenv()
    print(
        f"\nCreated {SLUG}/. Next steps:\n"
        f"  cd {SLUG}\n"
        "  python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'\n"
        "  .venv/bin/python manage.py migrate\n"
        "  .venv/bin/python manage.py runserver\n"
        "README.md explains where static and media files live, in development and in production.\n"
    )


if __name__ == "__main__":
    main()
