from django import forms
from django.conf import settings

from .models import Upload


class UploadForm(forms.ModelForm):
    class Meta:
        model = Upload
        fields = ["title", "image"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                f"The file is {image.size} bytes; the limit is {settings.MAX_UPLOAD_SIZE}."
            )
        return image
