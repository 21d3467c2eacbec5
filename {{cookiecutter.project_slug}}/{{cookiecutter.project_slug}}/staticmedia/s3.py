{%- set media, static = cookiecutter.media_files == "s3", cookiecutter.static_files == "s3" -%}
"""Until apps.py and `manage.py staticmedia` import the modules themselves: the S3 system
checks are in checks_s3.py, the explain command's rows in explain_s3.py."""
{% if media %}
from . import checks_s3  # noqa: F401  (registers the checks)
{%- endif %}
from .explain_s3 import {{ (["media_rows"] * media + ["static_rows"] * static) | join(", ") }}  # noqa: F401
