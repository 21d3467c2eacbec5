"""Keep only the files the chosen options need, write the web server site and a development
.env, print next steps."""

import ast
import importlib.util
import secrets
import shutil
import sys
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
    "tests/test_staticmedia_s3.py": USES_S3,
    f"{SLUG}/core/webserver.py": WEB_SERVER != "none",
    f"{SLUG}/core/management/commands/webserver_config.py": WEB_SERVER != "none",
    "tests/test_deploy_files.py": WEB_SERVER != "none",
    "tests/test_checks_deploy.py": WEB_SERVER != "none",
    "deploy": WEB_SERVER != "none",  # gunicorn.conf.py, systemd/, and the site written below
    f"{SLUG}/uploads": EXAMPLE_APP,
    "templates/uploads": EXAMPLE_APP,
    "tests/test_uploads.py": EXAMPLE_APP,
}


def remove(path):
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def setting_default(module, name):
    """The default value of setting `name` in a settings module: `X = env("VAR", default)`
    gives `default`, `X = value` gives `value`. Read from the source, because the generator
    has no Django to import settings with: the settings stay the one place values are written.
    """
    for node in ast.parse((SETTINGS / module).read_text()).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", "").startswith("env"):
                value = value.args[1]
            return eval(compile(ast.Expression(value), module, "eval"), {"__builtins__": {}})
    raise LookupError(f"{name} is not set in {SETTINGS / module}")


def write_webserver_site():
    """deploy/<server>/<slug>.conf: what `manage.py webserver_config <server>` prints with the
    production defaults, rendered by the same module (the project's tests compare the two)."""
    if WEB_SERVER == "none":
        return
    path = Path(SLUG, "core", "webserver.py")
    spec = importlib.util.spec_from_file_location("generated_webserver", path)
    webserver = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode = True  # leave no __pycache__ in the project
    spec.loader.exec_module(webserver)
    site = webserver.Site(
        name=SLUG,
        hosts=tuple(setting_default("prod.py", "ALLOWED_HOSTS")),
        upstream=webserver.default_upstream(SLUG),
        max_upload_size=setting_default("base.py", "MAX_UPLOAD_SIZE"),
        static_url=setting_default("base.py", "STATIC_URL"),
        static_root=(
            setting_default("static_web_server.py", "STATIC_ROOT")
            if STATIC_FILES == "web_server"
            else None
        ),
        media_url=setting_default("base.py", "MEDIA_URL"),
        media_root=setting_default("media_local.py", "MEDIA_ROOT") if MEDIA_FILES == "local" else None,
    )
    target = Path("deploy", WEB_SERVER, f"{SLUG}.conf")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(webserver.render(WEB_SERVER, site))


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
    write_webserver_site()
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
