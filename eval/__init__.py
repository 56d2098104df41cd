"""Evaluating budgetqa: question sets (JSON lines), a naive RAG baseline, the scorer and the report."""
