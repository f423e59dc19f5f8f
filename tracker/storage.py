"""Static files in production: WhiteNoise's hashed, compressed storage, tolerant of one gap."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and gzip/Brotli copies, as WhiteNoise makes them.

    GOV.UK Frontend's compiled CSS refers to images (the crown crest) that this site does
    not use and does not ship: such a reference is left as it is rather than refusing to
    collect the static files at all.
    """

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
