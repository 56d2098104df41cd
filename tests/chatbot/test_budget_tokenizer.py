"""Each engine's tokenizer starts from the jieba dictionary loaded once per process (issue 21: loading
it took 0.6 s of CPU per engine): it tokenises exactly as a tokenizer loaded from disk, and the words
one engine adds stay its own."""
from __future__ import annotations

import jieba

from chatbot.link.narrative import BudgetTokenizer
from ingest.store.store import Store

WORDS = ["一般公共预算", "三公经费", "机关运行经费", "长沙市制造业发展促进中心"]


def test_tokens_are_those_of_a_tokenizer_loaded_from_disk(store_dir):
    texts = [c.text for c in Store(store_dir / "budgetqa.sqlite").chunks()]
    ours = BudgetTokenizer(WORDS)
    loaded = jieba.Tokenizer()
    loaded.initialize()
    for w in WORDS:
        loaded.add_word(w, freq=20000)
    assert texts and all(ours._jieba.lcut_for_search(t) == loaded.lcut_for_search(t) for t in texts)


def test_words_added_to_one_tokenizer_stay_its_own():
    BudgetTokenizer(["制造业发展促进中心"])
    other = BudgetTokenizer([])
    assert "制造业发展促进中心" not in other._jieba.lcut("长沙市制造业发展促进中心")
