"""Writing and reading the stores: SQLite/Postgres records, Chroma vectors, embeddings, backup, export,
listing."""
