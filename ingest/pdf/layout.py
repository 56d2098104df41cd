"""The table-layout vocabulary (which headers are codes, labels, groups), loaded from data/table_layout.json."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document.text import normalize_label

_PATH = Path(__file__).resolve().parents[1] / "data" / "table_layout.json"


@lru_cache(maxsize=1)
def layout() -> dict[str, Any]:
    return json.loads(_PATH.read_text(encoding="utf-8"))


def is_subject_code_part(header_leaf: str) -> bool:
    return normalize_label(header_leaf) in layout()["subject_code_parts"]


def is_code_header(header_leaf: str) -> bool:
    """科目编码, 经济分类科目编码, 部门代码 …: a column of codes."""
    leaf = normalize_label(header_leaf)
    return leaf in layout()["code_headers"] or leaf.endswith(tuple(layout()["code_header_endings"]))


def is_label_header(header_leaf: str) -> bool:
    """科目名称, 项目, 部门支出经济分类科目 …: a column of row labels."""
    leaf = normalize_label(header_leaf)
    if is_code_header(leaf):
        return False
    bare = re.sub(r"（[^（）]*）$", "", leaf)  # 「支出功能分类科目（按大类）」
    return leaf in layout()["label_headers"] or bare.endswith(tuple(layout()["label_header_endings"]))


def is_ignored_header(header_leaf: str) -> bool:
    """行次/栏次/序号 columns: numbers that are positions, not amounts."""
    return normalize_label(header_leaf) in layout()["ignored_headers"]


def is_money_header(header_leaf: str) -> bool:
    """Whether a value column holds amounts (not 数量, 人数, 指标值 …)."""
    leaf = normalize_label(header_leaf)
    return not any(w in leaf for w in layout()["non_money_header_words"])


def is_performance_title(title: str) -> bool:
    return any(w in title for w in layout()["performance_title_words"])


_TABLE_TITLE = re.compile(r"^(20\d{2}|\d{4})年.{2,40}表(（续）|\(续\))?$")


def is_table_title(text: str) -> bool:
    """A printed table title: 「2024年一般公共预算支出情况表」, also 「…表（续）」 on a continuation."""
    return bool(_TABLE_TITLE.match(text.replace(" ", "")))
