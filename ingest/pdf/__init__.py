"""Reading a PDF disclosure: words and ruling lines per page, the table grid, page tables, page renders."""
