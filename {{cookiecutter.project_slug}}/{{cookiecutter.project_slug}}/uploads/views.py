{% if cookiecutter.media_files == "local" -%}
import errno

{% endif -%}
from django.shortcuts import get_object_or_404, redirect, render

from {{ cookiecutter.project_slug }}.staticmedia.private import private_file

from .forms import UploadForm
from .models import Upload


def upload_list(request):
    return render(request, "uploads/list.html", {"uploads": Upload.objects.all()})


def upload_create(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
            return redirect("uploads:list")
        except Exception{% if cookiecutter.media_files == "local" %} as error{% endif %}:
            for file in (form.instance.image, form.instance.attachment):
                if file and file._committed:
                    file.delete(save=False)  # stored before the failure: it would have no row
{%- if cookiecutter.media_files == "local" %}
            if getattr(error, "errno", None) not in (errno.ENOSPC, errno.EDQUOT):
                raise
            form.add_error(None, "The upload could not be stored: the server's disk is full.")
            return render(request, "uploads/create.html", {"form": form}, status=507)
{%- else %}
            raise
{%- endif %}
    # An invalid upload is shown again with its errors (400), and nothing is stored.
    status = 400 if request.method == "POST" else 200
    return render(request, "uploads/create.html", {"form": form}, status=status)


def attachment(request, pk):
    """The older link to an upload's attachment: the same check as the file's url."""
    upload = get_object_or_404(Upload.objects.exclude(attachment=""), pk=pk)
    return private_file(request, upload.attachment.name)
