from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import {% if cookiecutter.example_app == "yes" %}include, {% endif %}path
from django.views.generic import TemplateView

from {{ cookiecutter.project_slug }}.staticmedia.private import private_file

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
{%- if cookiecutter.example_app == "yes" %}
    path("uploads/", include("{{ cookiecutter.project_slug }}.uploads.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
{%- endif %}
    path("admin/", admin.site.urls),
    # Every private file's url (STORAGES["private"]): the site checks who asks, then sends it.
    path("private-files/<path:name>", private_file, name="private_file"),
]

# Uploads under runserver; with DEBUG off static() adds nothing: {% if cookiecutter.media_files == "s3" %}the bucket{% else %}the web server{% endif %} serves them.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
