from django.conf import settings
from django.db import models

from {{ cookiecutter.project_slug }}.staticmedia.private import private_storage


class Upload(models.Model):
    """A public image, and optionally a private attachment only its uploader may download."""

    title = models.CharField(max_length=200)
    # A sub-folder of the storage ({% if cookiecutter.media_files == "s3" %}the bucket's media/ prefix{% else %}MEDIA_ROOT{% endif %}), not a setting.
    image = models.ImageField(upload_to="uploads/%Y/%m/")
    attachment = models.FileField(
        upload_to="attachments/%Y/%m/", storage=private_storage, blank=True
    )
    # The name the file was uploaded under: the stored name is made safe, downloads keep this.
    attachment_name = models.CharField(max_length=255, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.title

    def can_download(self, user):
        """Who may read the private attachment (the one place this is decided)."""
        return user.is_authenticated and (user.is_staff or user.pk == self.owner_id)
