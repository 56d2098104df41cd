"""Answering questions about ingested budget disclosures, deterministically and with citations."""
