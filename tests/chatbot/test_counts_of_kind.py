"""A count of a kind of thing (「执法执勤用车有几辆」) is the count the narrative states for that kind, never
the total of the noun; a kind no sentence counts is refused. Kinds and counts are read from the sample's
own sentences, so the test follows the document, not one wording."""
from __future__ import annotations

import re

import pytest

KIND = re.compile(r"(?<=[，,；其中])([\u4e00-\u9fff]{2,8}用车)(\d+)辆")
WORDINGS = ("{k}有几辆？", "现有的{k}有多少辆", "请问{k}一共有几辆")


def stated_kinds(service) -> dict[str, int]:
    """Each kind of vehicle the holding sentence (截至…共有…) counts, and its count."""
    for chunk in service._whole()._chunks:
        for sentence in re.split(r"[。；]", chunk.text):
            if "共有" in sentence and "新增" not in sentence and "购置" not in sentence:
                found = {k: int(n) for k, n in KIND.findall(sentence) if not k.startswith("其他")}
                if len(found) >= 3:
                    return found
    return {}


def test_each_kind_counts_as_its_sentence_says(service):
    kinds = stated_kinds(service)
    assert len(kinds) >= 3, kinds
    for kind, count in kinds.items():
        for wording in WORDINGS:
            got = service.ask(wording.format(k=kind))
            assert got.found and [v.value for v in got.values] == [str(count)], (kind, got.answer)


@pytest.mark.parametrize("kind", ["新能源用车", "越野用车", "大型客车"])
def test_a_kind_no_sentence_counts_is_refused(service, kind):
    for wording in WORDINGS:
        got = service.ask(wording.format(k=kind))
        assert not got.found and not got.values, got.answer
