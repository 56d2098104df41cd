"""Tables and their rows: columns, codes, amounts, kinds and titles, records, merging documents."""
