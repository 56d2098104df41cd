"""Link: the question's words tied to the store — departments by their names and aliases (documents,
names), items by the documents' printed labels, codes, columns and narrative (catalog, mentions,
resolve, row_sets, narrative)."""
