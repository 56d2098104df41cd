"""Reading an amount out of a sentence for the item asked (chatbot.link.narrative.extract_values): pure, with the
real lexicon and patterns. Every case is a near miss once given by the real corpus."""
from __future__ import annotations

from chatbot.lexicon import load_lexicon, load_patterns
from chatbot.link.narrative import extract_values
from chatbot.understand.query import understand

LEX, PAT = load_lexicon(), load_patterns()


def read(question: str, sentence: str, focus: list[str], narrower=(), others=()):
    return [(label, number) for label, number, _ in
            extract_values(understand(question, LEX, PAT), sentence, focus, narrower, others)]


def test_the_amount_after_the_asked_item_is_read():
    assert read("服务类采购预算有多少", "服务类采购预算67.41万元。", ["服务类采购"]) == [("服务类采购", "67.41")]


def test_a_term_joined_to_the_next_shares_the_amount():
    sentence = "公务用车购置及运行费38.60万元，主要用于单位公务用车车辆购置支出。"
    assert read("公务用车购置费多少", sentence, ["公务用车购置", "公务"]) == []


def test_a_word_of_two_characters_names_no_item():
    sentence = "收入全部为一般公共预算拨款，包括：一般公共预算当年拨款收入16,474.82万元。"
    assert read("财政拨款收入是多少", sentence, ["拨款", "收入"]) == []


def test_a_term_narrowed_by_a_scope_not_asked_is_another_item():
    sentence = "2026年政府性基金预算财政拨款收入44134.59万元，政府性基金预算支出44134.59万元。"
    assert read("财政拨款收入是多少", sentence, ["财政拨款收入"], narrower=["政府性基金预算"]) == []
    assert read("财政拨款收入是多少", sentence, ["财政拨款收入"]) == [("财政拨款收入", "44134.59")]


def test_another_item_between_term_and_amount_is_that_items():
    sentence = "2026年本部门财政拨款安排“三公”经费19.86万元，比上年减少22.65万元。"
    assert read("财政拨款收入是多少", sentence, ["财政拨款"], others=["三公经费"]) == []


def test_a_part_of_the_asked_term_reads_no_amount_where_the_sentence_says_the_whole():
    sentence = "在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额0万元；"
    assert read("政府采购预算是多少", sentence, ["政府采购", "采购"]) == []


def test_an_item_printed_in_quotes_is_the_item_asked():
    sentence = "2026年财政拨款“三公”经费预算231.48万元，比2025年财政拨款“三公”经费年初预算增加7.5万元。"
    assert read("三公经费是多少", sentence, ["三公经费", "三公", "经费"]) == [("三公经费", "231.48")]
    assert read("“三公”经费有多少", sentence, ["三公经费", "三公", "经费"]) == [("三公经费", "231.48")]
