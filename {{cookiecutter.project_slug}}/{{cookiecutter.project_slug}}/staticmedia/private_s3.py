"""Private uploads in the bucket: their links are the site's check, which redirects the reader
it lets through to a link signed for a minute. On local disk (development, tests), the app
sends them."""

import mimetypes

from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header

from .uploads_s3 import UploadS3Storage


class PrivateS3Storage(UploadS3Storage):
    """url() is the site's check (private.private_file): a page never shows a signed link."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return reverse("private_file", args=[name])

    def signed_url(self, name, filename):
        """A link valid querystring_expire seconds: a download named `filename`, kept by no
        shared cache."""
        parameters = {
            "ResponseContentType": mimetypes.guess_type(filename)[0] or "application/octet-stream",
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseCacheControl": "private",
        }
        return super().url(name, parameters=parameters)


def private_file_response(file, filename):
    """`file` of STORAGES["private"], as a download named `filename`, to a checked reader."""
    if isinstance(file.storage, PrivateS3Storage):
        response = HttpResponseRedirect(file.storage.signed_url(file.name, filename))
    else:  # local disk, in development and tests
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private"
    return response
