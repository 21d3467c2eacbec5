import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import {{ cookiecutter.project_slug }}.staticmedia.private


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Upload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("image", models.ImageField(upload_to="uploads/%Y/%m/")),
                (
                    "attachment",
                    models.FileField(
                        blank=True,
                        storage={{ cookiecutter.project_slug }}.staticmedia.private.private_storage,
                        upload_to="attachments/%Y/%m/",
                    ),
                ),
                ("attachment_name", models.CharField(blank=True, max_length=255)),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created"]},
        ),
    ]
