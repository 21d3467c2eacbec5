"""Private uploads: files that only some users may read, sent after the site checked who asks.

A model opts in with `models.FileField(storage=private_storage)`. Pages link to a view of
the site, never to the storage; the view decides who may read, then returns
private_file_response(). Who sends the bytes:

- with DEBUG on (runserver), Django itself;
- on local disk in production, the web server: nginx through X-Accel-Redirect to its
  internal location, Apache through X-Sendfile (mod_xsendfile). The app's response has no
  body, and no URL of the web server reaches the files directly;
- in S3, the bucket: a redirect to a signed link that expires within a minute.
"""

import mimetypes
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from .checks import is_s3


def private_storage():
    """STORAGES["private"]. A callable, so migrations name it instead of copying its options."""
    return storages["private"]


def content_disposition(filename):
    """`attachment` under `filename`, for every browser (RFC 6266): an ASCII fallback, and the
    exact name in UTF-8 for those that read filename*."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = fallback.replace("\\", "_").replace('"', "'")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def private_file_response(file, filename):
    """Send `file` (a FieldFile in the private storage) to a reader the caller has checked,
    as a download named `filename`."""
    if is_s3(file.storage):
        response = HttpResponseRedirect(file.url)  # signed, expires in querystring_expire
    else:
        # Any type, but always a download: the name decides nothing a browser would run.
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if settings.DEBUG or not settings.WEB_SERVER:
            response = FileResponse(file.open("rb"), content_type=content_type)
        elif settings.WEB_SERVER == "nginx":
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = quote(settings.PRIVATE_MEDIA_INTERNAL_URL + file.name)
        else:
            response = HttpResponse(content_type=content_type)
            # mod_xsendfile opens the header's bytes as they are: the path's UTF-8 bytes,
            # carried in the latin-1 text that WSGI headers are.
            response["X-Sendfile"] = file.path.encode().decode("latin-1")
        response["Content-Disposition"] = content_disposition(filename)
    # For the reader only: no shared cache may keep it.
    response["Cache-Control"] = "private"
    return response
