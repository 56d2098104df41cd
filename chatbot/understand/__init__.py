"""Read: a question written one way (canonical), split into its asks with their scope (question), each
ask understood as a query — operation, items, tables, level (query) — against a document set (reading)."""
