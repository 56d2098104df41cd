"""Completeness (完整性) moved to `ingest.checks.completeness`; kept here for the modules importing it."""
from ..checks.completeness import (  # noqa: F401
    CATEGORY,
    KindCounts,
    TableCheck,
    TableCount,
    completeness_checks,
    empty_kinds,
    kind_counts,
    lacking,
    table_checks,
)
