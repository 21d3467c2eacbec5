"""`manage.py setup_buckets` against SeaweedFS started with no anonymous access at all (as a
new AWS bucket): after it, anyone reads static files and public uploads, nobody reads
private uploads or lists the bucket, the bucket's CORS rules name the site's origin (which
may POST upload forms' files), and a lifecycle rule deletes those never submitted.
SeaweedFS enforces bucket policies and answers CORS requests from the bucket's rules."""

import json
import shutil

import pytest
import requests

from tests.support.processes import free_port
from tests.support.project import Project
from tests.support.s3 import LIMITED_ACCESS_KEY, LIMITED_SECRET_KEY
from tests.support.template import DEFAULTS

pytestmark = pytest.mark.slow

BOTH_S3 = {"static_files": "s3", "media_files": "s3", "web_server": "none", "example_app": "yes"}
ORIGIN = "https://example.com"  # in DJANGO_ALLOWED_HOSTS of the tests' production settings
SAVE = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
for alias in ("default", "private"):
    print(alias, storages[alias].save("setup/a.txt", ContentFile(b"the " + alias.encode())))
"""


@pytest.fixture
def project(rendered, tmp_path, s3_server_closed):
    combo = {**DEFAULTS, **BOTH_S3}
    source = rendered(combo)
    project = Project(shutil.copytree(source, tmp_path / source.name, symlinks=True), combo)
    project.prod_env.update(s3_server_closed.env(s3_server_closed.new_bucket()))
    return project


@pytest.fixture
def offline(rendered, tmp_path):
    """The project with no keys, and nothing listening at its bucket's endpoint."""
    combo = {**DEFAULTS, **BOTH_S3}
    source = rendered(combo)
    project = Project(shutil.copytree(source, tmp_path / source.name, symlinks=True), combo)
    project.prod_env.update(
        DJANGO_S3_BUCKET="my-bucket", DJANGO_S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}"
    )
    return project


def setup_buckets(project, *args, check=True, **env):
    return project.manage("setup_buckets", *args, settings="prod", check=check, **env)


def policy_and_cors(client, bucket):
    policy = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    lifecycle = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    return policy["Statement"], client.get_bucket_cors(Bucket=bucket)["CORSRules"], lifecycle


def test_public_prefixes_are_readable_private_ones_and_the_listing_are_not(
    project, s3_server_closed
):
    s3, bucket = s3_server_closed, project.prod_env["DJANGO_S3_BUCKET"]
    client = s3.client()
    # The owner's own statement and CORS rule, which the command must keep.
    other = {"Sid": "Other", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/downloads/*"}  # fmt: skip
    policy = {"Version": "2012-10-17", "Statement": [other]}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    other_rule = {"ID": "other", "AllowedMethods": ["GET"], "AllowedOrigins": ["https://x.org"]}
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [other_rule]})
    logs = {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
            "Expiration": {"Days": 30}}  # fmt: skip
    client.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [logs]}
    )
    project.manage("collectstatic", "--noinput", settings="prod")
    output = project.manage("shell", "-c", SAVE, settings="prod").stdout.splitlines()
    saved = dict(line.split() for line in output if line.startswith(("default ", "private ")))
    manifest = client.get_object(Bucket=bucket, Key="static/staticfiles.json")["Body"].read()
    manifest = json.loads(manifest)
    base = f"{s3.endpoint}/{bucket}/"
    urls = {
        "static": base + "static/" + manifest["paths"]["css/site.css"],
        "public": base + "media/" + saved["default"],
        "private": base + "private/" + saved["private"],
        "listing": base,
        "listing v2": base + "?list-type=2",
    }
    assert {name: requests.get(url, timeout=10).status_code for name, url in urls.items()} == {
        name: 403 for name in urls
    }  # closed to start with

    first = setup_buckets(project)
    after_first = policy_and_cors(client, bucket)
    second = setup_buckets(project)

    assert policy_and_cors(client, bucket) == after_first  # idempotent
    assert first.stdout == second.stdout
    statements, rules, lifecycle = after_first
    assert sorted(s.get("Sid") for s in statements) == ["Other", "PublicRead"]
    assert sorted(r.get("ID") for r in rules) == ["other", "site"]
    site_rule = next(r for r in rules if r.get("ID") == "site")
    assert ORIGIN in site_rule["AllowedOrigins"]
    assert set(site_rule["AllowedMethods"]) == {"GET", "HEAD", "POST"}  # POST: upload forms
    # Upload forms' files never submitted are deleted after a day; the owner's rule stays.
    assert sorted(r["ID"] for r in lifecycle) == ["incoming", "logs"]
    incoming = next(r for r in lifecycle if r["ID"] == "incoming")
    assert incoming["Filter"] == {"Prefix": "private/incoming/"}
    assert incoming["Expiration"] == {"Days": 1} and incoming["Status"] == "Enabled"
    got = {name: requests.get(url, timeout=10) for name, url in urls.items()}
    assert {name: response.status_code for name, response in got.items()} == {
        "static": 200, "public": 200, "private": 403, "listing": 403, "listing v2": 403,
    }  # fmt: skip
    assert got["public"].content == b"the default"
    static_file = project.path / "static/css/site.css"
    assert got["static"].content == static_file.read_bytes()
    # The browser's view of CORS: the site's origin may read a static file, another may not.
    allowed = requests.get(urls["static"], headers={"Origin": ORIGIN}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ORIGIN
    foreign = requests.get(urls["static"], headers={"Origin": "https://evil.test"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in foreign.headers
    # Signed links to private uploads still work (the link the site's check redirects to).
    url_of = f"print(storages['private'].signed_url({saved['private']!r}, 'a.txt'))"
    signed = project.manage(
        "shell", "-c", f"from django.core.files.storage import storages; {url_of}", settings="prod"
    ).stdout.split()[-1]
    assert requests.get(signed, timeout=10).content == b"the private"


def test_dry_run_prints_the_json_and_changes_nothing(project, s3_server_closed):
    bucket = project.prod_env["DJANGO_S3_BUCKET"]

    result = setup_buckets(project, "--dry-run")

    printed = json.loads(result.stdout)
    assert printed["Bucket"] == bucket
    assert printed["PolicyStatement"]["Principal"] == "*"
    assert sorted(printed["PolicyStatement"]["Resource"]) == [
        f"arn:aws:s3:::{bucket}/media/*",
        f"arn:aws:s3:::{bucket}/static/*",
    ]
    assert ORIGIN in printed["CORSRule"]["AllowedOrigins"]
    client = s3_server_closed.client()
    with pytest.raises(client.exceptions.ClientError, match="NoSuchBucketPolicy"):
        client.get_bucket_policy(Bucket=bucket)


def test_dry_run_needs_no_keys_and_no_request(offline):
    """What the README says to give the bucket's owner, made where the bucket cannot be read."""
    result = setup_buckets(offline, "--dry-run")  # fails the test unless it exits 0

    printed = json.loads(result.stdout)
    assert printed["Bucket"] == "my-bucket"
    assert sorted(printed["PolicyStatement"]["Resource"]) == [
        "arn:aws:s3:::my-bucket/media/*",
        "arn:aws:s3:::my-bucket/static/*",
    ]
    assert printed["LifecycleRule"]["Filter"] == {"Prefix": "private/incoming/"}


@pytest.mark.parametrize(
    ("problem", "env", "says"),
    [
        ("missing bucket", {"DJANGO_S3_BUCKET": "no-such-bucket"}, "Create the bucket"),
        (
            "missing rights",
            {"AWS_ACCESS_KEY_ID": LIMITED_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": LIMITED_SECRET_KEY},
            "Run setup_buckets with credentials that may change the bucket's policy",
        ),
    ],
)
def test_a_missing_bucket_or_missing_rights_give_one_line(
    project, s3_server_closed, problem, env, says
):
    result = setup_buckets(project, check=False, **env)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], output
    with pytest.raises(s3_server_closed.client().exceptions.ClientError):
        s3_server_closed.client().get_bucket_policy(Bucket=project.prod_env["DJANGO_S3_BUCKET"])
