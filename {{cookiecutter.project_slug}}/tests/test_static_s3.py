from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.utils.module_loading import import_string


def test_production_static_storage_hashes_names_and_caches_for_a_year(prod_settings):
    static = prod_settings.STORAGES["staticfiles"]

    assert issubclass(import_string(static["BACKEND"]), ManifestFilesMixin)
    cache_control = static["OPTIONS"]["object_parameters"]["CacheControl"]
    assert "max-age=31536000" in cache_control
    assert "immutable" in cache_control


def test_static_urls_follow_the_bucket(monkeypatch, request):
    monkeypatch.setenv("DJANGO_S3_ENDPOINT_URL", "https://s3.example.net")
    prod_settings = request.getfixturevalue("prod_settings")

    assert prod_settings.STATIC_URL == "https://s3.example.net/test-bucket/static/"


def test_static_urls_follow_the_cdn_domain(monkeypatch, request):
    monkeypatch.setenv("DJANGO_S3_CUSTOM_DOMAIN", "cdn.example.net")
    monkeypatch.setenv("DJANGO_S3_STATIC_BUCKET", "static-bucket")
    prod_settings = request.getfixturevalue("prod_settings")

    assert prod_settings.STATIC_URL == "https://cdn.example.net/static/"
    options = prod_settings.STORAGES["staticfiles"]["OPTIONS"]
    assert options["custom_domain"] == "cdn.example.net"
    assert options["bucket_name"] == "static-bucket"
