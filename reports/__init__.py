"""Committee progress reports: content as at a cut-off, the report template, PDFs, drafts and issuing."""
