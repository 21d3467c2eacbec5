#!/usr/bin/env python
"""Django's command-line utility; development settings unless DJANGO_SETTINGS_MODULE is set."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
{%- if "s3" in (cookiecutter.static_files, cookiecutter.media_files) %}
    # A command (collectstatic, move_media, setup_buckets) sends each S3 request up to 10 times
    # (botocore reads this), waiting out a throttled bucket; the site 3 (config/settings/s3.py).
    os.environ.setdefault("AWS_MAX_ATTEMPTS", "10")
{%- endif %}
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
