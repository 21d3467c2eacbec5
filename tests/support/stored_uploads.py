"""What the example app's uploads are, in the database and in their storages, so that a test
can say nothing was lost and nothing orphaned: every row's files are there, with the bytes
uploaded, and every stored file is some row's."""

import hashlib
import json
from pathlib import Path

# The rows, through the project's own models, as `manage.py shell` prints them.
ROWS = (
    "import json; from django.apps import apps; print(json.dumps(list("
    "apps.get_model('uploads', 'Upload').objects.order_by('pk')"
    ".values('title', 'image', 'attachment'))))"
)


def upload_rows(project, **env):
    """[{"title", "image", "attachment"}] of every Upload row, read with the production
    settings (and `env`): file names as stored, "" for no attachment."""
    result = project.manage("shell", "-c", ROWS, settings="prod", **env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def digest(content):
    return hashlib.sha256(content).hexdigest()


def files_on_disk(folder):
    """{name relative to `folder`: sha256 of its bytes} of every file under it."""
    folder = Path(folder)
    return {
        str(path.relative_to(folder)): digest(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_nothing_lost_nothing_orphaned(rows, images, attachments):
    """`images`, `attachments`: the names in the public and the private storage. Every row's
    files are there, and nothing else is."""
    named_images = [row["image"] for row in rows]
    named_attachments = [row["attachment"] for row in rows if row["attachment"]]
    # Each name once: no two rows share a file.
    assert len(set(named_images)) == len(named_images), named_images
    assert len(set(named_attachments)) == len(named_attachments), named_attachments
    for named, stored in ((named_images, images), (named_attachments, attachments)):
        lost, orphaned = set(named) - set(stored), set(stored) - set(named)
        assert not lost and not orphaned, f"lost: {sorted(lost)}, orphaned: {sorted(orphaned)}"
