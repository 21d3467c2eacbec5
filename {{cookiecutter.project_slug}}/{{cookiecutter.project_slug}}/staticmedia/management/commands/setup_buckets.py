"""Set up the S3 buckets of STORAGES: anyone may read what is linked without a signature
(statement "PublicRead"), the site's origins may GET and HEAD (CORS rule "site").
{%- if cookiecutter.media_files == "s3" %} They may
also POST forms' files to the bucket of private uploads, where those never submitted are
deleted after a day (lifecycle rule "incoming").
{%- endif %}
Other statements and rules stay; a second run changes nothing. On a service without bucket
policies{% if cookiecutter.media_files == "s3" %} or lifecycle rules{% endif %} (NotImplemented), it sets up the rest and says what to do instead.
--dry-run reads only the settings: no keys, no request."""

import json
from collections import defaultdict

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
{%- if cookiecutter.static_files == "s3" %}
from django.contrib.staticfiles.storage import ManifestFilesMixin
{%- endif %}
from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage

from ...bucket import BucketError, error_code, prefix
{%- if cookiecutter.media_files == "s3" %}
from ...direct_uploads import INCOMING
{%- endif %}

SID, RULE_ID = "PublicRead", "site"
# What these credentials must be allowed, when the bucket refuses.
RIGHTS = "change the bucket's policy and CORS, or have its owner apply what --dry-run prints"


def cors_rule(domains, methods):
    origins = set(domains)
    for host in settings.ALLOWED_HOSTS:  # ".example.com": the domain and its subdomains
        origins.update([host[1:], f"*{host}"] if host.startswith(".") else [host])
    origins = sorted(o if o == "*" else f"https://{o}" for o in origins)
    return {"ID": RULE_ID, "AllowedMethods": methods, "AllowedOrigins": origins,
            "AllowedHeaders": ["*"], "MaxAgeSeconds": 86400}  # fmt: skip


def in_s3(alias):
    """STORAGES[alias] if it is in S3, else None; made without a request to the bucket."""
    backend = import_string(settings.STORAGES[alias]["BACKEND"])
    if not issubclass(backend, S3Storage):
        return None
{%- if cookiecutter.static_files == "s3" %}
    if issubclass(backend, ManifestFilesMixin):  # it reads its manifest from the bucket when made
        return S3Storage(**settings.STORAGES[alias].get("OPTIONS", {}))
{%- endif %}
    return storages[alias]


def unless(code, call, **params):  # None instead of the error `code`
    try:
        return call(**params)
    except ClientError as error:
        if error_code(error) != code:
            raise


def share(client, bucket, statement):
    found = unless("NoSuchBucketPolicy", client.get_bucket_policy, Bucket=bucket)
    policy = json.loads(found["Policy"]) if found else {"Version": "2012-10-17", "Statement": []}
    others = [s for s in policy["Statement"] if s.get("Sid") != SID]
    if statement:  # AWS blocks public policies on new buckets; not every service has this
        block = {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        }
        put_block = client.put_public_access_block
        unless("NotImplemented", put_block, Bucket=bucket, PublicAccessBlockConfiguration=block)
    if statement or others:
        policy["Statement"] = [*others, *([statement] if statement else [])]
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    elif policy["Statement"]:
        client.delete_bucket_policy(Bucket=bucket)
    return True


def allow_origins(client, bucket, rule):
    cors = unless("NoSuchCORSConfiguration", client.get_bucket_cors, Bucket=bucket) or {}
    rules = [r for r in cors.get("CORSRules", []) if r.get("ID") != RULE_ID] + [rule]
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
{%- if cookiecutter.media_files == "s3" %}


def expire(client, bucket, lifecycle):
    get = client.get_bucket_lifecycle_configuration
    found = unless("NoSuchLifecycleConfiguration", get, Bucket=bucket) or {}
    rules = [r for r in found.get("Rules", []) if r.get("ID") != lifecycle["ID"]]
    config = {"Rules": [*rules, lifecycle]}
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=config)
    return True
{%- endif %}


class Command(BaseCommand):
    help = "Let anyone read the public prefixes of the S3 buckets, and set their CORS rules."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print the JSON, change nothing")

    def handle(self, *args, dry_run=False, **options):
        # bucket -> one of its storages, the prefixes linked without a signature (E006 keeps
        # private/ out)...
        found = defaultdict(lambda: {"public": set(), "domains": set()})
        for alias in settings.STORAGES:
            if storage := in_s3(alias):
                bucket = found[storage.bucket_name]
                bucket["storage"] = storage
                if not storage.querystring_auth:
                    bucket["public"].add(prefix(storage.location))
                bucket["domains"].update([storage.custom_domain] if storage.custom_domain else [])
{%- if cookiecutter.media_files == "s3" %}
                if alias == "private":  # where forms' files arrive (staticmedia/direct_uploads.py)
                    bucket["incoming"] = prefix(storage.location) + INCOMING
{%- endif %}
        for name, bucket in found.items():
            statement = bucket["public"] and {
                "Sid": SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{name}/{start}*" for start in sorted(bucket["public"])],
            }  # fmt: skip
{%- if cookiecutter.media_files == "s3" %}
            incoming = bucket.get("incoming")
            rule = cors_rule(bucket["domains"], ["GET", "HEAD", *(["POST"] if incoming else [])])
            lifecycle = incoming and {
                "ID": "incoming", "Filter": {"Prefix": incoming}, "Status": "Enabled",
                "Expiration": {"Days": 1},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            }  # fmt: skip
            if dry_run:
                applied = {"Bucket": name, "PolicyStatement": statement or None, "CORSRule": rule,
                           "LifecycleRule": lifecycle or None}  # fmt: skip
{%- else %}
            rule = cors_rule(bucket["domains"], ["GET", "HEAD"])
            if dry_run:
                applied = {"Bucket": name, "PolicyStatement": statement or None, "CORSRule": rule}
{%- endif %}
                self.stdout.write(json.dumps(applied, indent=2))
                continue
            client = bucket["storage"].connection.meta.client
            try:
                # Each None on a service without that part of the S3 API (NotImplemented).
                shared = unless(
                    "NotImplemented", share, client=client, bucket=name, statement=statement
                )
                allow_origins(client, name, rule)
{%- if cookiecutter.media_files == "s3" %}
                expires = lifecycle and unless(
                    "NotImplemented", expire, client=client, bucket=name, lifecycle=lifecycle
                )
{%- endif %}
            except (BotoCoreError, ClientError) as error:
                doing = f"set up the S3 bucket {name!r}"
                raise BucketError(doing, error, command="setup_buckets", rights=RIGHTS) from None
            public, origins = ", ".join(sorted(bucket["public"])), rule["AllowedOrigins"]
            reads = f"anyone may read {public or 'nothing'}; " if shared else ""
            self.stdout.write(f"{name}: {reads}CORS for {origins}")
            if statement and not shared:
                warning = f"{name}: this service has no bucket policies (README: S3-compatible "
                warning += f"services). Make {public} public its own way: on R2, a custom domain "
                warning += "or the r2.dev URL makes the whole bucket public."
{%- if cookiecutter.media_files == "s3" %}
                if incoming:  # the private uploads in it would be public too
                    warning += " Keep private uploads in another bucket (DJANGO_S3_PRIVATE_BUCKET)."
{%- endif %}
                self.stderr.write(self.style.WARNING(warning))
{%- if cookiecutter.media_files == "s3" %}
            if expires:
                self.stdout.write(f"{name}: what stays in {incoming} is deleted after a day")
            elif lifecycle:
                warning = f"{name}: this service has no lifecycle rules. Delete what stays in "
                warning += f"{incoming} for over a day from a daily job (README: Large uploads)."
                self.stderr.write(self.style.WARNING(warning))
{%- endif %}
