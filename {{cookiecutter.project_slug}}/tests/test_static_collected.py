import re

from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings


def test_production_static_urls_carry_a_content_hash(prod_settings, tmp_path):
    with override_settings(STORAGES=prod_settings.STORAGES, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
        url = static("css/site.css")  # the function behind the static tag

    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url), url
    assert (tmp_path / url.removeprefix("/static/")).is_file()
