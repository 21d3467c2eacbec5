"""What `manage.py staticmedia` says about storages in a bucket: where files go, the links
the storage makes, and who serves them."""

from django.conf import settings

from .bucket import prefix


def _place(storage):
    where = f"the bucket {storage.bucket_name}, under {prefix(storage.location) or 'its root'}"
    return f"{where} (at {storage.endpoint_url})" if storage.endpoint_url else where


def _url_prefix(storage):
    """The start of every link the storage makes, signature left out."""
    start = prefix(storage.location)
    if storage.custom_domain:
        return f"{storage.url_protocol}//{storage.custom_domain}/{start}"
    client = storage.unsigned_connection.meta.client
    params = {"Bucket": storage.bucket_name, "Key": start or "/"}
    return client.generate_presigned_url("get_object", Params=params)


def _url_note(start, setting, signed=None):
    """The storage makes the links; say whether the URL setting agrees with it."""
    link = f"{start} + a signature valid {signed} s" if signed else start
    if getattr(settings, setting) == start:
        return f"{link} ({setting}, made by the storage)"
    return f"{link} (made by the storage; {setting} is not used for these links)"


{%- if cookiecutter.static_files == "s3" %}


def static_rows(storage, rows):
    """The rows for static files in a bucket."""
    rows["written to"] = f"{_place(storage)}, by collectstatic; STATIC_ROOT is not used"
    rows["URL prefix"] = _url_note(_url_prefix(storage), "STATIC_URL")
    cdn = storage.custom_domain
    rows["served by"] = f"the CDN at {cdn}, from S3" if cdn else "S3, directly (public objects)"
    rows["next"] = "run collectstatic on every deploy: it uploads new and changed files"
    return rows
{%- endif %}
{%- if cookiecutter.media_files == "s3" %}


def media_rows(storage, rows, private):
    """The rows for public or private uploads in a bucket."""
    expire = storage.querystring_expire
    signed = storage.querystring_auth and not storage.custom_domain
    rows["written to"] = f"{_place(storage)}; MEDIA_ROOT is not used"
    link = _url_prefix(storage)
    if private:
        rows["URL prefix"] = (
            f"a view of the site, which checks who asks, then redirects to {link} "
            f"+ a signature valid {expire} s"
        )
        rows["served by"] = "S3, to the readers the site lets through"
    else:
        rows["URL prefix"] = _url_note(link, "MEDIA_URL", expire if signed else None)
        rows["served by"] = "S3, to whoever holds a signed link" if signed else "S3, to anyone"
    kept = not storage.file_overwrite and (signed and expire <= 60 if private else True)
    rows["next"] = (
        "nothing: uploads go to the bucket, each under its own name"
        if kept
        else "fix what `manage.py check` reports (staticmedia.W007, W008)"
    )
    return rows
{%- endif %}
