"""collectstatic to S3 (SeaweedFS) through a proxy that fails requests as a throttled or flaky
service does (tests/support/fault_proxy.py): 503 SlowDown to some, connections dropped after
reading others, both, or SlowDown to bursts of requests in a row. Each run succeeds
the first time and leaves exactly the objects, keys and ETags, that a run without faults
leaves. With faults that never stop, the run ends with one line, no traceback, and the bucket
as it was: the previous manifest and every file it names.

One project and one bucket, behind one proxy (the static URL, and so the manifest, names its
port): each test empties the bucket, or collects into it first, and sets the proxy's faults.
"""

import itertools
import random
import time
from collections import Counter

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from tests.support.fault_proxy import FaultProxy
from tests.support.s3 import ACCESS_KEY, SECRET_KEY

# One group: with --dist loadgroup, the tests share the project, the bucket and the proxy.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("collectstatic_faults")]

STATIC_S3 = {"static_files": "s3", "media_files": "local", "web_server": "nginx"}


def at_random(seed, **shares):
    """A fault for each request, drawn at random: {"slowdown": 0.1} fails a tenth of them."""
    rng = random.Random(seed)

    def fault(number, method, target):
        draw = rng.random()
        for kind, share in shares.items():
            if draw < share:
                return kind
            draw -= share
        return None

    return fault


def in_bursts(failing, of):
    """SlowDown to `failing` requests in a row out of every `of`, as a bucket throttles a burst.
    Counted by request, not by clock: a window in seconds let botocore's backoff step over it
    (a CI run saw 4 SlowDowns in 275 requests)."""
    return lambda number, method, target: "slowdown" if number % of < failing else None


def each_refused(times, files):
    """SlowDown to the first `times` PUTs of each of the first `files` files: each of them is
    stored only if the upload processes try it `times` + 1 times (the site's storages try 3)."""
    tries = Counter()

    def fault(number, method, target):
        if method != "PUT" or (target not in tries and len(tries) >= files):
            return None
        tries[target] += 1
        return "slowdown" if tries[target] <= times else None

    return fault


# Called once per run: each pattern starts afresh.
PATTERNS = {
    "slowdown-12%": lambda: at_random(1, slowdown=0.12),
    "dropped-10%": lambda: at_random(2, drop=0.10),
    "mixed-8%-each": lambda: at_random(3, slowdown=0.08, drop=0.08),
    "bursts-of-15-in-100": lambda: in_bursts(15, 100),
    "5-files-refused-4-times-each": lambda: each_refused(4, 5),
}


def uploads_fail(number, method, target):
    return ("slowdown", "drop")[number % 2] if method == "PUT" else None


def everything_fails(number, method, target):
    return ("slowdown", "drop")[number % 2]


ENDLESS = {"every-upload": uploads_fail, "every-request": everything_fails}


def objects(s3, bucket):
    """key -> ETag of every object in `bucket`."""
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", [])}


def empty(s3, bucket):
    client = s3.client()
    keys = [{"Key": key} for key in objects(s3, bucket)]
    for start in range(0, len(keys), 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": keys[start : start + 1000]})
    assert not objects(s3, bucket)


def one_line_and_no_traceback(result):
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output[-3000:]
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "Error: Could not " in lines[0], output[-3000:]


@pytest.fixture(scope="module")
def through_faults(make_project, s3_server):
    """(project, proxy, the objects a run without faults leaves), the project pointed at S3
    through the proxy, which passes everything on until a test says otherwise."""
    project = make_project(STATIC_S3)
    with FaultProxy(int(s3_server.endpoint.rsplit(":", 1)[1])) as proxy:
        project.prod_env["DJANGO_S3_ENDPOINT_URL"] = proxy.url
        project.collectstatic()
        yield project, proxy, objects(s3_server, project.prod_env["DJANGO_S3_BUCKET"])


@pytest.fixture
def proxy(through_faults):
    _, proxy, _ = through_faults
    yield proxy
    proxy.fault = lambda *_: None  # back to passing everything on


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
def test_a_run_through_faults_succeeds_at_once_with_the_same_objects(
    through_faults, proxy, s3_server, pattern
):
    project, _, clean_run = through_faults
    bucket = project.prod_env["DJANGO_S3_BUCKET"]
    empty(s3_server, bucket)
    proxy.counts.clear()
    proxy.fault = pattern()

    started = time.monotonic()
    result = project.collectstatic(check=False)
    took = time.monotonic() - started

    counts = dict(proxy.counts)
    print(f"\n{counts} in {took:.1f} s")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    failed = counts.get("slowdown", 0) + counts.get("drop", 0)
    assert failed >= 0.05 * sum(counts.values()), counts  # the faults did happen
    assert objects(s3_server, bucket) == clean_run


@pytest.mark.parametrize("fault", ENDLESS.values(), ids=ENDLESS.keys())
def test_faults_that_never_stop_end_the_run_with_one_line_and_change_nothing(
    through_faults, proxy, s3_server, fault
):
    project, _, clean_run = through_faults
    bucket = project.prod_env["DJANGO_S3_BUCKET"]
    if objects(s3_server, bucket) != clean_run:
        empty(s3_server, bucket)
        project.collectstatic()
    assert objects(s3_server, bucket) == clean_run
    script = project.path / "static" / "js" / "site.js"
    original = script.read_text()
    script.write_text(original + "// changed: the run has files to upload\n")
    proxy.counts.clear()
    proxy.fault = fault

    try:
        started = time.monotonic()
        result = project.collectstatic(check=False)
        took = time.monotonic() - started
    finally:
        script.write_text(original)

    print(f"\n{dict(proxy.counts)} in {took:.1f} s: {result.stderr.strip()[:300]}")
    one_line_and_no_traceback(result)
    assert objects(s3_server, bucket) == clean_run  # the previous manifest, and its files


def test_the_proxy_fails_what_it_is_told_to(s3_server):
    """A request the proxy fails gets SlowDown or a closed connection, and never reaches S3."""
    bucket = s3_server.new_bucket()
    kinds = itertools.cycle(["slowdown", "drop", None])
    with FaultProxy(int(s3_server.endpoint.rsplit(":", 1)[1])) as proxy:
        proxy.fault = lambda number, method, target: next(kinds) if method == "PUT" else None
        client = boto3.client(
            "s3",
            endpoint_url=proxy.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        )
        outcomes = []
        for name in ("a", "b", "c"):
            try:
                client.put_object(Bucket=bucket, Key=name, Body=b"x")
                outcomes.append("stored")
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])
            except ConnectionClosedError:
                outcomes.append("closed")
    assert outcomes == ["SlowDown", "closed", "stored"]
    assert objects(s3_server, bucket).keys() == {"c"}
