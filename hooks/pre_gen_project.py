"""Refuse inputs that would generate a broken project, before any file is written.

Cookiecutter deletes the output directory when this hook exits non-zero, so a refused
run leaves nothing behind. Every message says what is wrong and what to choose instead.
"""

import json
import keyword
import re
import sys

# JSON inside a raw string: no answer, whatever quotes it holds, can break this file.
ANSWERS = json.loads(r"""{{ cookiecutter | jsonify }}""")

# Importing the project package must not hide a module the project itself imports.
SHADOWED = {
    "django", "config", "test", "tests", "site", "storages", "whitenoise", "boto3",
    "botocore", "gunicorn", "psycopg", "environ", "PIL", "pytest", "manage",
}  # fmt: skip

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_RE = re.compile(r"^(?=.{1,253}$)(" + LABEL + r"\.)*" + LABEL + "$")
EMAIL_RE = re.compile(r"^[^@\s\"\\]+@[^@\s\"\\]+\.[^@\s\"\\]+$")
# Text answers go into pyproject.toml strings as they are: these would end or escape one.
UNQUOTABLE = re.compile(r'["\\\x00-\x1f\x7f]')
TEXT_ANSWERS = ("project_name", "description", "author_name")


def slug_errors(slug):
    if not SLUG_RE.match(slug):
        return [
            f"project_slug {slug!r} is not a valid Python package name: use lowercase "
            "letters, digits and underscores, starting with a letter (e.g. 'my_project')."
        ]
    if keyword.iskeyword(slug) or slug in SHADOWED or slug in sys.stdlib_module_names:
        return [
            f"project_slug {slug!r} would shadow the Python module {slug!r}: "
            f"choose another name, e.g. '{slug}_site'."
        ]
    return []


def combination_errors(answers):
    """Choices that cannot work together (cookiecutter itself refuses an unknown choice)."""
    errors = []
    if answers["web_server"] == "none":
        if answers["static_files"] == "web_server":
            errors.append(
                "static_files=web_server needs a web server, but web_server=none: "
                "choose web_server=nginx, apache or caddy, or static_files=whitenoise or s3."
            )
        if answers["media_files"] == "local":
            errors.append(
                "media_files=local needs a web server to serve uploads in production "
                "(Django does not serve media when DEBUG is off), but web_server=none: "
                "choose web_server=nginx, apache or caddy, or media_files=s3."
            )
    return errors


def text_errors(answers):
    errors = []
    if not answers["project_name"].strip():
        errors.append("project_name is empty: give the project a name.")
    if not HOST_RE.match(answers["domain_name"]):
        errors.append(
            f"domain_name {answers['domain_name']!r} is not a host name: "
            "use something like 'example.com' (no scheme, port or path)."
        )
    for key in TEXT_ANSWERS:
        if match := UNQUOTABLE.search(answers[key]):
            errors.append(
                f"{key} {answers[key]!r} holds {match[0]!r}, which pyproject.toml would need "
                "escaped: leave it out, or use typographic quotes (“ ”) or a slash instead."
            )
    if not EMAIL_RE.match(answers["author_email"]):
        errors.append(f"author_email {answers['author_email']!r} is not an email address.")
    return errors


def main():
    errors = (
        slug_errors(ANSWERS["project_slug"]) + combination_errors(ANSWERS) + text_errors(ANSWERS)
    )
    if errors:
        print("ERROR: cannot generate this project:", file=sys.stderr)
        for error in errors:
            print(f"  - {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
