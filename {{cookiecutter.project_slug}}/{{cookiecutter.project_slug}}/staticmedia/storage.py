"""Until STORAGES["staticfiles"] names static_s3.FastS3ManifestStaticStorage itself."""

from .static_s3 import FastS3ManifestStaticStorage  # noqa: F401
