from django import forms


class SpreadsheetUploadForm(forms.Form):
    """Upload a CSV or .xlsx file; for progress, also the agency the updates are from."""

    file = forms.FileField(
        label="Upload a spreadsheet",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 2 MB, with the column "
        "names in the first row.",
        error_messages={
            "required": "Select a spreadsheet to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"] = forms.ModelChoiceField(
                queryset=agencies,
                label="Which agency are these updates from?",
                empty_label=None,
                error_messages={"invalid_choice": "Choose one of your agencies"},
            )
            self.order_fields(["agency", "file"])


class ConfirmImportForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
