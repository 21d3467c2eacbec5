from django.urls import path

from . import views

app_name = "uploads"
urlpatterns = [
    path("", views.upload_list, name="list"),
    path("new/", views.upload_create, name="create"),
    path("<int:pk>/attachment/", views.attachment, name="attachment"),
]
