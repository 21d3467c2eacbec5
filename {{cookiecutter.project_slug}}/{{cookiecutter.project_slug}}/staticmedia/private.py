"""Private uploads: files that only some users may read, sent after the site checked who asks.

A model opts in with `models.FileField(storage=private_storage)`. Pages link to a view of
the site, never to the storage; the view decides who may read, then returns
private_file_response(). Who sends the bytes:

- with DEBUG on (runserver), Django itself;
- on local disk in production, the web server: nginx through X-Accel-Redirect to its
  internal location, Apache through X-Sendfile (mod_xsendfile). The app's response has no
  body, and no URL of the web server reaches the files directly{% if cookiecutter.media_files == "s3" %};
- in S3, the bucket: a redirect to a signed link that expires within a minute{% endif %}.
"""

import mimetypes
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse{% if cookiecutter.media_files == "s3" %}, HttpResponseRedirect{% endif %}
{%- if cookiecutter.media_files == "s3" %}

from .checks import is_s3
{%- endif %}


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
    # Any type, but always a download, and for this reader only: no shared cache keeps it.
    headers = {
        "Content-Type": mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "Content-Disposition": content_disposition(filename),
        "Cache-Control": "private",
    }
{%- if cookiecutter.media_files == "s3" %}
    if is_s3(file.storage):
        # The bucket sends these headers too: the signed link asks for them.
        asked = {f"Response{name.replace('-', '')}": value for name, value in headers.items()}
        link = file.storage.url(file.name, parameters=asked)  # expires: querystring_expire
        return HttpResponseRedirect(link, headers={"Cache-Control": "private"})
{%- endif %}
    if settings.DEBUG or not settings.WEB_SERVER:
        response = FileResponse(file.open("rb"))
    elif settings.WEB_SERVER == "nginx":
        response = HttpResponse()  # no body: nginx sends the bytes
        response["X-Accel-Redirect"] = quote(settings.PRIVATE_MEDIA_INTERNAL_URL + file.name)
    else:
        response = HttpResponse()  # no body: Apache sends the bytes
        # mod_xsendfile opens the header's bytes as they are: the path's UTF-8 bytes,
        # carried in the latin-1 text that WSGI headers are.
        response["X-Sendfile"] = file.path.encode().decode("latin-1")
    for name, value in headers.items():  # over what FileResponse guessed from the stored name
        response[name] = value
    return response
