import importlib

import pytest
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import config.urls


def reload_urls():
    clear_url_caches()
    importlib.reload(config.urls)


@pytest.fixture
def urls_with_debug(settings):
    def load(debug):
        settings.DEBUG = debug
        reload_urls()

    yield load
    reload_urls()


def test_media_is_served_by_django_only_in_debug(urls_with_debug):
    urls_with_debug(True)
    assert resolve("/media/uploads/photo.jpg").func.__name__ == "serve"


def test_production_settings_do_not_route_media(urls_with_debug, prod_settings):
    assert prod_settings.DEBUG is False
    with override_settings(MEDIA_URL=prod_settings.MEDIA_URL):
        urls_with_debug(prod_settings.DEBUG)
        with pytest.raises(Resolver404):
            resolve("/media/uploads/photo.jpg")
