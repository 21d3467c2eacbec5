from django.db import models


class Upload(models.Model):
    """An image a user uploaded. The database keeps only its name inside the storage."""

    title = models.CharField(max_length=200)
    # A sub-folder of the storage (MEDIA_ROOT or the bucket's media/ prefix), not a setting.
    image = models.ImageField(upload_to="uploads/%Y/%m/")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.title
