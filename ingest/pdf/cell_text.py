"""The texts of a pdfplumber table's cells, as `Table.extract()` gives them, with the characters of
each row and cell chosen by array comparisons: pdfplumber tests every character of the page against
every row in Python (3.5 million calls on a 262-page 深圳 budget, a tenth of its parse)."""
from __future__ import annotations

from typing import Any

from pdfplumber import utils


def char_boxes(chars: list[dict[str, Any]]) -> Any:
    """The characters' boxes as an array of rows x0, top, x1, bottom."""
    import numpy as np

    return np.array([(c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars], dtype=float).reshape(-1, 4)


def cell_texts(table: Any, chars: list[dict[str, Any]], boxes: Any) -> list[list[str | None]]:
    """`table.extract()` without arguments: per row, per cell, the text of the characters whose centre
    lies in the cell (x0 ≤ x < x1, top ≤ y < bottom), in the page's order; None for no cell, "" for an
    empty one. `chars` are the page's characters as pdfplumber holds them (not deduplicated) and
    `boxes` their char_boxes."""
    import numpy as np

    h_mid, v_mid = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    out = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        in_row = np.flatnonzero((h_mid >= x0) & (h_mid < x1) & (v_mid >= top) & (v_mid < bottom))
        row_h, row_v = h_mid[in_row], v_mid[in_row]
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = cell
            picked = in_row[(row_h >= x0) & (row_h < x1) & (row_v >= top) & (row_v < bottom)]
            texts.append(utils.extract_text([chars[i] for i in picked]) if len(picked) else "")
        out.append(texts)
    return out
