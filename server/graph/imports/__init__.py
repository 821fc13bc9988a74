"""Publishers' imports: records, spreadsheets and RDF files into a new validated version (``run``)."""
