"""`move_media` and `setup_buckets` against S3 (SeaweedFS) through the fault-injecting proxy
(tests/support/fault_proxy.py): through SlowDown and dropped connections they finish in one
run; when every request fails for ever they end with one line and no traceback. And
`move_media` never overwrites: a name that another writer takes between its listing and its
upload stays as that writer left it (its upload is conditional, If-None-Match: *). On a
service without lifecycle rules or bucket policies, `setup_buckets` sets up the rest and says
what to do instead. A command tries each request 10 times; the site 3, so that a page never
waits out gunicorn's timeout."""

import json
import random

import pytest
import requests

from tests.support.app_servers import gunicorn
from tests.support.browsing import HTTPS_PROXY_HEADERS
from tests.support.fault_proxy import FaultProxy

pytestmark = pytest.mark.slow

MEDIA_S3 = {"static_files": "s3", "media_files": "s3", "web_server": "none"}
FILES = {f"uploads/2025/photo {n}.png": f"photo {n}".encode() * 50 for n in range(40)}
SECRETS = {f"attachments/invoice {n}.pdf": f"invoice {n}".encode() * 50 for n in range(10)}


def mixed(seed=4, share=0.15):
    """SlowDown or a dropped connection for `share` of the requests, at random."""
    rng = random.Random(seed)
    return lambda *_: rng.choice(["slowdown", "drop"]) if rng.random() < share else None


def four_of_five(number, method, target):
    """Four failures, then the request passes: one request at a time, a call that starts on a
    multiple of 5 is tried 5 times, more than the site's own storages try (3)."""
    return ("slowdown", "drop", "slowdown", "drop", None)[number % 5]


def never(number, method, target):
    return ("slowdown", "drop")[number % 2]


@pytest.fixture
def through_proxy(make_project, s3_server, tmp_path):
    """(project, proxy, bucket): uploads on disk under tmp_path, the project's S3 endpoint the
    proxy, which passes everything on until the test sets its faults."""
    project = make_project(MEDIA_S3)
    for folder, files in (("media", FILES), ("private", SECRETS)):
        for name, data in files.items():
            (tmp_path / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / name).write_bytes(data)
    with FaultProxy(int(s3_server.endpoint.rsplit(":", 1)[1])) as proxy:
        project.prod_env["DJANGO_S3_ENDPOINT_URL"] = proxy.url
        yield project, proxy, project.prod_env["DJANGO_S3_BUCKET"]


def move(project, folder, check=True):
    media, private = folder / "media", folder / "private"
    args = ["--from-media", media, "--from-private", private]
    return project.manage("move_media", *args, settings="prod", check=check)


def stored(s3, bucket):
    client = s3.client()
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def expected():
    return {f"media/{n}": data for n, data in FILES.items()} | {
        f"private/{n}": data for n, data in SECRETS.items()
    }


def ends_with_one_line(result, says):
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert "Error: " in last and says in last, output[-3000:]
    return output


def test_move_media_through_faults_copies_everything_in_one_run(through_proxy, s3_server, tmp_path):
    project, proxy, bucket = through_proxy
    proxy.fault = mixed()

    result = move(project, tmp_path)

    assert proxy.counts["slowdown"] + proxy.counts["drop"] >= 5, proxy.counts
    assert f"Copied {len(FILES) + len(SECRETS)} files, skipped 0" in result.stdout
    assert stored(s3_server, bucket) == expected()


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (never, "Could not move the uploads"),  # the listing fails
        (lambda n, method, t: never(n, method, t) if method == "PUT" else None, "not copied"),
    ],
    ids=["every-request", "every-upload"],
)
def test_move_media_through_endless_faults_ends_with_one_line(
    through_proxy, s3_server, tmp_path, fault, says
):
    project, proxy, bucket = through_proxy
    proxy.fault = fault

    result = move(project, tmp_path, check=False)

    ends_with_one_line(result, says)
    assert stored(s3_server, bucket) == {}


def test_move_media_leaves_a_name_taken_after_its_listing_as_it_is(
    through_proxy, s3_server, tmp_path
):
    """Another writer stores `taken` between move_media's listing and its upload."""
    project, proxy, bucket = through_proxy
    taken, theirs = next(iter(FILES)), b"another writer's bytes"
    client = s3_server.client()

    raced = []

    def another_writer_first(number, method, target):
        if method == "PUT" and target.split("?")[0].endswith("/photo%200.png") and not raced:
            raced.append(client.put_object(Bucket=bucket, Key=f"media/{taken}", Body=theirs))

    proxy.fault = another_writer_first

    result = move(project, tmp_path, check=False)

    ends_with_one_line(result, "1 files were not copied")
    assert "photo 0.png: the bucket holds other bytes under this name" in result.stderr
    assert stored(s3_server, bucket) == expected() | {f"media/{taken}": theirs}


def test_setup_buckets_through_faults_and_endless_faults(through_proxy, s3_server):
    project, proxy, bucket = through_proxy
    proxy.fault = four_of_five  # setup_buckets asks one request at a time
    project.manage("setup_buckets", settings="prod")
    assert proxy.counts["slowdown"] >= 6 and proxy.counts["drop"] >= 6, proxy.counts
    assert s3_server.client().get_bucket_cors(Bucket=bucket)["CORSRules"]

    proxy.fault = never
    result = project.manage("setup_buckets", settings="prod", check=False)

    ends_with_one_line(result, "Could not set up the S3 bucket")


def test_setup_buckets_on_a_service_without_lifecycle_rules(through_proxy, s3_server):
    project, proxy, bucket = through_proxy
    proxy.fault = lambda number, method, target: "notimplemented" if "lifecycle" in target else None

    result = project.manage("setup_buckets", settings="prod")  # fails the test unless it exits 0

    assert proxy.counts["notimplemented"] >= 1, proxy.counts
    warning = "this service has no lifecycle rules. Delete what stays in private/incoming/"
    assert warning in result.stderr, result.stdout + result.stderr
    assert "deleted after a day" not in result.stdout
    client = s3_server.client()  # not through the proxy: what the bucket now holds
    statements = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert [statement["Sid"] for statement in statements] == ["PublicRead"]
    rules = client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert [rule["ID"] for rule in rules] == ["site"] and "POST" in rules[0]["AllowedMethods"]


def test_setup_buckets_on_a_service_without_bucket_policies(through_proxy, s3_server):
    """As Cloudflare R2: NotImplemented to every policy call. Private uploads in a second
    bucket, which needs no policy: both still get their CORS rule, the second its lifecycle."""
    project, proxy, bucket = through_proxy
    private = project.prod_env["DJANGO_S3_PRIVATE_BUCKET"] = s3_server.new_bucket()
    proxy.fault = lambda number, method, target: "notimplemented" if "?policy" in target else None

    result = project.manage("setup_buckets", settings="prod")  # fails the test unless it exits 0

    assert proxy.counts["notimplemented"] >= 1, proxy.counts
    output = result.stdout + result.stderr
    warning = (
        f"{bucket}: this service has no bucket policies (README: S3-compatible services). Make "
        "media/, static/ public its own way: on R2, a custom domain or the r2.dev URL makes the "
        "whole bucket public."
    )
    assert warning in result.stderr, output
    assert "DJANGO_S3_PRIVATE_BUCKET" not in output  # private uploads are in another bucket
    assert "anyone may read" not in result.stdout, output
    client = s3_server.client()  # not through the proxy: what the buckets now hold
    with pytest.raises(client.exceptions.ClientError, match="NoSuchBucketPolicy"):
        client.get_bucket_policy(Bucket=bucket)
    cors = {name: client.get_bucket_cors(Bucket=name)["CORSRules"] for name in (bucket, private)}
    assert {name: [rule["ID"] for rule in rules] for name, rules in cors.items()} == {
        bucket: ["site"],
        private: ["site"],
    }
    assert set(cors[bucket][0]["AllowedMethods"]) == {"GET", "HEAD"}
    assert set(cors[private][0]["AllowedMethods"]) == {"GET", "HEAD", "POST"}  # upload forms
    rules = client.get_bucket_lifecycle_configuration(Bucket=private)["Rules"]
    assert [(rule["ID"], rule["Filter"]) for rule in rules] == [
        ("incoming", {"Prefix": "private/incoming/"})
    ]
    assert f"{private}: what stays in private/incoming/ is deleted after a day" in result.stdout

    # One bucket for everything: on such a service the private uploads must move out.
    result = project.manage("setup_buckets", settings="prod", DJANGO_S3_PRIVATE_BUCKET="")

    assert "Keep private uploads in another bucket (DJANGO_S3_PRIVATE_BUCKET)." in result.stderr


def test_the_site_tries_a_failing_request_3_times_and_a_command_10(through_proxy):
    project, proxy, _ = through_proxy
    project.deploy()  # migrate, and collectstatic through the proxy, passing everything
    proxy.fault = lambda *_: "slowdown"

    with gunicorn(project) as app:  # a worker reads the static files' manifest at first use
        proxy.counts.clear()
        page = requests.get(f"{app.url}/", headers=HTTPS_PROXY_HEADERS, timeout=60)
        by_the_site = proxy.counts["slowdown"]
    proxy.counts.clear()
    result = project.manage("setup_buckets", settings="prod", check=False)

    assert page.status_code == 500
    ends_with_one_line(result, "SlowDown")
    assert (by_the_site, proxy.counts["slowdown"]) == (3, 10)
