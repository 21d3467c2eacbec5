"""`manage.py staticmedia` on S3 storages: the bucket and prefix files go to, the links the
storage makes, and who serves them (the bucket, or the CDN in front of it)."""

from django.test import override_settings

from tests.test_staticmedia import LOCAL, MANIFEST, explain

BUCKET = {"bucket_name": "site-files", "endpoint_url": "https://s3.example.net"}


def test_static_files_in_a_bucket_behind_a_cdn():
    static = {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {**BUCKET, "location": "static", "custom_domain": "cdn.example.com"},
    }
    with override_settings(DEBUG=False, STORAGES={"default": LOCAL, "staticfiles": static}):
        rows = explain()["static"]

    assert rows["written to"].startswith("the bucket site-files, under static/")
    assert "STATIC_ROOT is not used" in rows["written to"]
    assert rows["URL prefix"].startswith("https://cdn.example.com/static/")
    assert rows["served by"] == "the CDN at cdn.example.com, from S3"
    assert rows["next"].startswith("run collectstatic on every deploy")


def test_uploads_in_a_private_bucket():
    options = {"location": "media", "querystring_expire": 600, "file_overwrite": False}
    media = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**BUCKET, **options}}
    with override_settings(STORAGES={"default": media, "staticfiles": MANIFEST}):
        rows = explain()["media"]

    assert "MEDIA_ROOT is not used" in rows["written to"]
    prefix = "https://s3.example.net/site-files/media/ + a signature valid 600 s"
    assert rows["URL prefix"].startswith(prefix)
    assert rows["served by"] == "S3, to whoever holds a signed link"
    assert rows["next"].startswith("nothing")
