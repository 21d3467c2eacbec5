from django.conf import settings
from django.http import HttpResponse


class MaxUploadSizeMiddleware:
    """Answer 413 to a body over MAX_UPLOAD_SIZE before Django reads it, so that a refused
    upload writes nothing: DATA_UPLOAD_MAX_MEMORY_SIZE does not count files, which Django's
    upload handlers write to a temporary folder while parsing.
{%- if cookiecutter.web_server != "none" %} The web server in front has
    the same limit (deploy/).{% endif %}"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH", "")  # anything else: Django reads none
        if length.isdigit() and int(length) > settings.MAX_UPLOAD_SIZE:
            text = f"Upload too large: the limit is {settings.MAX_UPLOAD_SIZE / 1024**2:g} MiB."
            return HttpResponse(text, status=413, content_type="text/plain")
        return self.get_response(request)
