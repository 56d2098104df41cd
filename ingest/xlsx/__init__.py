"""Reading an .xlsx disclosure: one table per sheet."""
