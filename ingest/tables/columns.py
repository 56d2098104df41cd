"""Column roles of a table grid: which columns print codes, labels and figures, per side-by-side
panel, and the spacer columns merged into the column they pad (`read_header`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..pdf.grid import Grid, merge_columns
from ..pdf.layout import is_code_header, is_ignored_header, is_label_header, is_subject_code_part, layout


@dataclass
class ColumnRoles:
    """Which columns hold codes, labels and values; one entry in `sides` per side-by-side half."""

    paths: list[str]
    subject_parts: list[int]  # 类, 款, 项 column indexes, in that order
    code_cols: list[int]
    sides: list[Panel]  # one per side-by-side panel


def unique_paths(paths: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, p in enumerate(paths):
        p = p or f"列{i + 1}"
        if p in seen:
            seen[p] += 1
            p = f"{p}({seen[p]})"
        else:
            seen[p] = 1
        out.append(p)
    return out


def column_roles(paths: list[str]) -> ColumnRoles:
    """Classify columns by their header leaf: 类/款/项, code, label, value — per side-by-side panel
    (收入 | 支出, or an economic table printed in two or three panels, each with its own codes)."""
    if not paths:  # an empty table printed without a grid
        return ColumnRoles([], [], [], [])
    leaves = [re.sub(r"\(\d+\)$", "", p).split("/")[-1] for p in paths]
    subject = [i for i, leaf in enumerate(leaves) if is_subject_code_part(leaf)]
    codes = [i for i, leaf in enumerate(leaves) if is_code_header(leaf) and i not in subject]
    coded = set(subject) | set(codes)
    bases = [re.sub(r"\(\d+\)$", "", p) for p in paths]
    labels = [i for i, leaf in enumerate(leaves) if is_label_header(leaf)
              and not (i > 0 and i - 1 not in coded and bases[i - 1] == bases[i])]  # one label over 2+ columns
    if not labels:
        first = next((i for i in range(len(paths)) if i not in coded), 0)
        if is_value_header(paths[first]):  # no label column: every column holds figures
            values = [i for i in range(len(paths)) if i not in coded and not is_ignored_header(leaves[i])]
            return ColumnRoles(paths, subject[:3], codes, [Panel(None, -1, values, subject[:3], codes)])
        labels = [first]
    starts = []
    for label in labels:
        start = label
        while start - 1 >= 0 and start - 1 in coded and start - 1 not in labels:
            start -= 1
        starts.append(start)
    starts[0] = 0
    panels = []
    for n, label in enumerate(labels):
        end = starts[n + 1] if n + 1 < len(labels) else len(paths)
        values = [i for i in range(label + 1, end) if i not in coded and not is_ignored_header(leaves[i])]
        parts = [i for i in subject if starts[n] <= i < label]
        panel_codes = [i for i in codes if starts[n] <= i < label] or [i for i in codes if label < i < end]
        if not parts and len(panel_codes) in (2, 3) and len({bases[i] for i in panel_codes}) == 1:
            parts, panel_codes = panel_codes, []  # 科目编码 over 类 | 款 | 项 cells with no header of their own
        span = [label]
        while span[-1] + 1 < end and bases[span[-1] + 1] == bases[label]:
            span.append(span[-1] + 1)
        values = [i for i in values if i not in span]
        panels.append(Panel(_side_name(paths[label]), label, values, parts[:3], panel_codes, span))
    return ColumnRoles(paths, subject[:3], codes, _join_parallel_classifications(panels, paths))


def _join_parallel_classifications(panels: list[Panel], paths: list[str]) -> list[Panel]:
    """Panels with no figures of their own followed by one that has them print the same rows in two
    classifications (部门 | 政府 经济分类): one panel, labelled and coded by the preferred one (data:
    preferred_classification_words), the others' labels kept as text cells."""
    out: list[Panel] = []
    run: list[Panel] = []
    for panel in panels:
        run.append(panel)
        if not panel.values and panel is not panels[-1]:
            continue
        if len(run) == 1:
            out.append(panel)
        else:
            words = layout()["preferred_classification_words"]
            chosen = next((p for p in run if any(w in paths[p.label] for w in words)), run[-1])
            others = [p.label for p in run if p is not chosen]
            out.append(Panel(chosen.side, chosen.label, run[-1].values + others, chosen.subject_parts,
                             chosen.code_cols, chosen.label_cols))
        run = []
    return out


@dataclass
class Panel:
    """One side of a grid: its label column, value columns and the columns that print its codes."""

    side: str | None
    label: int
    values: list[int]
    subject_parts: list[int]
    code_cols: list[int]
    label_cols: list[int] = field(default_factory=list)  # a label header spanning columns: 项目名称 over 4

    def __iter__(self):  # (side, label, values), as the sides were once plain tuples
        return iter((self.side, self.label, self.values))


def _side_name(path: str) -> str | None:
    """收入 or 支出 when a label column stands under one half of a side-by-side grid."""
    top = path.split("/")[0]
    return layout()["side_names"].get(top) if "/" in path else None


def is_value_header(path: str) -> bool:
    """A header that names figures (合计, …费, 预算数), not the rows' labels."""
    leaf = path.split("/")[0]
    return any(w in leaf for w in layout()["value_header_words"])


def read_header(grid: Grid, paths: list[str], start: int) -> tuple[Grid, ColumnRoles, list[list[int]]]:
    """The grid with its spacer columns merged, the roles of its columns (headed by `paths`, data from
    row `start`), and the merge groups."""
    groups = spacer_groups(grid, start, paths)
    if len(groups) == grid.n_cols:
        return grid, column_roles(paths), groups
    merged = merge_columns(grid, groups)
    names = [next((_base(paths[k]) for k in g if not _UNNAMED.match(paths[k])), paths[g[0]]) for g in groups]
    return merged, column_roles(unique_paths(names)), groups


def _base(path: str) -> str:
    return re.sub(r"\(\d+\)$", "", path)


def spacer_groups(grid: Grid, start: int, paths: list[str]) -> list[list[int]]:
    """Columns that pad another: one that starts no figure or label in any data row, under no header
    of its own (or the same header), joins the column before it — a header drawn over 3 thin cells,
    「金额」 over three, a figure spanning 3 columns under a header in the middle one. A run whose rows
    print several cells (类 | 款 | 项 under 科目编码) stays apart."""
    groups: list[list[int]] = []
    for c in range(len(paths)):
        if groups and (_pads(grid, start, c) and _same_header(paths, groups[-1], c)
                       or _one_cell_per_row(grid, start, paths, groups[-1] + [c])):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


_UNNAMED = re.compile(r"^列\d+$")


def _one_cell_per_row(grid: Grid, start: int, paths: list[str], run: list[int]) -> bool:
    """Columns under one header in which no data row prints two different cells."""
    if _UNNAMED.match(paths[run[0]]) or len({_base(paths[k]) for k in run}) != 1:
        return False
    return all(len({grid.text(r, k) for k in run if grid.text(r, k) and grid.is_origin(r, k)}) <= 1
               for r in range(start, grid.n_rows))


def _pads(grid: Grid, start: int, c: int) -> bool:
    return all(not (grid.text(r, c) and grid.is_origin(r, c)) for r in range(start, grid.n_rows))


def _same_header(paths: list[str], group: list[int], c: int) -> bool:
    named = [_base(paths[k]) for k in group if not _UNNAMED.match(paths[k])]
    return bool(_UNNAMED.match(paths[c])) or not named or named[0] == _base(paths[c])
