"""Comparisons you can see: the figures an answer compares (departments ranked or set side by side,
a figure over years, the parts of a whole) as a chart beside the 问答 tab's chat, each bar or point
naming the cell it was read from; the chart's data as CSV and the chart as PNG (drawn with PIL).

Only figures read from a cited cell are drawn: a computed difference, rate or share is said in the
answer, never drawn, and an answer with fewer than two such figures in one unit has no chart."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from app_tables import new_download, write_csv
from app_text import figure
from chatbot.answer import Answer, Citation, Value
from ingest.store.store import Store, StoredDocument

# answers that set figures side by side: across departments, years, 预算/决算, or the parts of a whole
COMPARING = frozenset({"rank", "difference", "change", "series", "lookup", "sum", "share", "clarify"})
MAX_BARS = 20
LABEL, AMOUNT, SHOWN, SOURCE = "项目", "数值", "金额", "出处"
CSV_HEADERS = [LABEL, "数值", "单位", "文档", "表", "页", "行", "列"]
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
PNG_SIZE = (960, 540)
BAR_COLOUR = (234, 88, 12)   # the theme's primary orange


@dataclass(frozen=True)
class Point:
    """One drawn figure: its label, the exact amount, and the cell it was read from."""

    label: str
    amount: Decimal
    citation: Citation
    document: StoredDocument | None = None


@dataclass(frozen=True)
class Chart:
    """The figures of one answer to draw: bars, or a line when they are one item over years."""

    title: str
    unit: str
    points: tuple[Point, ...]
    line: bool = False

    @property
    def axis(self) -> str:
        return f"{AMOUNT}（{self.unit}）"

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.points]

    def frame(self) -> pd.DataFrame:
        """The plot's data: label, height (float, for drawing only), the figure as printed and its cell."""
        return pd.DataFrame({
            LABEL: [p.label for p in self.points],
            AMOUNT: [float(p.amount) for p in self.points],
            SHOWN: [f"{figure(p.amount)}{self.unit}" for p in self.points],
            SOURCE: [cell_name(p.citation) for p in self.points],
        })

    def rows(self) -> list[list[str]]:
        """The CSV rows: exact decimals and each figure's cell."""
        return [[p.label, f"{p.amount:f}", self.unit, p.citation.document, p.citation.table or "",
                 str(p.citation.page), p.citation.row or "", p.citation.column or ""] for p in self.points]


def cell_name(c: Citation) -> str:
    """「文档 › 表 › 第N页 › 行 › 列」: where a drawn figure is printed."""
    return " › ".join(p for p in (c.document, c.table or "", f"第{c.page}页", c.row or "", c.column or "") if p)


def _amount(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").replace(",", ""))
    except InvalidOperation:
        return None


def cited_points(answer: Answer, document_of: Callable[[Citation], StoredDocument | None]
                 ) -> list[tuple[Value, Point]]:
    """Each stated value read from a cited cell, paired with that cell (in the answer's order); the
    values computed from cells (差额, 占比, 增减率) have no cell and are left out."""
    free = [c for c in answer.citations if not c.is_quote and _amount(c.value) is not None]
    out = []
    for v in answer.values:
        amount = _amount(v.value)
        cell = next((c for c in free if amount is not None and _amount(c.value) == amount), None)
        if cell is None or v.unit in ("", "%"):
            continue
        free.remove(cell)
        out.append((v, Point(v.label, amount, cell, document_of(cell))))  # type: ignore[arg-type]
    return out


def _by_whom(points: Sequence[Point]) -> tuple[list[str], str] | None:
    """「甲局三公经费」「乙局三公经费」 → the departments and the item 「三公经费」, when every label is its
    document's department then one shared item; else None."""
    items = {p.label[len(p.document.department):] for p in points
             if p.document and p.label.startswith(p.document.department)}
    if len(items) != 1 or not all(p.document and p.label.startswith(p.document.department) for p in points):
        return None
    return [p.document.department for p in points if p.document], items.pop()


def _over_years(points: Sequence[Point]) -> tuple[list[str], str]:
    """「2024年三公经费」「2023年三公经费」 → the years and the item they share, if they name one."""
    labels = [f"{p.document.year}年" for p in points if p.document]
    items = {p.label[len(y):] for p, y in zip(points, labels, strict=True) if p.label.startswith(y)}
    return labels, items.pop() if len(items) == 1 and len(labels) == len(points) else ""


def answer_chart(answer: Answer, document_of: Callable[[Citation], StoredDocument | None]) -> Chart | None:
    """The chart of an answer that compares figures, or None (not a comparison, fewer than two cited
    figures, or figures in different units). One department's figure over years is a line."""
    if not answer.found or answer.operation not in COMPARING:
        return None
    pairs = cited_points(answer, document_of)[:MAX_BARS]
    if len(pairs) < 2 or len({v.unit for v, _ in pairs}) != 1:
        return None
    unit = pairs[0][0].unit
    points = [p for _, p in pairs]
    docs = [p.document for p in points]
    years = [d.year if d else None for d in docs]
    line = (None not in years and len(set(years)) == len(years)
            and len({d.department for d in docs if d}) == 1 and len({d.kind for d in docs if d}) == 1)
    if line:
        points.sort(key=lambda p: p.document.year if p.document and p.document.year else 0)
        labels, item = _over_years(points)
    else:
        labels, item = _by_whom(points) or ([p.label for p in points], "")
    labels = _unique(labels)
    points = [Point(label, p.amount, p.citation, p.document) for label, p in zip(labels, points, strict=True)]
    return Chart(item or "对比", unit, tuple(points), line)


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct (a bar per figure, never two figures summed under one label)."""
    seen: dict[str, int] = {}
    out = []
    for s in labels:
        seen[s] = seen.get(s, 0) + 1
        out.append(s if seen[s] == 1 else f"{s}（{seen[s]}）")
    return out


class ChartMemory:
    """The charts of recent answers, found again by the answer's text when the chat shows it (the
    chat's own value is its messages; the chart is read beside it)."""

    def __init__(self, store: Store, size: int = 256) -> None:
        self.store = store
        self.size = size
        self._charts: OrderedDict[str, Chart | None] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, text: str, answer: Answer) -> None:
        docs = {d.id: d for d in self.store.documents()} if answer.operation in COMPARING else {}
        by_title = {d.title: d for d in docs.values()}

        def document_of(c: Citation) -> StoredDocument | None:
            return docs.get(c.document_id) if c.document_id is not None else by_title.get(c.document)

        chart = answer_chart(answer, document_of)
        with self._lock:
            self._charts[text] = chart
            self._charts.move_to_end(text)
            while len(self._charts) > self.size:
                self._charts.popitem(last=False)

    def last(self, history: Sequence[Any]) -> Chart | None:
        """The chart of the chat's last answer (None when it has none, or the chat is empty)."""
        turn = []
        for message in history or []:
            role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
            content = message.get("content") if isinstance(message, dict) else getattr(message, "content", None)
            turn = [] if role == "user" else turn + [_text(content)]
        with self._lock:
            return next((self._charts[t] for t in turn if t in self._charts), None)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return ""


# -- downloads -------------------------------------------------------------------------------------
def chart_csv(chart: Chart, directory: Path) -> Path:
    return write_csv(chart.rows(), directory, CSV_HEADERS, f"对比图-{chart.title}")


def chart_png(chart: Chart, directory: Path) -> Path:
    """The chart drawn with PIL (bars, or a line over years), each figure printed on it."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = PNG_SIZE
    image = Image.new("RGB", PNG_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(CJK_FONT), 18) if CJK_FONT.exists() else ImageFont.load_default(size=18)
    small = ImageFont.truetype(str(CJK_FONT), 15) if CJK_FONT.exists() else ImageFont.load_default(size=15)
    draw.text((24, 16), f"{chart.title}（{chart.unit}）", font=font, fill="black")
    left, top, bottom, right = 40, 70, height - 70, width - 30
    draw.line((left, bottom, right, bottom), fill="black", width=2)
    highest = max((p.amount for p in chart.points), default=Decimal(1)) or Decimal(1)
    lowest = min(Decimal(0), *(p.amount for p in chart.points))
    span = (highest - lowest) or Decimal(1)
    step = (right - left) / len(chart.points)

    def y(v: Decimal) -> float:
        return bottom - float((v - lowest) / span) * (bottom - top)

    centres = []
    for i, p in enumerate(chart.points):
        x = left + step * (i + 0.5)
        centres.append((x, y(p.amount)))
        if not chart.line:
            draw.rectangle((x - step * 0.3, y(p.amount), x + step * 0.3, y(Decimal(0))), fill=BAR_COLOUR)
        _centred(draw, x, y(p.amount) - 24, figure(p.amount), small)
        _centred(draw, x, bottom + 10, p.label[:12], small)
    if chart.line:
        draw.line(centres, fill=BAR_COLOUR, width=3)
        for x, yy in centres:
            draw.ellipse((x - 5, yy - 5, x + 5, yy + 5), fill=BAR_COLOUR)
    path = new_download(directory, f"对比图-{chart.title}", ".png")
    image.save(path, format="PNG")
    return path


def _centred(draw, x: float, y: float, text: str, font) -> None:  # noqa: ANN001 (PIL objects)
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    draw.text((x - (right - left) / 2, y), text, font=font, fill="black")


# -- the panel -------------------------------------------------------------------------------------
def build_panel() -> tuple[Any, ...]:
    """The chart panel under the chat (hidden until an answer compares figures): bars or a line, a
    tooltip per figure naming its cell, and the downloads. Returns its components, in `updates` order."""
    import gradio as gr

    with gr.Column(visible=False, elem_id="chart-panel") as panel:
        common = dict(x=LABEL, y=AMOUNT, tooltip=[SHOWN, SOURCE], height=300, x_title="", label="对比图",
                      show_label=True, buttons=["fullscreen"])
        bars = gr.BarPlot(elem_id="chart-bars", **common)  # type: ignore[arg-type]
        line = gr.LinePlot(elem_id="chart-line", visible=False, **common)  # type: ignore[arg-type]
        with gr.Row():
            csv_button = gr.DownloadButton("下载图表数据（CSV）", size="md", scale=0, min_width=200)
            png_button = gr.DownloadButton("下载图表（PNG）", size="md", scale=0, min_width=200)
    return panel, bars, line, csv_button, png_button


def updates(chart: Chart | None, directory: Path) -> tuple[Any, ...]:
    """The panel's new state for the chat's last answer: hidden without a chart."""
    import gradio as gr

    if chart is None:
        return gr.Column(visible=False), gr.BarPlot(), gr.LinePlot(), gr.DownloadButton(), gr.DownloadButton()
    lowest = min(0.0, *(float(p.amount) for p in chart.points))  # bars start at 0: heights compare
    shown = dict(value=chart.frame(), title=f"{chart.title}（{chart.unit}）", y_title=chart.axis, sort=chart.labels,
                 y_lim=[lowest, None])
    return (gr.Column(visible=True), gr.BarPlot(visible=not chart.line, **shown),  # type: ignore[arg-type]
            gr.LinePlot(visible=chart.line, **shown),  # type: ignore[arg-type]
            gr.DownloadButton(value=str(chart_csv(chart, directory))),
            gr.DownloadButton(value=str(chart_png(chart, directory))))
