"""Static files in production: WhiteNoise's hashed, compressed storage, tolerant of one gap."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and gzip/Brotli copies, as WhiteNoise makes them.

    The manifest (staticfiles.json) is written to STATIC_MANIFEST_ROOT, outside the folder
    WhiteNoise serves: a browser has no use for the list of every file.

    GOV.UK Frontend's compiled CSS refers to images (the crown crest) that this site does
    not use and does not ship: such a reference is left as it is rather than refusing to
    collect the static files at all.
    """

    def __init__(self, *args, manifest_storage=None, **kwargs):
        if manifest_storage is None:
            manifest_storage = FileSystemStorage(location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(*args, manifest_storage=manifest_storage, **kwargs)

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
