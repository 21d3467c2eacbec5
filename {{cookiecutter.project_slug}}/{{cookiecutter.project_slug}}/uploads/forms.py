from django import forms
{%- if cookiecutter.media_files == "s3" %}

from {{ cookiecutter.project_slug }}.staticmedia.direct_uploads import DirectUploads
{%- endif %}

from .models import Upload


class UploadForm({% if cookiecutter.media_files == "s3" %}DirectUploads, {% endif %}forms.ModelForm):
    class Meta:
        model = Upload
        fields = ["title", "image", "attachment"]
        labels = {"attachment": "Private attachment (only you and staff can download it)"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, {% if cookiecutter.media_files == "s3" %}user=user, {% endif %}**kwargs)
        self.instance.owner = user if user.is_authenticated else None
        if not user.is_authenticated:
            del self.fields["attachment"]  # a private file needs someone to belong to

    def clean(self):
        if attachment := self.cleaned_data.get("attachment"):
            # Browsers send a quote in a file's name as %22 (HTML's form encoding).
            self.instance.attachment_name = attachment.name.replace("%22", '"')
        return self.cleaned_data
