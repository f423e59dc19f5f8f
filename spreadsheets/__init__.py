"""CSV and XLSX in and out: importing recommendations, uploading progress, exporting action plans."""
