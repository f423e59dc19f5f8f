class SpreadsheetFormat:
    """`csv` or `xlsx`: the formats of every spreadsheet download."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
