"""What a user does over HTTP: upload an image (and a private PDF) through the example app,
find its URL, log in; and requests sent exactly as written, as an attacker would."""

import html
import http.client
import io
import re
import ssl

import requests
from PIL import Image

# Production settings redirect plain HTTP to HTTPS; the tests speak HTTP to 127.0.0.1 as a
# TLS-terminating proxy would, and say so with the header the settings trust.
HTTPS_PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# The private attachment the tests upload, and how Django's content_disposition_header names
# it: the exact name, in UTF-8 (RFC 6266's filename*).
PDF_NAME = 'Bericht März 2026 "v2".pdf'
PDF = b"%PDF-1.4\n% private bytes " + bytes(range(256)) * 64  # larger than any header block
PDF_DISPOSITION = "attachment; filename*=utf-8''Bericht%20M%C3%A4rz%202026%20%22v2%22.pdf"


def png_bytes(color=(200, 30, 30), size=(16, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(base_url, content, *, title="A photo", filename="photo.png", headers=None):
    """POST the example app's form as a browser would (CSRF cookie and token).

    Returns the response to the POST, not following its redirect."""
    headers = dict(headers or {})
    form = requests.get(f"{base_url}/uploads/new/", headers=headers, timeout=30)
    assert form.status_code == 200, f"GET /uploads/new/ -> {form.status_code}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    # Sent by hand: production marks the cookie Secure, and this client speaks plain HTTP.
    headers["Cookie"] = f"csrftoken={form.cookies['csrftoken']}"
    https = base_url.startswith("https:") or headers.get("X-Forwarded-Proto") == "https"
    scheme = "https" if https else "http"
    headers["Referer"] = f"{scheme}://{base_url.split('://', 1)[1]}/uploads/new/"
    return requests.post(
        f"{base_url}/uploads/new/",
        data={"title": title, "csrfmiddlewaretoken": token},
        files={"image": (filename, content, "image/png")},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def image_urls(base_url, headers=None):
    """The src of every uploaded image on the list page, in page order (newest first)."""
    page = requests.get(f"{base_url}/uploads/", headers=headers, timeout=30)
    assert page.status_code == 200, f"GET /uploads/ -> {page.status_code}"
    return [src.replace("&amp;", "&") for src in re.findall(r'<img src="([^"]+)" alt=', page.text)]


class Visitor:
    """One browser's session on the site over HTTPS: its cookies, logging in, uploading."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(f"{self.base_url}{path}", timeout=30, **kwargs)

    def post_form(self, path, data, files=None):
        """POST the form at `path` as a browser would: with its CSRF token and a Referer."""
        form = self.get(path)
        assert form.status_code == 200, f"GET {path} -> {form.status_code}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.session.post(
            f"{self.base_url}{path}",
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers={"Referer": f"{self.base_url}{path}"},
            allow_redirects=False,
            timeout=30,
        )

    def log_in(self, username, password):
        response = self.post_form("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, response.text[:2000]

    def upload(self, title, image, attachment=None):
        """The example app's form; `attachment`: (filename, bytes, type) of a private file.
        Returns the path of the new upload's private link (None without an attachment)."""
        files = {"image": ("photo.png", image, "image/png")}
        if attachment:
            files["attachment"] = attachment
        response = self.post_form("/uploads/new/", {"title": title}, files)
        assert response.status_code == 302, response.text[:2000]
        page = self.get("/uploads/").text
        links = re.findall(r'<a class="attachment" href="([^"]+)"', page)
        return links[0] if attachment else None

    def attachment_links_in_the_admin(self):
        """The link to each upload's private attachment that the admin's change forms show
        (its file widget's "Currently:" link), for a staff user."""
        listing = self.get("/admin/uploads/upload/")
        assert listing.status_code == 200, f"GET /admin/uploads/upload/ -> {listing.status_code}"
        forms = re.findall(r'href="(/admin/uploads/upload/\d+/change/)', listing.text)
        return [
            html.unescape(link)
            for form in dict.fromkeys(forms)
            for link in re.findall(r'<a href="([^"]+)">attachments/', self.get(form).text)
        ]


def raw_get(deployment, path):
    """GET `path` exactly as written: HTTP libraries resolve dot segments before sending."""
    context = ssl.create_default_context(cafile=str(deployment.certificate.cert))
    connection = http.client.HTTPSConnection(
        "127.0.0.1", deployment.https_port, context=context, timeout=30
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
