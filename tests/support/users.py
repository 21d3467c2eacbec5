"""The site's users in the tests: alice and bob upload and read their own private files;
carol is staff and reads every upload from the admin."""

from tests.support.browsing import Visitor

PASSWORD = "correct horse battery staple"


def add_users(project, *usernames, staff=(), settings="prod", **env):
    """Users with PASSWORD, made in one `manage.py shell`; `staff`: superusers, who may use the
    whole admin."""
    code = "from django.contrib.auth.models import User\n"
    for username in usernames:
        code += f"User.objects.create_user({username!r}, password={PASSWORD!r})\n"
    for username in staff:
        code += f"User.objects.create_superuser({username!r}, password={PASSWORD!r})\n"
    project.manage("shell", "-c", code, settings=settings, **env)


def add_readers(project, **env):
    """alice and bob, and carol (staff): who reads a private upload, and who may not."""
    add_users(project, "alice", "bob", staff=["carol"], **env)


def log_in(url, *usernames):
    """A Visitor of the site at `url` per username, logged in with PASSWORD."""
    visitors = [Visitor(url) for _ in usernames]
    for visitor, username in zip(visitors, usernames, strict=True):
        visitor.log_in(username, PASSWORD)
    return visitors
