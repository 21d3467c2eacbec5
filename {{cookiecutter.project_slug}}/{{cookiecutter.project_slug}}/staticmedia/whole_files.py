"""Uploads on local disk, whole or not at all: Django's FileSystemStorage keeps what it wrote of
a file it could not finish (a full disk). A storage, so every way of saving a file has this."""

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


class WholeFileStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, ContentFile(b""))  # taken as Django takes names: exclusively
        try:
            with self.open(name, "wb") as file:
                file.writelines(content.chunks())
        except BaseException:  # any error, or the worker stopped mid-write
            self.delete(name)
            raise
        return name
