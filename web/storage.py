"""Static files for production: hashed names, gzip/brotli copies (WhiteNoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # Vendored libraries end their CSS/JS with sourceMappingURL comments
    # for .map files they do not ship; rewriting those would fail
    # collectstatic. Source maps serve only browser devtools, so leave the
    # comments as they are.
    patterns = tuple(
        (extension, tuple(p for p in found if "sourceMappingURL" not in str(p)))
        for extension, found in CompressedManifestStaticFilesStorage.patterns
    )
