"""Set up the S3 buckets of STORAGES, as their storages need; run again, it changes nothing.

    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py setup_buckets [--dry-run]

- A policy statement (Sid "PublicRead") lets anyone GET the objects under the location of each
  storage whose links carry no signature (static files, public uploads); nobody may list the
  bucket or read the private uploads.
- A CORS rule (ID "site") lets the site's origins (https:// and each ALLOWED_HOSTS name, and
  the CDN domain) GET and HEAD: fonts and the admin's icons come across origins from a bucket.
The bucket's other policy statements and CORS rules are kept.
"""

import json
from collections import defaultdict

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from storages.backends.s3 import S3Storage

from ...bucket import BucketError, error_code, prefix

SID, RULE_ID = "PublicRead", "site"
# What these credentials must be allowed, when the bucket refuses.
RIGHTS = (
    "change the bucket's policy and CORS (and its Block Public Access setting on AWS), or "
    "have its owner apply the JSON that --dry-run prints"
)


def buckets():
    """bucket -> {"client", "public": prefixes read by anyone, "private": prefixes, "domains"}."""
    found = defaultdict(lambda: {"public": set(), "private": set(), "domains": set()})
    for alias in settings.STORAGES:
        storage = storages[alias]
        if isinstance(storage, S3Storage):
            bucket = found[storage.bucket_name]
            bucket["client"] = storage.connection.meta.client
            kind = "private" if storage.querystring_auth else "public"
            bucket[kind].add(prefix(storage.location))
            if storage.custom_domain:
                bucket["domains"].add(storage.custom_domain)
    return found


def public_read(bucket, prefixes, private):
    exposed = [p for p in private for public in prefixes if p.startswith(public)]
    if exposed:
        raise CommandError(f"Private files under {exposed[0]!r} in {bucket} would be public.")
    resources = [f"arn:aws:s3:::{bucket}/{start}*" for start in sorted(prefixes)]
    return {"Sid": SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": resources}  # fmt: skip


def cors_rule(domains):
    origins = set(domains)
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            origins.add("*")
        elif host.startswith("."):  # the domain and its subdomains
            origins.update([host[1:], f"*{host}"])
        else:
            origins.add(host)
    origins = sorted(o if o == "*" else f"https://{o}" for o in origins)
    return {"ID": RULE_ID, "AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": origins,
            "AllowedHeaders": ["*"], "MaxAgeSeconds": 86400}  # fmt: skip


def unless(code, answer, call, **params):
    """What `call(**params)` returns, or `answer` where S3 answers with the error `code`."""
    try:
        return call(**params)
    except ClientError as error:
        if error_code(error) != code:
            raise
        return answer


def apply(client, bucket, statement, rule):
    found = unless("NoSuchBucketPolicy", None, client.get_bucket_policy, Bucket=bucket)
    policy = json.loads(found["Policy"]) if found else {"Version": "2012-10-17", "Statement": []}
    others = [s for s in policy["Statement"] if s.get("Sid") != SID]
    if statement:  # AWS blocks public policies on new buckets; not every service has this
        unless("NotImplemented", None, client.put_public_access_block, Bucket=bucket,
               PublicAccessBlockConfiguration={
                   "BlockPublicAcls": True, "IgnorePublicAcls": True,
                   "BlockPublicPolicy": False, "RestrictPublicBuckets": False,
               })  # fmt: skip
    if statement or others:
        policy["Statement"] = [*others, *([statement] if statement else [])]
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    elif policy["Statement"]:
        client.delete_bucket_policy(Bucket=bucket)
    cors = unless("NoSuchCORSConfiguration", {}, client.get_bucket_cors, Bucket=bucket)
    rules = [r for r in cors.get("CORSRules", []) if r.get("ID") != RULE_ID] + [rule]
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


class Command(BaseCommand):
    help = "Let anyone read the public prefixes of the S3 buckets, and set their CORS rules."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print the JSON, change nothing")

    def handle(self, *args, dry_run=False, **options):
        for bucket, found in buckets().items():
            statement = found["public"] and public_read(bucket, found["public"], found["private"])
            rule = cors_rule(found["domains"])
            if dry_run:
                applied = {"Bucket": bucket, "PolicyStatement": statement or None, "CORSRule": rule}
                self.stdout.write(json.dumps(applied, indent=2))
                continue
            try:
                apply(found["client"], bucket, statement, rule)
            except (BotoCoreError, ClientError) as error:
                doing = f"set up the S3 bucket {bucket!r}"
                raise BucketError(doing, error, command="setup_buckets", rights=RIGHTS) from None
            public = ", ".join(sorted(found["public"])) or "nothing"
            origins = rule["AllowedOrigins"]
            self.stdout.write(f"{bucket}: anyone may read {public}; CORS for {origins}")
