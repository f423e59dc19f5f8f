"""Reading an evidence upload within bounds: never more than the limits let one update hold.

Django spools a large file to a temporary file however large it is; this handler, put first
on an evidence request, stops receiving as soon as a file passes the per-file limit, the
files together pass the per-update limit, or there are more files than an update may have.
The rest of the request is read and dropped, and the form then says which limit it passed,
so the person sees a clear message instead of a broken connection.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

from .files import shown_name

REFUSAL = "_evidence_upload_refused"


class BoundedUploadHandler(FileUploadHandler):
    def __init__(self, request):
        super().__init__(request)
        self.files = 0
        self.total = 0
        self.this_file = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files += 1
        self.this_file = 0
        most = settings.EVIDENCE_MAX_FILES_PER_UPDATE
        if self.files > most:
            self._refuse(f"Choose at most {most} files: an update can have {most} documents.")

    def receive_data_chunk(self, raw_data, start):
        self.this_file += len(raw_data)
        self.total += len(raw_data)
        if self.this_file > settings.EVIDENCE_MAX_FILE_BYTES:
            limit = filesizeformat(settings.EVIDENCE_MAX_FILE_BYTES)
            self._refuse(
                f"“{shown_name(self.file_name)}” is larger than {limit}, the most a document "
                "can be. Make it smaller (save a PDF at a lower quality, or split it) and "
                "attach it again."
            )
        if self.total > settings.EVIDENCE_MAX_UPDATE_BYTES:
            limit = filesizeformat(settings.EVIDENCE_MAX_UPDATE_BYTES)
            self._refuse(
                f"The files come to more than {limit}, the most one update's documents can "
                "be together. Attach fewer files, or smaller ones."
            )
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file

    def _refuse(self, message):
        setattr(self.request, REFUSAL, message)
        raise StopUpload(connection_reset=False)


def bound(request):
    """Put the bounds on `request`'s upload: before anything reads its POST data."""
    request.upload_handlers.insert(0, BoundedUploadHandler(request))


def refusal(request):
    """The limit the upload passed, in words, or None."""
    return getattr(request, REFUSAL, None)
