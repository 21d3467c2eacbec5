"""S3 storages, explained and checked: what `manage.py staticmedia` says about a bucket, and
the checks only S3 storages need (staticmedia.E006 for a private prefix, W008)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.files.storage import storages

from .checks import is_s3, private_files_error


def error_code(error):
    """The code S3 answered with (AccessDenied, NoSuchBucket, ...), or botocore's error."""
    return getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)


def etags(storage):
    """name -> MD5 of every object under the storage's location, from one listing: S3 gives
    the MD5 of an object uploaded in one piece as its ETag."""
    prefix = storage._normalize_name("x").removesuffix("x")
    pages = storage.connection.meta.client.get_paginator("list_objects_v2")
    return {
        item["Key"].removeprefix(prefix): item["ETag"].strip('"')
        for page in pages.paginate(Bucket=storage.bucket_name, Prefix=prefix)
        for item in page.get("Contents", [])
    }


def _prefix(storage):
    location = storage.location.strip("/")
    return f"{location}/" if location else ""


def _place(storage):
    where = f"the bucket {storage.bucket_name}, under {_prefix(storage) or 'its root'}"
    return f"{where} (at {storage.endpoint_url})" if storage.endpoint_url else where


def _url_prefix(storage):
    """The start of every link the storage makes, signature left out."""
    if storage.custom_domain:
        return f"{storage.url_protocol}//{storage.custom_domain}/{_prefix(storage)}"
    client = storage.unsigned_connection.meta.client
    params = {"Bucket": storage.bucket_name, "Key": _prefix(storage) or "/"}
    return client.generate_presigned_url("get_object", Params=params)


def _url_note(prefix, setting, signed=None):
    """The storage makes the links; say whether the URL setting agrees with it."""
    link = f"{prefix} + a signature valid {signed} s" if signed else prefix
    if getattr(settings, setting) == prefix:
        return f"{link} ({setting}, made by the storage)"
    return f"{link} (made by the storage; {setting} is not used for these links)"


def static_rows(storage, rows):
    """`manage.py staticmedia`'s rows for static files in a bucket."""
    rows["written to"] = f"{_place(storage)}, by collectstatic; STATIC_ROOT is not used"
    rows["URL prefix"] = _url_note(_url_prefix(storage), "STATIC_URL")
    cdn = storage.custom_domain
    rows["served by"] = f"the CDN at {cdn}, from S3" if cdn else "S3, directly (public objects)"
    rows["next"] = "run collectstatic on every deploy: it uploads new and changed files"
    return rows


def media_rows(storage, rows, private):
    """`manage.py staticmedia`'s rows for public or private uploads in a bucket."""
    expire = storage.querystring_expire
    signed = storage.querystring_auth and not storage.custom_domain
    rows["written to"] = f"{_place(storage)}; MEDIA_ROOT is not used"
    prefix = _url_prefix(storage)
    if private:
        rows["URL prefix"] = (
            f"a view of the site, which checks who asks, then redirects to {prefix} "
            f"+ a signature valid {expire} s"
        )
        rows["served by"] = "S3, to the readers the site lets through"
    else:
        rows["URL prefix"] = _url_note(prefix, "MEDIA_URL", expire if signed else None)
        rows["served by"] = "S3, to whoever holds a signed link" if signed else "S3, to anyone"
    kept = not storage.file_overwrite and (signed and expire <= 60 if private else True)
    rows["next"] = (
        "nothing: uploads go to the bucket, each under its own name"
        if kept
        else "fix what `manage.py check` reports (staticmedia.W007, W008)"
    )
    return rows


def _private_storage():
    storage = storages["private"] if "private" in settings.STORAGES else None
    return storage if is_s3(storage) else None


@register(Tags.staticfiles)
def check_private_prefix_is_not_public(app_configs, **kwargs):
    if not (private := _private_storage()):
        return []
    prefix = f"{private.location.strip('/')}/"
    for alias in ("default", "staticfiles"):  # their options: no storage is created
        options = settings.STORAGES[alias].get("OPTIONS", {})
        public = f"{options.get('location', '').strip('/')}/".lstrip("/")
        shared = options.get("bucket_name") == private.bucket_name
        if shared and options.get("querystring_auth") is False and prefix.startswith(public):
            reason = f"its prefix {prefix} lies in the public prefix of STORAGES[{alias!r}]"
            return [private_files_error(reason)]
    return []


@register(Tags.staticfiles)
def check_private_uploads_are_signed(app_configs, **kwargs):
    if not (storage := _private_storage()):
        return []
    signed = storage.querystring_auth and (
        not storage.custom_domain or getattr(storage, "cloudfront_signer", None)
    )
    if signed and storage.querystring_expire <= 60:
        return []
    return [
        Warning(
            "Private uploads in S3 are linked without a signature, or with one that lasts "
            f"{storage.querystring_expire} s: whoever has the link can read the file.",
            hint='Set "querystring_auth": True, "querystring_expire": 60 and "default_acl": '
            "\"private\" in STORAGES['private']['OPTIONS'] (and no custom_domain, unless a "
            "CloudFront signer is configured): the site checks who asks, then redirects to a "
            "link that expires within a minute.",
            id="staticmedia.W008",
        )
    ]
