"""What the project sends to S3, seen on the wire: a recording proxy between the project and
SeaweedFS. Since boto3 1.36 every upload carries optional integrity checksums
(x-amz-sdk-checksum-algorithm, x-amz-checksum-*, aws-chunked bodies) unless told otherwise,
and Backblaze B2, Cloudflare R2, GCS's S3 interface, older MinIO and Ceph reject or mis-sign
them. SeaweedFS accepts them, so only the requests themselves can show that they are gone."""

from collections import Counter

import pytest

from tests.support.app_servers import gunicorn
from tests.support.browsing import HTTPS_PROXY_HEADERS, image_urls, png_bytes, upload_image

pytestmark = pytest.mark.slow

BOTH_S3 = {"static_files": "s3", "media_files": "s3", "web_server": "none", "example_app": "yes"}


def optional_checksums(request):
    """What in `request` asks for or carries an optional checksum."""
    found = []
    for name, value in request.headers:
        if (
            name.startswith("x-amz-checksum-")
            or name
            in (
                "x-amz-sdk-checksum-algorithm",
                "x-amz-trailer",
                "x-amz-decoded-content-length",
            )
            or name == "content-encoding"
            and "aws-chunked" in value
            or name == "x-amz-content-sha256"
            and value.startswith("STREAMING-")
        ):
            found.append(f"{name}: {value}")
    return found


# Over HTTPS, as in production, boto3 >= 1.36 streams uploads as aws-chunked bodies with a
# trailing checksum; over plain HTTP it sends the checksum as a header instead.
@pytest.mark.parametrize("recording_s3_proxy", ["https", "http"], indirect=True)
def test_file_traffic_carries_no_optional_checksums(make_project, s3_server, recording_s3_proxy):
    proxy = recording_s3_proxy
    project = make_project(BOTH_S3)
    project.prod_env["DJANGO_S3_ENDPOINT_URL"] = proxy.url
    if proxy.ca_bundle:
        project.prod_env["AWS_CA_BUNDLE"] = proxy.ca_bundle  # boto3 trusts the proxy

    project.deploy()
    with gunicorn(project) as app:
        posted = upload_image(app.url, png_bytes(), headers=HTTPS_PROXY_HEADERS)
        (link,) = image_urls(app.url, headers=HTTPS_PROXY_HEADERS)
    key = link.split("?")[0].split("/media/", 1)[1]
    # A read through the storage, as code that processes an upload does.
    read = project.manage(
        "shell",
        "-c",
        f"from django.core.files.storage import default_storage as s; "
        f"print(len(s.open({key!r}).read()))",
        settings="prod",
    )

    assert posted.status_code == 302
    assert read.stdout.split()[-1] == str(len(png_bytes()))
    assert not proxy.parse_errors
    seen = [(r.method, r.target.split("?")[0]) for r in proxy.requests]
    # The traffic that matters went through the proxy: the static files and the upload
    # written, the manifest and the upload read.
    static_puts = [t for m, t in seen if m == "PUT" and "/static/" in t]
    assert len(static_puts) > 100, seen[:20]
    assert any(m == "PUT" and t.endswith(key) for m, t in seen), seen[-20:]
    assert any(m == "GET" and t.endswith("/static/staticfiles.json") for m, t in seen)
    assert any(m == "GET" and t.endswith(key) for m, t in seen)
    # For the record (pytest -s): the headers sent, and the optional checksums by method.
    heads = sorted({name for r in proxy.requests for name, _ in r.headers})
    sums = Counter(
        f"{r.method} {f.split(':')[0]}" for r in proxy.requests for f in optional_checksums(r)
    )
    payloads = Counter(
        "<sha256 of the body>" if len(v) == 64 else v
        for r in proxy.requests
        for n, v in r.headers
        if n == "x-amz-content-sha256"
    )
    print(f"\n{len(proxy.requests)} requests; headers sent: {heads}\nchecksums: {dict(sums)}")
    print(f"x-amz-content-sha256: {payloads}")
    offending = {
        f"{r.method} {r.target.split('?')[0]}": found
        for r in proxy.requests
        if (found := optional_checksums(r))
    }
    names = sorted({f.split(":")[0] for found in offending.values() for f in found})
    assert not offending, (
        f"{len(offending)} requests with {names}; e.g. {next(iter(offending.items()))}"
    )
