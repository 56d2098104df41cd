"""Question categories and systems as the report and the app's 评测 tab name them (Chinese; the
technical name stays in the JSON report and in tooltips)."""
from __future__ import annotations

CATEGORY_NAMES = {  # the question set's categories (eval/questions/README.md)
    "lookup": "查单项", "sum": "求和", "difference": "差额", "share": "占比", "ranking": "排名", "count": "计数",
    "change": "增减变化", "narrative": "说明文字", "check": "一致性判断", "ambiguous": "多种读法",
    "refusal": "应拒答", "jue": "决算对预算", "zero": "零值或空表", "overall": "总体"}
SYSTEM_NAMES = {"budgetqa": "budgetqa", "baseline": "基线"}


def category_name(category: str) -> str:
    """A question category in Chinese (「查单项」 for lookup); an unknown one as it is."""
    return CATEGORY_NAMES.get(category, category)


def system_name(system: str) -> str:
    return SYSTEM_NAMES.get(system, system)
