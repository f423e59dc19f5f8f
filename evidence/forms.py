"""The evidence pages' forms: documents to attach, each with its title, and a replacement.

They check what was chosen (a title for each file, the file's type from its content) so
that errors show on the field; the services check everything again, and the limits.
"""

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat

from recommendations.models import no_control_characters

from . import files

# Documents one form attaches at once (an update may have more, up to its limit).
SLOTS = 3
TITLE_MAX_LENGTH = 200
EXPIRED = "This form has expired. Reload the page and choose the files again."


def limits_hint():
    return (
        f"A {files.ACCEPTED} file, up to {filesizeformat(settings.EVIDENCE_MAX_FILE_BYTES)}. "
        f"An update can have {settings.EVIDENCE_MAX_FILES_PER_UPDATE} documents, "
        f"{filesizeformat(settings.EVIDENCE_MAX_UPDATE_BYTES)} in all."
    )


def _title_field(required):
    return forms.CharField(
        label="Title",
        help_text="What the document is, for example “Training register, March 2017”.",
        required=required,
        max_length=TITLE_MAX_LENGTH,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter a title for the document",
            "max_length": f"The title must be {TITLE_MAX_LENGTH} characters or fewer",
            "null_characters_not_allowed": "The title contains a character that cannot be "
            "saved (a NUL byte): remove it and try again",
        },
    )


def _file_field(required, *, hint=True):
    return forms.FileField(
        label="File",
        help_text=limits_hint() if hint else "",
        required=required,
        allow_empty_file=True,  # files.identify says so, with the file's name
        error_messages={
            "required": "Choose the file to attach",
            "invalid": "Choose the file again: it did not arrive",
            "missing": "Choose the file again: it did not arrive",
        },
    )


def _refusal(upload):
    """Why `upload` cannot be attached (its type, from its content), or None."""
    try:
        files.identify(upload)
    except files.FileRefused as refused:
        return str(refused)
    return None


class _Refusable(forms.Form):
    """A form that an upload stopped at its limits (evidence/uploads.py) refuses whole."""

    submission_key = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": EXPIRED, "invalid": EXPIRED}
    )

    def __init__(self, *args, refused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused

    def full_clean(self):
        if not (self.is_bound and self.refused):
            return super().full_clean()
        # What did arrive is incomplete (and the files maybe closed): nothing else is read.
        self._errors, self.cleaned_data = ErrorDict(), {}
        self.add_error(None, self.refused)


class EvidenceUploadForm(_Refusable):
    """Up to SLOTS documents, each a title and a file; empty pairs are left out."""

    def __init__(self, *args, slots=SLOTS, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = range(1, slots + 1)
        for n in self.slots:
            self.fields[f"title_{n}"] = _title_field(required=False)
            self.fields[f"file_{n}"] = _file_field(required=False, hint=n == 1)

    def clean(self):
        cleaned = super().clean()
        chosen = 0
        for n in self.slots:
            title_name, file_name = f"title_{n}", f"file_{n}"
            title, upload = cleaned.get(title_name, ""), cleaned.get(file_name)
            if upload or file_name in self.errors:
                chosen += 1
                if upload and (refusal := _refusal(upload)):
                    self.add_error(file_name, refusal)
                if not title and title_name not in self.errors:
                    self.add_error(title_name, f"Enter a title for document {n}")
            elif title:
                chosen += 1
                self.add_error(file_name, f"Choose the file for document {n}")
        if not chosen:
            self.add_error("file_1", "Choose a file to attach")
        return cleaned

    def files_with_titles(self):
        return [
            (self.cleaned_data[f"title_{n}"], self.cleaned_data[f"file_{n}"])
            for n in self.slots
            if self.cleaned_data.get(f"file_{n}")
        ]

    def documents(self):
        """(number, title field, file field) of each pair, for the template."""
        return [(n, self[f"title_{n}"], self[f"file_{n}"]) for n in self.slots]


class EvidenceReplaceForm(_Refusable):
    """A new version of a document: its title (the old one's, unless changed) and its file."""

    title = _title_field(required=True)
    file = _file_field(required=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if refusal := _refusal(upload):
            raise forms.ValidationError(refusal)
        return upload
