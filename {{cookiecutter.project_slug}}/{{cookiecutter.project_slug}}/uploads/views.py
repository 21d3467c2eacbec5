from django.shortcuts import redirect, render

from .forms import UploadForm
from .models import Upload


def upload_list(request):
    return render(request, "uploads/list.html", {"uploads": Upload.objects.all()})


def upload_create(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("uploads:list")
    # An invalid upload is shown again with its errors (400), and nothing is stored.
    status = 400 if request.method == "POST" else 200
    return render(request, "uploads/create.html", {"form": form}, status=status)
