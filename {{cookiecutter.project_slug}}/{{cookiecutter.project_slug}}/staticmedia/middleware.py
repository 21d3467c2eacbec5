from django.conf import settings
from django.http import HttpResponse


class MaxUploadSizeMiddleware:
    """Answer 413 to a request body larger than MAX_UPLOAD_SIZE, before Django reads it.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, and its upload
    handlers write large files to a temporary folder while parsing. Checking the declared
    length first means a refused upload writes nothing anywhere.
{%- if cookiecutter.web_server != "none" %} The web server enforces
    the same limit in front of the app (deploy/).
{%- endif %}
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Invalid Content-Length.", status=400, content_type="text/plain")
        if length > settings.MAX_UPLOAD_SIZE:
            limit_mb = settings.MAX_UPLOAD_SIZE / (1024 * 1024)
            return HttpResponse(
                f"Upload too large: the limit is {limit_mb:g} MB.",
                status=413,
                content_type="text/plain",
            )
        return self.get_response(request)
