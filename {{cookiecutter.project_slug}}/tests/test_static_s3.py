from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.utils.module_loading import import_string


def test_production_static_storage_hashes_names_and_caches_for_a_year(prod_settings):
    static = prod_settings.STORAGES["staticfiles"]

    assert issubclass(import_string(static["BACKEND"]), ManifestFilesMixin)
    cache_control = static["OPTIONS"]["object_parameters"]["CacheControl"]
    assert "max-age=31536000" in cache_control
    assert "immutable" in cache_control
