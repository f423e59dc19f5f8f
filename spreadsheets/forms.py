import hashlib

from django import forms

from govuk.forms import DateField
from recommendations.models import Status

from . import mapping as layout


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


NOT_IN_FILE = ("", "Not in the file")


class ColumnMappingForm(forms.Form):
    """Which column of the administrator's own tracker holds each field, what each status
    word means, and the date the latest progress is as at.

    Built for one file (`table`) and heading row. The status words listed are those of the
    status column chosen: the one posted, else the one in `initial`.
    """

    token = forms.UUIDField(widget=forms.HiddenInput)
    header_row = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, table, review, header_row, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.table, self.review, self.header_row = table, review, header_row
        self.problems = layout.heading_problems(table, header_row)
        texts = layout.headings(table, header_row)
        examples = _examples(table, header_row)
        choices = [NOT_IN_FILE] + [
            (str(index), _column_label(index, text, examples.get(index)))
            for index, text in enumerate(texts)
            if text
        ]
        self.column_fields = []
        for spec in layout.FIELDS:
            name = f"column_{spec.key}"
            self.fields[name] = forms.ChoiceField(
                label=spec.question,
                help_text=spec.hint,
                choices=choices,
                required=spec.key == "number",
                initial=_initial_column(initial_mapping, spec.key),
                error_messages={
                    "required": "Choose the column that holds each recommendation's reference "
                    "or number",
                    "invalid_choice": "Choose one of the file's columns",
                },
            )
            self.column_fields.append(name)
        self.fields["as_at"] = DateField(
            label="Progress as at",
            required=False,
            initial=initial_mapping.as_at,
            help_text="The date the latest-progress column describes the position on, for "
            "example 31 3 2026. Each row's progress is recorded as an update dated on it.",
        )
        self.words = layout.status_words(table, self._mapping_for_words(initial_mapping))
        known = layout.guessed_statuses(
            table, self._mapping_for_words(initial_mapping), initial_mapping.statuses
        )
        self.status_fields = []
        for word in self.words[: layout.MAX_STATUS_WORDS]:
            name = "status_" + hashlib.sha256(word.key.encode()).hexdigest()[:12]
            self.fields[name] = forms.ChoiceField(
                label=word.text,
                choices=[("", "Choose a status"), *Status.choices],
                initial=known.get(word.key, ""),
                error_messages={
                    "required": f"Choose the tracker's status for “{word.text}”",
                    "invalid_choice": f"Choose the tracker's status for “{word.text}”",
                },
            )
            self.status_fields.append((name, word))

    def _mapping_for_words(self, initial):
        """The layout whose status column's words are listed: the posted column, if valid."""
        column = initial.columns.get("status")
        if self.is_bound:
            posted = self.data.get("column_status", "")
            valid = {value for value, _ in self.fields["column_status"].choices}
            column = int(posted) if posted and posted in valid else None
        columns = {} if column is None else {"status": column}
        return layout.Mapping(header_row=self.header_row, columns=columns)

    def bound_columns(self):
        return [self[name] for name in self.column_fields]

    def bound_statuses(self):
        return [(self[name], word) for name, word in self.status_fields]

    def clean(self):
        cleaned = super().clean()
        for problem in self.problems:
            self.add_error(None, problem)
        if len(self.words) > layout.MAX_STATUS_WORDS:
            self.add_error(
                "column_status",
                f"The status column has more than {layout.MAX_STATUS_WORDS} different words: "
                "choose the column that holds each recommendation's status",
            )
        columns = self.columns()
        if "status" in columns and "progress" not in columns:
            self.add_error(
                "column_progress",
                "Choose the latest-progress column: a status is recorded with the progress "
                "it describes. Or choose “Not in the file” for the status",
            )
        if "progress" in columns and "status" not in columns:
            self.add_error(
                "column_status",
                "Choose the status column: each progress update needs a status",
            )
        if "progress" in columns and "as_at" not in self.errors:
            problem = layout.as_at_error(self.review, cleaned.get("as_at"))
            if problem:
                self.add_error("as_at", problem)
        return cleaned

    def columns(self):
        return {
            spec.key: int(value)
            for spec in layout.FIELDS
            if (value := self.cleaned_data.get(f"column_{spec.key}"))
        }

    @property
    def mapping(self):
        """The layout chosen (once the form is valid)."""
        columns = self.columns()
        return layout.Mapping(
            header_row=self.header_row,
            columns=columns,
            statuses={word.key: self.cleaned_data[name] for name, word in self.status_fields},
            as_at=self.cleaned_data.get("as_at") if "progress" in columns else None,
            signature=layout.signature(layout.headings(self.table, self.header_row)),
        )


def _initial_column(mapping, key):
    index = mapping.columns.get(key)
    return "" if index is None else str(index)


def _column_label(index, text, example):
    label = f"{text} (column {layout.column_name(index)})"
    if example:
        label += f", e.g. “{example}”"
    return label


def _examples(table, header_row):
    """The first value under each heading, cut short: what the column holds."""
    examples = {}
    for row in table.rows[header_row : header_row + 20]:
        for index, value in enumerate(row):
            text = layout.cell_text(value)
            if text and index not in examples:
                examples[index] = text if len(text) <= 30 else text[:29].rstrip() + "…"
    return examples
