"""The uploads' S3 storage: an upload never replaces another. django-storages asks whether a name
is free, then writes, and two writers can both hear "free"; here the write is conditional too
(If-None-Match: *), and a refused one (412, or 409 to one of two racers) gets a random suffix.
A file the browser sent to the bucket (direct_uploads.py) is copied inside the bucket."""

import posixpath

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .bucket import key, write_parameters
from .direct_uploads import StagedFile


def _if_none_match(params, **kwargs):
    params["IfNoneMatch"] = "*"


class UploadS3Storage(S3Storage):
    """With random_suffix (for services that ignore If-None-Match), every name gets a suffix."""

    # One PutObject for anything up to S3's 5 GB limit: SeaweedFS 4.48 let two racing
    # CompleteMultipartUploads with If-None-Match both succeed.
    transfer_config = TransferConfig(multipart_threshold=5 * 1024**3)

    def get_default_settings(self):
        return {**super().get_default_settings(), "random_suffix": False}

    @property
    def connection(self):
        # boto3's upload_fileobj refuses IfNoneMatch in ExtraArgs, so botocore adds it to
        # every write of this storage's client (unique_id: registered once per client).
        connection = super().connection
        for operation in ("PutObject", "CompleteMultipartUpload", "CopyObject"):
            event = f"before-parameter-build.s3.{operation}"
            connection.meta.client.meta.events.register(event, _if_none_match, unique_id=event)
        return connection

    def get_available_name(self, name, max_length=None):
        if self.random_suffix:
            name = self._with_random_suffix(name)
        return super().get_available_name(name, max_length)

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] not in (409, 412):
                raise
        # Another upload took the name between the check and the write.
        return super().save(self._with_random_suffix(name), content, max_length)

    def _save(self, name, content):
        if not isinstance(content, StagedFile):
            return super()._save(name, content)
        name, client = clean_name(name), self.connection.meta.client
        # The object the form checked (its ETag), with this storage's headers for its name.
        client.copy_object(
            Bucket=self.bucket_name, Key=key(self, name), MetadataDirective="REPLACE",
            CopySource={"Bucket": content.bucket, "Key": content.key},
            CopySourceIfMatch=content.etag, **write_parameters(self, name),
        )  # fmt: skip
        client.delete_object(Bucket=content.bucket, Key=content.key)
        return name

    def _with_random_suffix(self, name):
        return self.get_alternative_name(*posixpath.splitext(name))  # photo_<random>.png
