"""Sending a private file from local disk, once private.py let its reader through.
{%- if cookiecutter.web_server == "nginx" %}
nginx sends the bytes: the app answers X-Accel-Redirect, a URL under nginx's `internal` location
for PRIVATE_MEDIA_ROOT (deploy/nginx/). Under runserver (DEBUG on), Django sends them itself.
Not django-sendfile2 (0.7.2): its filename* carries backslash escapes (a quote is saved as a
backslash and a quote), and it marks .gz files Content-Encoding: gzip, so browsers unpack them.
{%- elif cookiecutter.web_server == "caddy" %}
Caddy sends the bytes: the app answers X-Private-File, the file's path under PRIVATE_MEDIA_ROOT,
which the Caddyfile's handle_response sends (deploy/caddy/). Under runserver (DEBUG on), Django
sends them itself. Not django-sendfile2 (0.7.2): it has no backend for Caddy, its filename*
carries backslash escapes (a quote is saved as a backslash and a quote), and it marks .gz files
Content-Encoding: gzip, so browsers unpack them.
{%- else %}
Apache sends the bytes: the app answers X-Sendfile, the file's path, which mod_xsendfile sends
from PRIVATE_MEDIA_ROOT only (deploy/apache/). Under runserver (DEBUG on), Django sends them.
Not django-sendfile2 (0.7.2): its filename* carries backslash escapes (a quote is saved as a
backslash and a quote), .gz files get Content-Encoding: gzip, X-Sendfile paths go as latin-1.
{%- endif %}"""

import mimetypes
{%- if cookiecutter.web_server == "nginx" %}
from urllib.parse import quote
{%- endif %}

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(file, filename):
    """`file` of STORAGES["private"] as a download named `filename`, kept by no shared cache."""
    if settings.DEBUG:
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    else:
        response = HttpResponse(
            content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream"
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
{%- if cookiecutter.web_server == "nginx" %}
        response["X-Accel-Redirect"] = quote(settings.PRIVATE_MEDIA_INTERNAL_URL + file.name)
{%- elif cookiecutter.web_server == "caddy" %}
        # Caddy takes the header's bytes as the path, as they are (2.6; 2.11 %-decodes them
        # first, and the storage's names hold no %): the UTF-8 bytes, in WSGI's latin-1 text.
        response["X-Private-File"] = f"/{file.name}".encode().decode("latin-1")
{%- else %}
        # mod_xsendfile opens the header's bytes as they are: the path's UTF-8 bytes, carried
        # in the latin-1 text that WSGI headers are.
        response["X-Sendfile"] = file.path.encode().decode("latin-1")
{%- endif %}
    response["Cache-Control"] = "private"
    # Opened in the browser anyway, the file runs nothing (django-csp keeps a header it finds).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
