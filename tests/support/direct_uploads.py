"""The browser's part of an upload straight to the bucket, done over plain HTTP as a script
would: read a form's signed POST for a file field, send a file to the bucket with it, then
submit the form with the key it was given; and forging what a client may send instead."""

import html
import json
import re
import textwrap
from dataclasses import dataclass

import requests

# A file field's input, and its signed POST (JSON in an attribute).
FILE_INPUT = r'(<input type="file"[^>]*data-direct-upload="([^"]+)")'


@dataclass
class UploadForm:
    """The example app's form as one page showed it: its CSRF token, and per file field the
    signed POST (url, fields, limit) and the signed key."""

    visitor: object  # a tests.support.browsing.Visitor
    csrf: str
    posts: dict
    tokens: dict

    @classmethod
    def open(cls, visitor):
        page = visitor.get("/uploads/new/")
        assert page.status_code == 200, page.status_code
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        posts = {
            re.search(r'name="([^"]+)"', tag).group(1): json.loads(html.unescape(post))
            for tag, post in re.findall(FILE_INPUT, page.text)
        }
        tokens = dict(re.findall(r'name="([^"]+)-key" value="([^"]+)"', page.text))
        return cls(visitor, csrf, posts, tokens)

    def incoming_key(self, field):
        return self.posts[field]["fields"]["key"]

    def send(self, field, content, content_type):
        """POST `content` to the bucket as the page's script does; the bucket's answer."""
        post = self.posts[field]
        return requests.post(
            post["url"],
            data={**post["fields"], "Content-Type": content_type},
            files={"file": (f"{field}.bin", content, content_type)},
            timeout=60,
        )

    def submit(self, title, names, tokens=None):
        """The form with the key of each field in `names` (field -> file name): the form's
        own signed keys, or `tokens` (field -> token) in their place."""
        data = {"title": title, "csrfmiddlewaretoken": self.csrf}
        for field, name in names.items():
            data[f"{field}-key"] = (tokens or self.tokens)[field]
            data[f"{field}-name"] = name
        return self.visitor.session.post(
            f"{self.visitor.base_url}/uploads/new/",
            data=data,
            files={"unused": ("", b"")},  # multipart, as the browser sends the form
            headers={"Referer": f"{self.visitor.base_url}/uploads/new/"},
            allow_redirects=False,
            timeout=60,
        )


def signed_token(project, field, key, user, age=0, **env):
    """A token for `key` and the user named `user`, signed with the site's SECRET_KEY as if
    issued `age` seconds ago: what only someone holding the secret could make."""
    code = textwrap.dedent(f"""
        import time
        from unittest import mock
        from django.contrib.auth.models import User
        from django.core import signing
        user = User.objects.get(username={user!r}).pk
        salt = "{project.slug}.uploads.forms.UploadForm.{field}"
        with mock.patch("time.time", return_value=time.time() - {age}):
            print(signing.dumps([{key!r}, user], salt=salt))
    """)
    return project.manage("shell", "-c", code, settings="prod", **env).stdout.strip()
