"""Uploads straight from the browser to the bucket: for each file field of a form the app signs
a POST policy for one key under private/incoming/ (size and type limited); the browser sends the
file there (static/js/direct_uploads.js), then the form with the key only. The form accepts a
key it signed for this form and user within the hour, whose object is there within the limit;
saving copies it inside the bucket (uploads_s3.py). Without JavaScript, and for visitors who
are not logged in (no one's to answer for what they put in the bucket), files come through the
app, within its smaller limit; an image is opened there, not here.

    class MyForm(DirectUploads, forms.ModelForm): ...   # MyForm(data, files, user=user)
"""

import json
import secrets
from functools import partial

from botocore.exceptions import ClientError
from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.base import File
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from storages.backends.s3 import S3Storage

from .bucket import key

# Where the browser's files wait: private (never readable anonymously), and emptied after a
# day by the lifecycle rule that setup_buckets installs.
INCOMING = "incoming/"
EXPIRES = 3600  # seconds for which a form's policies and keys are valid
REFUSED = "The uploaded file was not found or not issued to this form; choose it again."


class StagedFile(File):
    """An object the browser uploaded and the form checked; storages copy it, never read it."""

    def __init__(self, name, bucket, key, head):
        super().__init__(None, name)
        self.bucket, self.key = bucket, key
        self.etag, self.size = head["ETag"], head["ContentLength"]


class DirectFileInput(forms.ClearableFileInput):
    template_name = "staticmedia/direct_file_input.html"

    class Media:
        js = ["js/direct_uploads.js"]

    def __init__(self, post, token, attrs):
        super().__init__({**attrs, "data-direct-upload": json.dumps(post)})
        self.token, self.direct_limit = token, post["limit"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            token=self.token,
            direct_limit=self.direct_limit,
            app_limit=filesizeformat(settings.MAX_UPLOAD_SIZE),  # without JavaScript
        )
        return context

    def value_from_datadict(self, data, files, name):
        if name in files or not data.get(f"{name}-name"):  # sent through the app, or nothing
            return super().value_from_datadict(data, files, name)
        return (data.get(f"{name}-key", ""), data[f"{name}-name"])

    def value_omitted_from_data(self, data, files, name):
        omitted = super().value_omitted_from_data(data, files, name)
        return omitted and not data.get(f"{name}-name")


class DirectUploads:
    """Form mixin: every file field's file goes from a logged-in user's browser to the bucket."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id, self.incoming = user.pk, storages["private"]
        if not user.is_authenticated or not isinstance(self.incoming, S3Storage):
            return  # an anonymous visitor, or local disk (development, tests): through the app
        limit = settings.DIRECT_UPLOAD_MAX_SIZE
        for name, field in self.fields.items():
            if not isinstance(field, forms.FileField):
                continue
            incoming = key(self.incoming, f"{INCOMING}{secrets.token_urlsafe(16)}")
            type_ = "image/" if isinstance(field, forms.ImageField) else ""
            post = self.incoming.connection.meta.client.generate_presigned_post(
                self.incoming.bucket_name, incoming, ExpiresIn=EXPIRES, Conditions=[
                    ["content-length-range", 1, limit], ["starts-with", "$Content-Type", type_],
                ])  # fmt: skip
            post |= {"url": post["url"].rstrip("/") + "/", "max": limit,
                     "limit": filesizeformat(limit)}  # fmt: skip
            token = signing.dumps([incoming, self.user_id], salt=self._salt(name))
            field.widget = DirectFileInput(post, token, field.widget.attrs)
            field.to_python = partial(self._receive, field, name, field.to_python)

    def _salt(self, name):
        return f"{type(self).__module__}.{type(self).__qualname__}.{name}"

    def _receive(self, field, name, to_python, data):
        """The checked object for a (token, filename) from the browser, else the field's own
        to_python(). The policy limited the object's type: an image is not opened here."""
        if not isinstance(data, tuple):
            return to_python(data)
        token, filename = data
        try:  # forged, for another form or field, or expired: BadSignature
            incoming, user_id = signing.loads(token, salt=self._salt(name), max_age=EXPIRES)
            if user_id != self.user_id or not incoming.startswith(key(self.incoming, INCOMING)):
                raise forms.ValidationError(REFUSED)
            bucket = self.incoming.bucket_name
            head = self.incoming.connection.meta.client.head_object(Bucket=bucket, Key=incoming)
        except (signing.BadSignature, ClientError):
            raise forms.ValidationError(REFUSED) from None
        if head["ContentLength"] > settings.DIRECT_UPLOAD_MAX_SIZE:
            limit = filesizeformat(settings.DIRECT_UPLOAD_MAX_SIZE)
            raise forms.ValidationError(f"The file is larger than the limit, {limit}.")
        return forms.FileField.to_python(field, StagedFile(filename, bucket, incoming, head))
