"""The typed document model, its identity and metadata, narrative text, and reading any file format
in isolation."""
