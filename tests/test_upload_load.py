"""Uploads under load: through the generated nginx, Apache and Caddy sites, with gunicorn and the
production settings (uploads on local disk, SQLite), 100 uploads from 50 clients at once,
many of them named alike, some with a private attachment, are all stored, each once, each
with its own bytes (on disk and as the web server sends them), and every one is listed on
the page; no answer is an error. Correctness only: nothing here measures time."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.app_servers import gunicorn
from tests.support.browsing import Visitor, png_bytes, upload_image
from tests.support.stored_uploads import (
    assert_nothing_lost_nothing_orphaned,
    digest,
    files_on_disk,
    upload_rows,
)
from tests.support.template import CHOICES
from tests.support.users import PASSWORD, add_users
from tests.support.web_servers import web_server

pytestmark = pytest.mark.slow

CLIENTS = 50
EACH = 2  # uploads per client: 100 in all
# These clients log in and add a private attachment to each upload (few: logging in hashes
# the password, slowly on purpose); the others upload anonymously.
USERS = [f"user{n}" for n in range(5)]


def name_of(index):
    """Half the uploads are "photo.png", a quarter share five names, a quarter are unique."""
    if index % 2 == 0:
        return "photo.png"
    return f"shared-{index % 5}.png" if index % 4 == 1 else f"unique-{index}.png"


def image_of(index):
    """A PNG no other upload has: its one colour is its index's."""
    return png_bytes(color=(index, 255 - index, (index * 7) % 256))


def attachment_of(index):
    return f"%PDF-1.4 attachment of upload {index}\n".encode()


def client(url, number):
    """One client's uploads, one after the other: ({title: status}, its logged-in Visitor or
    None). The clients with a user log in first, and attach a file named as all others are."""
    username = USERS[number] if number < len(USERS) else None
    visitor = None
    if username:
        visitor = Visitor(url)
        visitor.log_in(username, PASSWORD)
    statuses = {}
    for index in range(number * EACH, (number + 1) * EACH):
        title, image = f"Upload {index}", image_of(index)
        if username:
            files = {
                "image": (name_of(index), image, "image/png"),
                "attachment": ("report.pdf", attachment_of(index), "application/pdf"),
            }
            response = visitor.post_form("/uploads/new/", {"title": title}, files)
        else:
            response = upload_image(url, image, title=title, filename=name_of(index))
        statuses[title] = response.status_code
    return statuses, visitor


def index_of(row):
    return int(row["title"].removeprefix("Upload "))


@pytest.mark.parametrize("server", [server for server in CHOICES["web_server"] if server != "none"])
def test_every_upload_of_many_at_once_is_stored_once_with_its_bytes(
    make_project, deployment, monkeypatch, server
):
    project = make_project({"web_server": server, "media_files": "local", "example_app": "yes"})
    site_config, env = deployment.install(project)
    add_users(project, *USERS, **env)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(deployment.certificate.cert))
    url = deployment.url

    with (
        web_server(server, site_config, deployment),
        gunicorn(project, socket=deployment.socket, **env),
    ):
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [pool.submit(client, url, number) for number in range(CLIENTS)]
        results = [answer.result() for answer in answers]
        statuses = {title: code for result, _ in results for title, code in result.items()}
        page = requests.get(f"{url}/uploads/", timeout=30)
        rows = upload_rows(project, **env)
        images = {
            index_of(row): requests.get(f"{url}/media/{row['image']}", timeout=30).content
            for row in rows
        }
        # Each attachment as its uploader gets it, in the session that uploaded it.
        attachments = {
            index_of(row): results[index_of(row) // EACH][1]
            .get(f"/private-files/{row['attachment']}")
            .content
            for row in rows
            if row["attachment"]
        }

    assert len(statuses) == CLIENTS * EACH
    assert {title: code for title, code in statuses.items() if code != 302} == {}
    # Each upload is one row, whose files are there, and no file is no row's.
    assert sorted(row["title"] for row in rows) == sorted(statuses)
    public = files_on_disk(deployment.media_root)
    private = files_on_disk(deployment.private_media_root)
    assert_nothing_lost_nothing_orphaned(rows, public, private)
    # Each with its own bytes, on disk and as the web server sends them.
    for row in rows:
        index = index_of(row)
        assert public[row["image"]] == digest(image_of(index)) == digest(images[index]), row
        if index < len(USERS) * EACH:
            expected = digest(attachment_of(index))
            assert private[row["attachment"]] == expected == digest(attachments[index]), row
        else:
            assert row["attachment"] == "", row
    # Every one listed, with its own link.
    assert page.status_code == 200
    listed = re.findall(r'<img src="/media/([^"]+)" alt="([^"]+)">', page.text)
    assert sorted(listed) == sorted((row["image"], row["title"]) for row in rows)
