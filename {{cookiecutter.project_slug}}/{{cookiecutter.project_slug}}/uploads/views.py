from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from {{ cookiecutter.project_slug }}.staticmedia.private import private_file_response

from .forms import UploadForm
from .models import Upload


def upload_list(request):
    return render(request, "uploads/list.html", {"uploads": Upload.objects.all()})


def upload_create(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("uploads:list")
    # An invalid upload is shown again with its errors (400), and nothing is stored.
    status = 400 if request.method == "POST" else 200
    return render(request, "uploads/create.html", {"form": form}, status=status)


def attachment(request, pk):
    """A private attachment, for those Upload.can_download() allows; asked on every request."""
    upload = get_object_or_404(Upload.objects.exclude(attachment=""), pk=pk)
    if not upload.can_download(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return private_file_response(upload.attachment, upload.attachment_name)
