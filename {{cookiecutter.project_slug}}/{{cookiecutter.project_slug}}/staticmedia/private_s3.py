"""Private uploads in the bucket: the storage, whose links are the site's check, and that check's
answer, a redirect to a link signed for a minute: the bucket sends the bytes, with the download's
headers the link asks for. On local disk (development, tests) the app sends them itself."""

import mimetypes

from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header

from .uploads_s3 import UploadS3Storage


class PrivateS3Storage(UploadS3Storage):
    """The uploads' storage, with url() the site's check (private.private_file), as on local
    disk: a page that shows a private file's url never hands a signed link to whoever sees it."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return reverse("private_file", args=[name])

    def signed_url(self, name, filename):
        """A link to `name` valid for querystring_expire seconds; the bucket answers it as a
        download named `filename`, for this reader only: no shared cache keeps it."""
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
