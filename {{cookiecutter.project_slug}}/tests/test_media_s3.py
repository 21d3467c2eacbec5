def test_production_uploads_are_private_signed_and_never_overwritten(prod_settings):
    options = prod_settings.STORAGES["default"]["OPTIONS"]

    assert options["file_overwrite"] is False
    assert options["querystring_auth"] is True
    assert options["default_acl"] == "private"
