"""The system checks only private uploads in a bucket need: their prefix is not public
(staticmedia.E006), their links are signed for a minute at most (W008)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.files.storage import storages
from storages.backends.s3 import S3Storage

from .bucket import prefix
from .checks import private_files_error


def _private_storage():
    storage = storages["private"] if "private" in settings.STORAGES else None
    return storage if isinstance(storage, S3Storage) else None


@register(Tags.staticfiles)
def check_private_prefix_is_not_public(app_configs, **kwargs):
    if not (private := _private_storage()):
        return []
    start = prefix(private.location)
    for alias in ("default", "staticfiles"):  # their options: no storage is created
        options = settings.STORAGES[alias].get("OPTIONS", {})
        public = options.get("querystring_auth") is False
        shared = public and options.get("bucket_name") == private.bucket_name
        if shared and start.startswith(prefix(options.get("location", ""))):
            reason = f"its prefix {start} lies in the public prefix of STORAGES[{alias!r}]"
            return [private_files_error(reason)]
    return []


@register(Tags.staticfiles)
def check_private_uploads_are_signed(app_configs, **kwargs):
    if not (storage := _private_storage()):
        return []
    signed = storage.querystring_auth and (not storage.custom_domain or storage.cloudfront_signer)
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
