"""Private uploads: a `FileField(storage=private_storage)` file's url leads to private_file(),
which sends it if a row holding the name allows the reader (its model's `can_download(user)`,
else staff who may view the model), named by the row's `<field>_name`, else the stored name;
private_{{ cookiecutter.media_files }}.py sends the bytes."""

from pathlib import PurePath

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.db.models import FileField

from .private_{{ cookiecutter.media_files }} import private_file_response


def private_storage():
    """STORAGES["private"]. A callable, so migrations name it instead of copying its options."""
    return storages["private"]


def _is_private(field):
    # deconstruct() gives back the storage callable the field was declared with.
    return isinstance(field, FileField) and field.deconstruct()[3].get("storage") is private_storage


def _rows_holding(name):
    """(row, field name) for each row whose private file is `name`."""
    for model in apps.get_models():
        for field in filter(_is_private, model._meta.fields):
            for row in model._default_manager.filter(**{field.name: name}):
                yield row, field.name


def _may_read(row, user):
    if hasattr(row, "can_download"):
        return row.can_download(user)
    meta = row._meta
    return user.is_staff and user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


def private_file(request, name):
    """The view every private file's url leads to: the file, for a reader its row allows;
    the login page for anonymous visitors; 403 for everyone else."""
    for row, field in _rows_holding(name):
        if _may_read(row, request.user):
            file = getattr(row, field)
            filename = getattr(row, f"{field}_name", "") or PurePath(file.name).name
            return private_file_response(file, filename)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
